// Errors the data pipeline raises for bad input. Each names the file and, where it helps,
// the byte offset or line so a person can find the problem; `code` is stable for the UI.
// Not for programming errors (those stay plain Error / RangeError).

export type DataErrorCode =
  | 'empty-file'
  | 'binary-file'
  | 'invalid-utf8'
  | 'no-text'
  | 'bad-json'
  | 'missing-field'
  | 'missing-column'
  | 'bad-csv'
  | 'unsupported-file'
  | 'not-found'
  | 'unreadable'
  | 'no-documents'
  | 'bad-token-cache'
  | 'tokenizer';

export class DataError extends Error {
  override readonly name = 'DataError';
  constructor(
    readonly code: DataErrorCode,
    message: string,
    readonly file: string | null = null,
    /** Byte offset into the file (0-based) where that is the useful locator. */
    readonly byteOffset: number | null = null,
    /** Line number (1-based) where that is the useful locator. */
    readonly line: number | null = null,
  ) {
    super(message);
  }
}
