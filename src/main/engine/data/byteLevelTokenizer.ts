// The fast path for model folders whose tokenizer is exactly the byte tokenizer written out as
// files (byteTokenizerFiles.ts): builtin:byt5-tiny, ByT5 folders (read with those files,
// tokenizerFiles.ts) and the checkpoints and exports of either. transformers.js runs such a
// tokenizer.json as a byte-level BPE with no merges, ~8× slower than mapping UTF-8 bytes to
// ids; this gives the same ids in the same way: the added tokens (<pad>, </s>, <unk>,
// <extra_id_N>) found in the text by longest match, as transformers.js' DictionarySplitter
// finds them, and every other byte b as b + 3. The folder keeps its own name and fingerprint
// (the hash of its files), so the token caches it had are still its caches. A folder whose
// files differ in anything that could change the ids or the text (another added token, a
// normalizer, a regex pre-tokenizer, space clean-up in decoding) is left to transformers.js.

import { isDeepStrictEqual } from 'node:util';
import { basename } from 'node:path';
import { byteTokenizerConfigFiles, byteTokenizerJson } from './byteTokenizerFiles';
import { createByteTokenizer, hfTokenizerFingerprint, type TextTokenizer, type TokenizerBytes } from './tokenizer';

function parsed(bytes: Buffer): unknown {
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    return undefined;
  }
}

/** `config` without model_max_length, which changes no id (Spanfill never truncates by it). */
function withoutMaxLength(config: unknown): unknown {
  if (typeof config !== 'object' || config === null || Array.isArray(config)) return config;
  const rest: Record<string, unknown> = { ...config };
  delete rest.model_max_length;
  return rest;
}

/**
 * Whether `files` are the byte tokenizer's: tokenizer.json equal to byteTokenizerJson() as
 * JSON (key order aside), and a tokenizer_config.json equal to its config but for
 * model_max_length. NOTE: without a tokenizer_config.json transformers.js cleans up spaces
 * when decoding (" ." → "."), so such a folder is not the byte tokenizer.
 */
export function isByteTokenizerFiles(files: TokenizerBytes): boolean {
  if (files.config === null) return false;
  const { tokenizerConfig } = byteTokenizerConfigFiles();
  return (
    isDeepStrictEqual(withoutMaxLength(parsed(files.config)), withoutMaxLength(tokenizerConfig)) &&
    isDeepStrictEqual(parsed(files.json), byteTokenizerJson())
  );
}

/** Text that may be an added token; which ones are is looked up (<extra_id_125> and <extra_id_01> are not). */
const ADDED_TOKEN_TEXT = /<extra_id_\d+>|<\/s>|<pad>|<unk>/g;

/**
 * The byte tokenizer under the folder `dir`'s name and files' fingerprint, with literal added
 * tokens in the text mapped to their ids (the plain byte tokenizer keeps them as bytes).
 * Only for files isByteTokenizerFiles accepts.
 */
export function byteLevelFolderTokenizer(dir: string, files: TokenizerBytes): TextTokenizer {
  const bytes = createByteTokenizer();
  const name = basename(dir);
  const addedIds = new Map<string, number>([
    ['<pad>', bytes.padId],
    ['</s>', bytes.eosId],
    ['<unk>', bytes.unkId],
  ]);
  for (let n = 0; n < bytes.sentinelCount; n++) addedIds.set(`<extra_id_${n}>`, bytes.sentinelId(n));
  const firstByteId = bytes.encode('\u0000')[0];
  /** Appends the ids of `text`'s UTF-8 bytes (a loop: a spread of a long document's ids would overflow the stack). */
  const appendBytes = (ids: number[], text: string): void => {
    const utf8 = Buffer.from(text, 'utf8');
    for (let i = 0; i < utf8.length; i++) ids.push(utf8[i] + firstByteId);
  };
  const encode = (text: string): number[] => {
    if (!text.includes('<')) return bytes.encode(text);
    const ids: number[] = [];
    let from = 0;
    for (const match of text.matchAll(ADDED_TOKEN_TEXT)) {
      const id = addedIds.get(match[0]);
      if (id === undefined) continue;
      appendBytes(ids, text.slice(from, match.index));
      ids.push(id);
      from = match.index + match[0].length;
    }
    appendBytes(ids, text.slice(from));
    return ids;
  };
  return {
    ...bytes,
    name,
    fingerprint: hfTokenizerFingerprint(files),
    sentinelId(n: number): number {
      if (!Number.isInteger(n) || n < 0 || n >= bytes.sentinelCount) {
        throw new RangeError(`Sentinel <extra_id_${n}> does not exist; ${name} has ${bytes.sentinelCount}`);
      }
      return bytes.sentinelId(n);
    },
    encode,
    encoding: { mode: 'byte-level' },
  };
}
