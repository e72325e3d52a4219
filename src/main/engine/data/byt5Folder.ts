// Whether a model folder's tokenizer is ByT5's: Google's ByT5 checkpoints and folders saved from
// them by Python transformers have no tokenizer.json, only a tokenizer_config.json (or a
// config.json) naming ByT5Tokenizer, a Python-only class whose vocabulary is the byte
// tokenizer's (tokenizer.ts). Kept apart so that tokenizer.ts and tokenizerFiles.ts can both ask.
// Reference: transformers models/byt5/tokenization_byt5.py (bytes + 3 specials + 125 extra ids).

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const BYT5_CLASS = 'ByT5Tokenizer';

function tokenizerClassIn(file: string): unknown {
  try {
    return (JSON.parse(readFileSync(file, 'utf8')) as { tokenizer_class?: unknown }).tokenizer_class;
  } catch {
    return undefined;
  }
}

/** A folder whose tokenizer is ByT5's byte-level one: no tokenizer.json, and ByT5Tokenizer named in its configs. */
export function isByT5Folder(dir: string): boolean {
  if (existsSync(join(dir, 'tokenizer.json'))) return false;
  return ['tokenizer_config.json', 'config.json'].some((file) => tokenizerClassIn(join(dir, file)) === BYT5_CLASS);
}
