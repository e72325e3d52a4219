// Tokenizers by name for the services: "bytes" is the byte-level (ByT5-layout) tokenizer,
// anything else a model folder holding tokenizer.json. Loaded once per folder and reused.

import path from 'node:path';
import { createByteTokenizer, loadHfTokenizer, type TextTokenizer } from '../engine/data';

export const BYTE_TOKENIZER_NAME = 'bytes';

export class TokenizerRegistry {
  private readonly loaded = new Map<string, Promise<TextTokenizer>>();

  load(model: string): Promise<TextTokenizer> {
    const key = model === BYTE_TOKENIZER_NAME ? model : path.resolve(model);
    let tokenizer = this.loaded.get(key);
    if (tokenizer === undefined) {
      tokenizer = key === BYTE_TOKENIZER_NAME ? Promise.resolve(createByteTokenizer()) : loadHfTokenizer(key);
      // A failed load is not cached: the folder may be fixed and tried again.
      tokenizer.catch(() => this.loaded.delete(key));
      this.loaded.set(key, tokenizer);
    }
    return tokenizer;
  }
}
