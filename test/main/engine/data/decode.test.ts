// The decoders' refusals (engine/data/decode.ts, and the sniff before it: encodingSniff.ts)
// say what to do next in the caller's words: import's by default, or the advice a caller
// passes (textBytes.ts passes "read"). Every refusal kind the two raise is here, so a new one
// that leaves the caller's advice out fails.
import { describe, expect, it } from 'vitest';
import { type DecodeAdvice, StreamingTextDecoder } from '../../../../src/main/engine/data/decode';
import { sniffFile } from '../../../../src/main/engine/data/encodingSniff';

/** Advice no caller gives, so a message that ignores it shows. */
const PREVIEW: DecodeAdvice = { verb: 'preview', saveTextAs: 'it as a .txt file' };

/** The decoder's message for `bytes` read in one chunk, or null when it decodes them. */
function decoderRefusal(bytes: Buffer, options: { isLegacy?: boolean; advice?: DecodeAdvice } = {}): string | null {
  const decoder = new StreamingTextDecoder('f', bytes.length, options.isLegacy ?? false, options.advice);
  try {
    decoder.push(bytes);
    decoder.end();
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}

async function* oneChunk(bytes: Buffer): AsyncIterable<Buffer> {
  yield bytes;
}

const nul = Buffer.from([0x61, 0x00, 0x62]);
/** 40 × (é, a stray C3, a stray FF): over the 8 invalid sequences tolerated. */
const damaged = Buffer.concat(Array.from({ length: 40 }, () => Buffer.from([0xc3, 0xa9, 0xc3, 0x20, 0xff])));
const utf16WithZeroUnit = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('ab\u0000c', 'utf16le')]);

describe('the decoders’ advice', () => {
  it('is import’s unless the caller passes its own', () => {
    expect(decoderRefusal(nul)).toBe(
      'f looks like a binary file, not text (NUL byte at byte offset 1); ' +
        'save or export its text as .txt, .md, .jsonl, .csv or .tsv and import that',
    );
    expect(decoderRefusal(damaged)).toMatch(
      /^f is not valid UTF-8: more than 8 invalid byte sequences, the first at byte offset 2\. Save it as UTF-8 \(or UTF-16 with a byte-order mark\) and import it again\.$/,
    );
  });

  it('is the caller’s in every refusal of the decoder that gives advice', () => {
    const binary = (offset: number): string =>
      `f looks like a binary file, not text (NUL byte at byte offset ${offset}); save or export it as a .txt file and preview that`;
    expect(decoderRefusal(nul, { advice: PREVIEW })).toBe(binary(1));
    expect(decoderRefusal(nul, { advice: PREVIEW, isLegacy: true })).toBe(binary(1)); // the Windows-1252 path
    expect(decoderRefusal(utf16WithZeroUnit, { advice: PREVIEW })).toBe(binary(6));
    expect(decoderRefusal(damaged, { advice: PREVIEW })).toBe(
      'f is not valid UTF-8: more than 8 invalid byte sequences, the first at byte offset 2. ' +
        'Save it as UTF-8 (or UTF-16 with a byte-order mark) and preview it again.',
    );
  });

  it('is the caller’s in the sniff’s binary refusal', async () => {
    await expect(sniffFile('f', oneChunk(nul), PREVIEW)).rejects.toThrow(
      'f looks like a binary file, not text (NUL byte at byte offset 1); save or export it as a .txt file and preview that',
    );
    await expect(sniffFile('f', oneChunk(utf16WithZeroUnit), PREVIEW)).rejects.toThrow(
      'f looks like a binary file, not text (NUL byte at byte offset 6); save or export it as a .txt file and preview that',
    );
  });

  it('is none where the refusal needs no caller’s words: UTF-16 without a mark, an empty file', async () => {
    const utf16 = Buffer.from('a text', 'utf16le');
    const withoutMark =
      'f looks like UTF-16 without a byte-order mark (NUL byte at byte offset 1); save it as UTF-8 (or UTF-16 with a BOM)';
    expect(decoderRefusal(utf16, { advice: PREVIEW })).toBe(withoutMark);
    await expect(sniffFile('f', oneChunk(utf16), PREVIEW)).rejects.toThrow(withoutMark);
    expect(decoderRefusal(Buffer.alloc(0), { advice: PREVIEW })).toBe('f is empty (0 bytes)');
    expect(decoderRefusal(Buffer.from([0xef, 0xbb, 0xbf]), { advice: PREVIEW })).toBe(
      'f is empty (only a byte-order mark)',
    );
    expect(decoderRefusal(Buffer.from([0xfe, 0xff]), { advice: PREVIEW })).toBe('f is empty (only a byte-order mark)');
  });
});
