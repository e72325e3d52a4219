// Tokenizers by name, for the services and the engine host: "bytes" is the byte-level
// (ByT5-layout) tokenizer, anything else a model folder holding tokenizer.json or a ByT5 folder
// (byt5Folder.ts); a folder whose files are the byte tokenizer's is encoded as bytes
// (byteLevelTokenizer.ts), any other through transformers.js. Loaded once per folder and reused
// until its tokenizer files change (then reloaded, so its fingerprint — and with it the token
// cache it selects — follows the files).

import { statSync } from 'node:fs';
import path from 'node:path';
import { BYTE_TOKENIZER_NAME } from '../../../shared/contract/datasets';
import { isByT5Folder } from './byt5Folder';
import { byteLevelFolderTokenizer, isByteTokenizerFiles } from './byteLevelTokenizer';
import { createByteTokenizer, loadHfTokenizer, tokenizerBytesIn, type TextTokenizer } from './tokenizer';
import { byt5TokenizerBytes } from './tokenizerFiles';

/**
 * The tokenizer a name means: BYTE_TOKENIZER_NAME's byte-level one, else the model folder's
 * tokenizer.json, or for a ByT5 folder (no tokenizer.json) the files its checkpoints get.
 */
export async function openTokenizer(name: string): Promise<TextTokenizer> {
  if (name === BYTE_TOKENIZER_NAME) return createByteTokenizer();
  const given = isByT5Folder(name) ? byt5TokenizerBytes() : undefined;
  const files = given ?? tokenizerBytesIn(name);
  if (files !== null && isByteTokenizerFiles(files)) return byteLevelFolderTokenizer(path.resolve(name), files);
  return loadHfTokenizer(name, {}, given);
}

/** Size and modification time of the files a tokenizer is loaded from ('' when absent). */
function fileStamp(dir: string): string {
  return ['tokenizer.json', 'tokenizer_config.json']
    .map((name) => {
      try {
        const s = statSync(path.join(dir, name));
        return `${s.size}:${s.mtimeMs}`;
      } catch {
        return '';
      }
    })
    .join('|');
}

export class TokenizerRegistry {
  private readonly loaded = new Map<string, { stamp: string; tokenizer: Promise<TextTokenizer> }>();

  load(model: string): Promise<TextTokenizer> {
    const key = model === BYTE_TOKENIZER_NAME ? model : path.resolve(model);
    const stamp = key === BYTE_TOKENIZER_NAME ? '' : fileStamp(key);
    const known = this.loaded.get(key);
    if (known !== undefined && known.stamp === stamp) return known.tokenizer;
    const tokenizer = openTokenizer(key);
    const entry = { stamp, tokenizer };
    // A failed load is not cached: the folder may be fixed and tried again.
    tokenizer.catch(() => {
      if (this.loaded.get(key) === entry) this.loaded.delete(key);
    });
    this.loaded.set(key, entry);
    return tokenizer;
  }
}
