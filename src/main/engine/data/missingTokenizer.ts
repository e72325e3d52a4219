// What a model folder without tokenizer.json (the fast tokenizer's file, the one Spanfill loads
// a tokenizer from) is told. Old T5 checkpoints hold only SentencePiece's spiece.model: that is
// their vocabulary, so the byte-level tokenizer is no stand-in (their embeddings index its ids);
// Python's transformers converts it, as a pull of such a repository says (engine/hub/files.ts
// tokenizerJsonRemedy, with the packages it needs). Where another tokenizer would do (a
// from-scratch model's), the caller says so: `hasSentencePiece` tells it whether the folder has
// one of its own.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { tokenizerJsonRemedy } from '../hub/files';
import { DataError } from './errors';

/** SentencePiece's model file, which transformers converts to tokenizer.json. */
export const SENTENCEPIECE_FILE = 'spiece.model';

/** What a folder without tokenizer.json lacks, and how to make its tokenizer.json, in words. */
export interface MissingTokenizer {
  /** "DIR has no tokenizer.json", naming a spiece.model it has. */
  readonly lack: string;
  /** What writes tokenizer.json (lower case: it follows a semicolon), Python on lines of its own. */
  readonly remedy: string;
  readonly hasSentencePiece: boolean;
}

/** What `dir`, a folder with no tokenizer.json, lacks and how to mend it. */
export function missingTokenizer(dir: string): MissingTokenizer {
  if (!existsSync(join(dir, SENTENCEPIECE_FILE)))
    return {
      lack: `${dir} has no tokenizer.json`,
      remedy: 'save the tokenizer there with save_pretrained() from a fast tokenizer',
      hasSentencePiece: false,
    };
  return {
    lack: `${dir} has only the SentencePiece ${SENTENCEPIECE_FILE}, no tokenizer.json (the file Spanfill reads a tokenizer from)`,
    remedy: tokenizerJsonRemedy(dir),
    hasSentencePiece: true,
  };
}

/** A model folder with no tokenizer.json to load (a DataError 'tokenizer': invalid_input to the services). */
export class MissingTokenizerError extends DataError {
  readonly hasSentencePiece: boolean;

  constructor(dir: string) {
    const missing = missingTokenizer(dir);
    super('tokenizer', `${missing.lack}; ${missing.remedy}`, dir);
    this.hasSentencePiece = missing.hasSentencePiece;
  }
}
