// Whether a text file is in Windows-1252 (or Latin-1, whose printable characters it shares)
// rather than UTF-8, read before the import decodes it (documents go to the store as they are
// decoded, so the choice must come first). The rule: bytes that are not UTF-8, at least twice
// as many stray high bytes (above 0x7F and in no well-formed UTF-8 sequence) as well-formed
// multi-byte sequences, and at most MAX_HIGH_SHARE of the bytes stray. Western European text
// ("café" as 63 61 66 E9, a Windows quote as 92) has a few stray bytes among ASCII, and only now
// and then two in a row that happen to form UTF-8 ("ß“" is DF 93, "é »" E9 A0 BB); a UTF-8
// file with a few damaged bytes has far more well-formed sequences than strays; text in another
// code page (Cyrillic, Greek: nearly every letter a high byte) and binary data have too many
// strays. Those keep the decoder's replace-or-refuse handling. A file that starts with a
// byte-order mark is never legacy. Reference: the WHATWG Encoding Standard. The same read finds
// a NUL character anywhere in the file (a binary file), for the same reason: once a file's text
// is in the store it cannot be taken back, so a file to refuse must be refused before.

import { isAscii, isUtf8 } from 'node:buffer';
import {
  binaryFileError,
  bomlessUtf16Look,
  type BomlessUtf16Look,
  type DecodeAdvice,
  IMPORT_ADVICE,
  incompleteTailStart,
  sequenceLength,
} from './decode';

const BOMS = [Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from([0xff, 0xfe]), Buffer.from([0xfe, 0xff])];

/** Past this share of bytes above 0x7F a file is not Western European text (French runs near 5%). */
const MAX_HIGH_SHARE = 0.3;

/** Once this many well-formed sequences outnumber the strays as UTF-8 does, the file is UTF-8. */
const SURELY_UTF8 = 64;

/** Well-formed multi-byte UTF-8 sequences in `body`, and its bytes above 0x7F in none. */
function countHigh(body: Buffer): { multibyte: number; stray: number } {
  let [multibyte, stray] = [0, 0];
  for (let i = 0; i < body.length; i++) {
    if (body[i] < 0x80) continue;
    const length = sequenceLength(body, i, body.length);
    if (length > 1) {
      multibyte++;
      i += length - 1;
    } else stray++;
  }
  return { multibyte, stray };
}

const startsWithBom = (head: Buffer): boolean => BOMS.some((bom) => head.subarray(0, bom.length).equals(bom));

/** The rule above, fed the file in chunks; a verdict may come before the end. */
class LegacyRule {
  private carry = Buffer.alloc(0);
  private isHead = true; // until 3 bytes are in, a byte-order mark may still be arriving
  private total = 0;
  private multibyte = 0;
  private stray = 0;
  private verdict: boolean | null = null;

  push(chunk: Buffer): void {
    if (this.verdict !== null) return;
    const data = this.carry.length === 0 ? chunk : Buffer.concat([this.carry, chunk]);
    if (this.isHead && data.length < 3) {
      this.carry = Buffer.from(data);
      return;
    }
    if (this.isHead && startsWithBom(data)) return void (this.verdict = false);
    this.isHead = false;
    const body = data.subarray(0, incompleteTailStart(data));
    this.carry = Buffer.from(data.subarray(body.length));
    this.total += body.length;
    if (isAscii(body)) return;
    const counts = countHigh(body);
    this.multibyte += counts.multibyte;
    this.stray += counts.stray;
    if (this.multibyte >= SURELY_UTF8 && this.stray < 2 * this.multibyte) this.verdict = false;
  }

  /** True when the file read is Windows-1252. */
  end(): boolean {
    if (this.verdict !== null) return this.verdict;
    const { carry, multibyte } = this;
    if (this.isHead && (startsWithBom(carry) || isUtf8(carry))) return false; // a file of under 3 bytes
    // What is left over is an unfinished sequence, or a whole file of under 3 bytes that is not UTF-8.
    const total = this.total + carry.length;
    const stray = this.stray + carry.filter((b) => b >= 0x80).length;
    return stray > 0 && stray >= 2 * multibyte && stray <= MAX_HIGH_SHARE * total;
  }
}

/** Where a file's first NUL character is, and how much the file's first bytes look like UTF-16 without a mark. */
interface NulFound {
  readonly offset: number;
  readonly utf16: BomlessUtf16Look;
}

/** The bytes at the start of a file that tell a UTF-16 mark, and UTF-16 without one (bomlessUtf16Look's 16 pairs). */
const HEAD_BYTES = 32;

/**
 * The decoder's NUL rule (decode.ts) on raw chunks: in a file that starts with a UTF-16
 * byte-order mark, a zero code unit (two zero bytes at an even offset after the mark); in any
 * other, a zero byte.
 */
class NulSearch {
  private head: Buffer | null = Buffer.alloc(0); // the first bytes, until HEAD_BYTES are in
  private isUtf16 = false;
  private utf16Look: BomlessUtf16Look = null;
  private carry = Buffer.alloc(0); // in UTF-16, a byte whose pair is in the next chunk
  private offset = 0; // the file offset of the next byte searched (of `carry` if any)

  push(chunk: Buffer): NulFound | null {
    if (this.head === null) return this.search(chunk);
    this.head = Buffer.concat([this.head, chunk]);
    return this.head.length < HEAD_BYTES ? null : this.start(this.head);
  }

  /** After the last chunk: a file shorter than HEAD_BYTES is searched now. */
  end(): NulFound | null {
    return this.head === null ? null : this.start(this.head);
  }

  private start(head: Buffer): NulFound | null {
    this.head = null;
    this.isUtf16 = (head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff);
    this.utf16Look = bomlessUtf16Look(head);
    this.offset = this.isUtf16 ? 2 : 0;
    return this.search(this.isUtf16 ? head.subarray(2) : head);
  }

  private search(chunk: Buffer): NulFound | null {
    if (!this.isUtf16) {
      const nul = chunk.indexOf(0);
      if (nul >= 0) return { offset: this.offset + nul, utf16: this.utf16Look };
      this.offset += chunk.length;
      return null;
    }
    const data = this.carry.length === 0 ? chunk : Buffer.concat([this.carry, chunk]);
    const pairs = data.length & ~1;
    for (let i = 0; i < pairs; i += 2)
      if (data[i] === 0 && data[i + 1] === 0) return { offset: this.offset + i, utf16: null };
    this.offset += pairs;
    this.carry = Buffer.from(data.subarray(pairs));
    return null;
  }
}

/**
 * Reads all of `file` (its `chunks`) before any of it is decoded, since its documents go to the
 * store as they are: whether it is Windows-1252 by the rule above, and a NUL anywhere in it,
 * which throws the decoder's binary-file error, so a binary file is refused before any of its
 * text is kept however far in the NUL is (the decoder's own check remains for a file changed
 * between the two reads). `advice` is the caller's words in that error (import's by default).
 */
export async function sniffFile(
  file: string,
  chunks: AsyncIterable<Buffer>,
  advice: DecodeAdvice = IMPORT_ADVICE,
): Promise<{ readonly isLegacy: boolean }> {
  const legacy = new LegacyRule();
  const nul = new NulSearch();
  for await (const chunk of chunks) {
    const found = nul.push(chunk);
    if (found !== null) throw binaryFileError(file, found.offset, found.utf16, advice);
    legacy.push(chunk);
  }
  const found = nul.end();
  if (found !== null) throw binaryFileError(file, found.offset, found.utf16, advice);
  return { isLegacy: legacy.end() };
}
