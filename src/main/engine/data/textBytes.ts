// A whole text file already read into memory (`spanfill mask --text-file FILE`, or standard
// input), decoded as import decodes a text file: the same sniff (Windows-1252 or UTF-8, a NUL
// byte refused as binary: encodingSniff.ts) and the same decoder (byte-order marks, UTF-16,
// invalid UTF-8 replaced up to a tolerance: decode.ts). Not documents or splitting (import.ts).
import { StreamingTextDecoder } from './decode';
import { sniffFile } from './encodingSniff';
import { DataError } from './errors';

/** The decoders' advice ends in importing the file again; here the file is read, not imported. */
const IMPORT_ADVICE: readonly (readonly [RegExp, string])[] = [
  [/; save or export its text as [^;]* and import that$/, '; save or export it as plain text (.txt) and read that'],
  [/ and import it again\.$/, ' and read it again.'],
];

async function* oneChunk(bytes: Buffer): AsyncIterable<Buffer> {
  yield bytes;
}

/** `bytes` as text; `name` (the file, or "Standard input") is what errors call it. */
export async function decodeTextBytes(bytes: Buffer, name: string): Promise<string> {
  try {
    const { isLegacy } = await sniffFile(name, oneChunk(bytes));
    const decoder = new StreamingTextDecoder(name, bytes.length, isLegacy);
    return decoder.push(bytes) + decoder.end();
  } catch (error) {
    if (!(error instanceof DataError)) throw error;
    const message = IMPORT_ADVICE.reduce((text, [advice, instead]) => text.replace(advice, instead), error.message);
    throw new DataError(error.code, message, error.file, error.byteOffset, error.line);
  }
}
