// What kind of tokenizer a model folder holds, read from its files without loading it (for
// `models show`): tokenizer.json's model type (Unigram for T5's SentencePiece, BPE, WordPiece,
// …), the class tokenizer_config.json names, and whether every UTF-8 byte is one token — a ByT5
// folder (no tokenizer.json, byt5Folder.ts) or a byte-level BPE with no merges, as the byte
// tokenizer is written (byteTokenizerFiles.ts).

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isByT5Folder } from './byt5Folder';

export interface TokenizerKind {
  /** tokenizer.json's model.type; null for a ByT5 folder, which has no tokenizer.json. */
  readonly model: string | null;
  /** tokenizer_config.json's tokenizer_class, when it names one. */
  readonly className: string | null;
  /** Every UTF-8 byte is one token (ByT5's vocabulary, or a BPE over bytes with no merges). */
  readonly isByteLevel: boolean;
}

type Json = Record<string, unknown>;

function asObject(value: unknown): Json | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined;
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

/** The kind of a parsed tokenizer.json and tokenizer_config.json (either may be undefined). */
export function tokenizerKindOf(tokenizerJson: unknown, tokenizerConfig: unknown): TokenizerKind {
  const model = asObject(asObject(tokenizerJson)?.model);
  const preTokenizer = asObject(asObject(tokenizerJson)?.pre_tokenizer);
  const className = asObject(tokenizerConfig)?.tokenizer_class;
  const merges = model?.merges;
  return {
    model: typeof model?.type === 'string' ? model.type : null,
    className: typeof className === 'string' ? className : null,
    isByteLevel:
      model?.type === 'BPE' && Array.isArray(merges) && merges.length === 0 && preTokenizer?.type === 'ByteLevel',
  };
}

/** The kind of tokenizer in `dir`; null when it has none Spanfill can load (no tokenizer.json, not ByT5). */
export function tokenizerKindIn(dir: string): TokenizerKind | null {
  // A ByT5 folder is one whose configs name ByT5Tokenizer.
  if (isByT5Folder(dir)) return { model: null, className: 'ByT5Tokenizer', isByteLevel: true };
  const file = join(dir, 'tokenizer.json');
  return existsSync(file) ? tokenizerKindOf(readJson(file), readJson(join(dir, 'tokenizer_config.json'))) : null;
}
