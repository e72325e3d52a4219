// The sniff that picks Windows-1252 for a file and finds its NUL before the import decodes it,
// fed in chunks as small as 1 byte (sequences and byte-order marks split across chunks), and
// the Windows-1252 decoding of the bytes where it departs from Latin-1.

import { describe, expect, it } from 'vitest';
import { decodeWindows1252 } from '../../../../src/main/engine/data/decode';
import { DataError } from '../../../../src/main/engine/data/errors';
import { sniffFile } from '../../../../src/main/engine/data/encodingSniff';

async function* chunked(bytes: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

const sizes = [1, 2, 3, 5, 1 << 20];

async function sniff(bytes: Buffer): Promise<boolean> {
  const verdicts = await Promise.all(sizes.map(async (size) => (await sniffFile('f', chunked(bytes, size))).isLegacy));
  expect(new Set(verdicts).size).toBe(1); // the same whatever the chunk size
  return verdicts[0];
}

/** The binary-file refusal's message for `bytes`, the same whatever the chunk size; null when there is none. */
async function refusal(bytes: Buffer): Promise<string | null> {
  const messages = await Promise.all(
    sizes.map((size) =>
      sniffFile('f', chunked(bytes, size)).then(
        () => null,
        (e: unknown) => (e instanceof DataError && e.code === 'binary-file' ? e.message : String(e)),
      ),
    ),
  );
  expect(new Set(messages).size).toBe(1);
  return messages[0];
}

const binary = (offset: number): string =>
  `f looks like a binary file, not text (NUL byte at byte offset ${offset}); ` +
  'save or export its text as .txt, .md, .jsonl, .csv or .tsv and import that';

const latin1 = (text: string): Buffer => Buffer.from(text, 'latin1');
/** Windows-1252 bytes of text whose only characters outside Latin-1 are the quotes „ and “. */
const windows1252 = (text: string): Buffer =>
  Buffer.from([...text].map((c) => ({ '\u201e': 0x84, '\u201c': 0x93 })[c] ?? c.charCodeAt(0)));

describe('sniffFile: Windows-1252 or not', () => {
  it('is true for Western European text in Latin-1 or Windows-1252, a high byte at the very end too', async () => {
    await expect(sniff(latin1('Ça va? Très bien, naïve façade, déjà vu.'))).resolves.toBe(true);
    await expect(sniff(Buffer.concat([Buffer.from('It'), Buffer.from([0x92]), Buffer.from('s fine')]))).resolves.toBe(
      true,
    );
    await expect(sniff(latin1('a long line of plain text, then a café'))).resolves.toBe(true);
  });

  it('is true for Windows-1252 text where two bytes in a row happen to form UTF-8', async () => {
    // "ß“" is DF 93 and "é" + no-break space + "»" E9 A0 BB: well-formed UTF-8 by chance.
    const german = 'Er sagte: \u201eIch gr\u00fc\u00dfe dich, mein Fu\u00df\u201c und ging. \u00dcber M\u00fcnchen.';
    const french = 'Il a dit \u00ab\u00a0la v\u00e9rit\u00e9\u00a0\u00bb et puis il est parti.';
    for (const text of [german, french]) await expect(sniff(windows1252(text))).resolves.toBe(true);
    // A UTF-8 file with a few damaged bytes among its well-formed letters stays UTF-8.
    const damaged = Buffer.from('Grüße aus München, schön: élan, déjà');
    damaged[2] = 0xfc; // the ü of Grüße, as one Latin-1 byte
    await expect(sniff(damaged)).resolves.toBe(false);
  });

  it('is false for UTF-8 (damaged bytes and all), ASCII, a byte-order mark, nothing, and high-byte-dense bytes', async () => {
    await expect(sniff(Buffer.from('naïve café, 東京 😀'))).resolves.toBe(false);
    await expect(
      sniff(Buffer.concat([Buffer.from('caf'), Buffer.from([0xe9]), Buffer.from(' et crème')])),
    ).resolves.toBe(false);
    await expect(sniff(Buffer.from('plain ASCII text'))).resolves.toBe(false);
    await expect(sniff(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), latin1('café')]))).resolves.toBe(false);
    await expect(sniff(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('hé', 'utf16le')]))).resolves.toBe(false);
    // The mark's two high bytes are few against this much text: only seeing the mark tells.
    const utf16 = Buffer.from('a plain sentence, long enough to outweigh its byte-order mark', 'utf16le');
    await expect(sniff(Buffer.concat([Buffer.from([0xff, 0xfe]), utf16]))).resolves.toBe(false);
    await expect(sniff(Buffer.from([0xef, 0xbb]))).resolves.toBe(false);
    await expect(sniff(Buffer.alloc(0))).resolves.toBe(false);
    // Russian in Windows-1251: nearly every letter above 0x7F, so not Western European text.
    await expect(sniff(Buffer.from([0xcf, 0xf0, 0xe8, 0xe2, 0xe5, 0xf2, 0x2c, 0x20, 0xec, 0xe8, 0xf0]))).resolves.toBe(
      false,
    );
  });
});

describe('sniffFile: a NUL anywhere', () => {
  it('refuses a zero byte wherever it is, at its offset, in UTF-8, Windows-1252 or a one-byte file', async () => {
    const text = Buffer.from('plain words, then more words, and then\n\n'.repeat(3));
    await expect(refusal(Buffer.concat([text, Buffer.from([0, 7])]))).resolves.toBe(binary(text.length));
    await expect(refusal(Buffer.concat([latin1('café '), Buffer.from([0])]))).resolves.toBe(binary(5));
    await expect(refusal(Buffer.from([0]))).resolves.toBe(binary(0));
    await expect(refusal(Buffer.from('no NUL here, 東京'))).resolves.toBeNull();
    await expect(refusal(Buffer.alloc(0))).resolves.toBeNull();
  });

  it('says a file with NUL bytes between ASCII letters looks like UTF-16 without a byte-order mark', async () => {
    await expect(refusal(Buffer.from('Hello there', 'utf16le'))).resolves.toBe(
      'f looks like UTF-16 without a byte-order mark (NUL byte at byte offset 1); save it as UTF-8 (or UTF-16 with a BOM)',
    );
  });

  it('says so too when letters beyond ASCII break the pattern of NULs, in either byte order', async () => {
    const text = 'Café naïve — “quotes” 日本語 text.\nSecond line';
    const withoutMark = (offset: number) =>
      `f looks like UTF-16 without a byte-order mark (NUL byte at byte offset ${offset}); save it as UTF-8 (or UTF-16 with a BOM)`;
    await expect(refusal(Buffer.from(text, 'utf16le'))).resolves.toBe(withoutMark(1));
    await expect(refusal(Buffer.from(text, 'utf16le').swap16())).resolves.toBe(withoutMark(0));
  });

  it('adds what to do if it is UTF-16 when NULs fall in one byte of each pair, but few', async () => {
    // Cyrillic in UTF-16: no NUL but in the spaces' and the full stop's code units.
    await expect(refusal(Buffer.from('Привет мир, как дела.', 'utf16le'))).resolves.toBe(
      'f looks like a binary file, not text (NUL byte at byte offset 13); save or export its text as .txt, .md, ' +
        '.jsonl, .csv or .tsv and import that; if it is UTF-16 without a byte-order mark, save it as UTF-8 (or UTF-16 with a BOM)',
    );
  });

  it('calls NULs in both bytes of the pairs binary, without the UTF-16 advice', async () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52]);
    await expect(refusal(png)).resolves.toBe(binary(8));
  });

  it('in UTF-16 with a byte-order mark, refuses a zero code unit, not the zero bytes of letters', async () => {
    const before = 'A\u0100 letters with a zero byte \u0200 each';
    for (const [mark, encode] of [
      [[0xff, 0xfe], (t: string) => Buffer.from(t, 'utf16le')],
      [[0xfe, 0xff], (t: string) => Buffer.from(t, 'utf16le').swap16()],
    ] as const) {
      const bytes = (t: string): Buffer => Buffer.concat([Buffer.from(mark), encode(t)]);
      await expect(refusal(bytes(before))).resolves.toBeNull();
      await expect(refusal(bytes(`${before}\u0000after`))).resolves.toBe(binary(2 + 2 * before.length));
      // An odd last byte (half a character, which the decoder leaves out) is no NUL.
      await expect(refusal(Buffer.concat([bytes(before), Buffer.from([0])]))).resolves.toBeNull();
    }
  });
});

describe('decodeWindows1252', () => {
  it('reads 0x80–0x9F as Windows-1252 does and the rest as Latin-1', () => {
    // Python 3.11's cp1252 codec on bytes 0x80–0x9F, its five unassigned bytes (0x81 0x8D 0x8F
    // 0x90 0x9D) written here as the C1 controls the WHATWG index gives them.
    const expected = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ';
    const high = Buffer.from(Array.from({ length: 32 }, (_, i) => 0x80 + i));
    expect(decodeWindows1252(high)).toBe(expected);
    expect(decodeWindows1252(latin1('Aé ÿ\u00a0'))).toBe('Aé ÿ\u00a0');
  });
});
