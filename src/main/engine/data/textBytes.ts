// A whole text file already read into memory (`spanfill mask --text-file FILE`, or standard
// input), decoded as import decodes a text file: the same sniff (Windows-1252 or UTF-8, a NUL
// byte refused as binary: encodingSniff.ts) and the same decoder (byte-order marks, UTF-16,
// invalid UTF-8 replaced up to a tolerance: decode.ts), with the notes import gives of a legacy
// code page, bytes replaced or a half UTF-16 character left out. Not documents or splitting
// (import.ts).
import { type DecodeAdvice, decodeNotes, StreamingTextDecoder } from './decode';
import { sniffFile } from './encodingSniff';

/** The file is read here, not imported: refusals say to save it again and read it. */
const READ_ADVICE: DecodeAdvice = { verb: 'read', saveTextAs: 'it as plain text (.txt)' };

async function* oneChunk(bytes: Buffer): AsyncIterable<Buffer> {
  yield bytes;
}

/** Text read from bytes, and what a person should know of how it was read. */
export interface DecodedText {
  readonly text: string;
  readonly notes: readonly string[];
}

/** `bytes` as text; `name` (the file, or "Standard input") is what errors and notes call it. */
export async function decodeTextBytes(bytes: Buffer, name: string): Promise<DecodedText> {
  const { isLegacy } = await sniffFile(name, oneChunk(bytes), READ_ADVICE);
  const decoder = new StreamingTextDecoder(name, bytes.length, isLegacy, READ_ADVICE);
  const text = decoder.push(bytes) + decoder.end();
  return { text, notes: decodeNotes(name, decoder.report, READ_ADVICE) };
}
