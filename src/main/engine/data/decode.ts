// Streaming byte → text decoding for imported files: UTF-8 with or without BOM, UTF-16
// LE/BE with BOM (WHATWG Encoding, https://encoding.spec.whatwg.org/), Windows-1252 for a
// file the sniff (encodingSniff.ts) found in a legacy code page, binary detection by NUL
// bytes, and invalid UTF-8 tolerated up to a small count (replaced by U+FFFD) before an
// error naming the file and the byte offset of the first bad sequence.
// Not: BOM-less UTF-16 or other legacy code pages (they fail clearly, or read as Windows-1252).
import { isUtf8 } from 'node:buffer';
import { TextDecoder } from 'node:util';
import { plural } from '../../../shared/format';
import { DataError } from './errors';

export type TextEncoding = 'utf-8' | 'utf-8-bom' | 'utf-16le' | 'utf-16be' | 'windows-1252';

export interface DecodeReport {
  readonly encoding: TextEncoding;
  readonly bytes: number;
  /** Invalid UTF-8 sequences replaced by U+FFFD (within tolerance). */
  readonly invalidSequences: number;
  readonly firstInvalidOffset: number | null;
  /** A UTF-16 file whose last byte is half a character (an odd count after the mark): left out. */
  readonly hasOddUtf16Byte: boolean;
}

/**
 * What a refusal tells a person to do with the file once saved again, in the words of the
 * caller that decodes it: import's (IMPORT_ADVICE), or another's (textBytes.ts reads a file).
 */
export interface DecodeAdvice {
  /** What the caller does with a file: "Save it as UTF-8 … and import it again". */
  readonly verb: string;
  /** What to save a binary file as: "save or export its text as .txt, … and import that". */
  readonly saveTextAs: string;
}

export const IMPORT_ADVICE: DecodeAdvice = {
  verb: 'import',
  saveTextAs: 'its text as .txt, .md, .jsonl, .csv or .tsv',
};

/** A file read as Windows-1252 (the sniff found a legacy code page), in the caller's words. */
export function legacyEncodingNote(name: string, advice: DecodeAdvice): string {
  return `${name} is not UTF-8: read as Windows-1252 (Western European); if its accents or quotes look wrong, save it as UTF-8 and ${advice.verb} it again`;
}

/** Invalid UTF-8 sequences replaced by U+FFFD, within the tolerance. */
export function replacedSequencesNote(name: string, count: number): string {
  return `${name}: ${plural(count, 'invalid UTF-8 byte sequence')} replaced with U+FFFD`;
}

/** A UTF-16 file whose last byte, half a character, was left out. */
export function oddUtf16ByteNote(name: string): string {
  return `${name} ends with a single byte, half a UTF-16 character (the file may have been cut short); it was left out`;
}

/** Everything worth telling about how `name` was decoded, in that order (none for plain UTF-8). */
export function decodeNotes(name: string, report: DecodeReport, advice: DecodeAdvice): string[] {
  const notes = report.encoding === 'windows-1252' ? [legacyEncodingNote(name, advice)] : [];
  if (report.invalidSequences > 0) notes.push(replacedSequencesNote(name, report.invalidSequences));
  if (report.hasOddUtf16Byte) notes.push(oddUtf16ByteNote(name));
  return notes;
}

/** Invalid sequences allowed: 8, or one per 100 kB of file, whichever is more. */
export function invalidUtf8Tolerance(fileBytes: number): number {
  return Math.max(8, Math.floor(fileBytes / 100_000));
}

/** Length of the well-formed UTF-8 sequence at `i`, or 0 where it is invalid (RFC 3629 table). */
export function sequenceLength(buf: Uint8Array, i: number, end: number): number {
  const b = buf[i];
  if (b < 0x80) return 1;
  let len: number;
  let lo = 0x80;
  let hi = 0xbf;
  if (b >= 0xc2 && b <= 0xdf) len = 2;
  else if (b >= 0xe0 && b <= 0xef) {
    len = 3;
    if (b === 0xe0) lo = 0xa0;
    else if (b === 0xed) hi = 0x9f;
  } else if (b >= 0xf0 && b <= 0xf4) {
    len = 4;
    if (b === 0xf0) lo = 0x90;
    else if (b === 0xf4) hi = 0x8f;
  } else return 0;
  if (i + len > end) return -1; // truncated: may complete in the next chunk
  if (buf[i + 1] < lo || buf[i + 1] > hi) return 0;
  for (let k = 2; k < len; k++) if (buf[i + k] < 0x80 || buf[i + k] > 0xbf) return 0;
  return len;
}

/** Offsets (relative to `buf`) of invalid sequences in a chunk that `isUtf8` rejected. */
function findInvalid(buf: Uint8Array, end: number): number[] {
  const offsets: number[] = [];
  for (let i = 0; i < end;) {
    const len = sequenceLength(buf, i, end);
    if (len > 0) i += len;
    else {
      offsets.push(i);
      i += 1;
    }
  }
  return offsets;
}

/**
 * How much the first pairs of bytes look like UTF-16 without a byte-order mark: NULs in one
 * byte of the pairs only (the high byte of code units under U+0100), each beside a byte of
 * text (not a control character but tab, CR, LF) — 'likely' in at least half of the pairs
 * (Latin text, a few letters or marks beyond it), 'possible' in fewer but two or more (another
 * script, whose spaces and punctuation alone have them); null otherwise (NULs in both bytes of
 * the pairs or beside control bytes, as in binary data, or a single NUL).
 */
export type BomlessUtf16Look = 'likely' | 'possible' | null;

export function bomlessUtf16Look(buf: Uint8Array): BomlessUtf16Look {
  const pairs = Math.min(16, buf.length >> 1);
  if (pairs < 2) return null;
  const isText = (b: number): boolean => b === 0x09 || b === 0x0a || b === 0x0d || (b >= 0x20 && b !== 0x7f);
  const nulsAt = (high: 0 | 1): number | null => {
    let nuls = 0;
    for (let i = 0; i < pairs; i++) {
      if (buf[2 * i + (1 - high)] === 0) return null; // a NUL in the other byte too
      if (buf[2 * i + high] !== 0) continue;
      if (!isText(buf[2 * i + (1 - high)])) return null;
      nuls++;
    }
    return nuls;
  };
  const nuls = Math.max(nulsAt(0) ?? 0, nulsAt(1) ?? 0);
  if (nuls < 2) return null;
  return 2 * nuls >= pairs ? 'likely' : 'possible';
}

/** Start of an incomplete sequence at the end of `buf`, or buf.length if it ends cleanly. */
export function incompleteTailStart(buf: Uint8Array): number {
  for (let back = 1; back <= Math.min(3, buf.length); back++) {
    const i = buf.length - back;
    const b = buf[i];
    if (b < 0x80) return buf.length;
    if (b >= 0xc0) return sequenceLength(buf, i, buf.length) === -1 ? i : buf.length;
  }
  return buf.length;
}

/**
 * Windows-1252's bytes 0x80–0x9F, where it departs from Latin-1 (WHATWG index-windows-1252;
 * the five bytes it leaves unassigned map to the C1 control of the same number, as there).
 * Node's TextDecoder('windows-1252') decodes these as Latin-1 does, so it is not used.
 */
const WINDOWS_1252_HIGH = [
  0x20ac, 0x81, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021, 0x2c6, 0x2030, 0x160, 0x2039, 0x152, 0x8d, 0x17d, 0x8f,
  0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x2dc, 0x2122, 0x161, 0x203a, 0x153, 0x9d, 0x17e, 0x178,
].map((code) => String.fromCharCode(code));

/** Windows-1252 bytes as text: Latin-1, with 0x80–0x9F from the table above. */
export function decodeWindows1252(bytes: Buffer): string {
  return bytes.toString('latin1').replace(/[\x80-\x9f]/g, (c) => WINDOWS_1252_HIGH[c.charCodeAt(0) - 0x80]);
}

export class StreamingTextDecoder {
  private encoding: TextEncoding | null = null;
  private head: Buffer = Buffer.alloc(0);
  private carry: Buffer = Buffer.alloc(0);
  private utf16: TextDecoder | null = null;
  private consumed = 0; // bytes of the file before `carry`
  private total = 0;
  private invalid = 0;
  private firstInvalid: number | null = null;
  private hasOddUtf16Byte = false;
  private readonly tolerance: number;

  /**
   * @param file shown in error messages; @param fileBytes sizes the invalid-UTF-8 tolerance;
   * @param isLegacy read it as Windows-1252 unless it starts with a byte-order mark (the sniff's verdict);
   * @param advice what its refusals tell a person to do, in the caller's words.
   */
  constructor(
    private readonly file: string,
    fileBytes: number,
    private readonly isLegacy = false,
    private readonly advice: DecodeAdvice = IMPORT_ADVICE,
  ) {
    this.tolerance = invalidUtf8Tolerance(fileBytes);
  }

  /** Decodes the next chunk; returns the text completed so far (may be ''). */
  push(chunk: Buffer): string {
    this.total += chunk.length;
    if (this.encoding === null) {
      this.head = this.head.length === 0 ? chunk : Buffer.concat([this.head, chunk]);
      if (this.head.length < 4) return '';
      chunk = this.detect(this.head);
    }
    return this.decode(chunk, false);
  }

  /** Flushes the decoder; throws for an empty file or a truncated final sequence over tolerance. */
  end(): string {
    if (this.encoding === null) {
      if (this.head.length === 0) throw new DataError('empty-file', `${this.file} is empty (0 bytes)`, this.file, 0);
      const rest = this.detect(this.head);
      return this.decode(rest, true);
    }
    return this.decode(Buffer.alloc(0), true);
  }

  get report(): DecodeReport {
    return {
      encoding: this.encoding ?? 'utf-8',
      bytes: this.total,
      invalidSequences: this.invalid,
      firstInvalidOffset: this.firstInvalid,
      hasOddUtf16Byte: this.hasOddUtf16Byte,
    };
  }

  private detect(head: Buffer): Buffer {
    if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) {
      this.encoding = 'utf-8-bom';
      this.consumed = 3;
      return head.subarray(3);
    }
    if ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff)) {
      this.encoding = head[0] === 0xff ? 'utf-16le' : 'utf-16be';
      this.utf16 = new TextDecoder(this.encoding, { fatal: false, ignoreBOM: true });
      this.consumed = 2;
      return head.subarray(2);
    }
    this.encoding = this.isLegacy ? 'windows-1252' : 'utf-8';
    return head;
  }

  private decode(chunk: Buffer, isLast: boolean): string {
    if (this.utf16 !== null) {
      let text = this.utf16.decode(chunk, { stream: !isLast });
      // An odd byte count after the mark: the decoder ends with U+FFFD for the half character.
      this.hasOddUtf16Byte = isLast && (this.total - 2) % 2 === 1;
      if (this.hasOddUtf16Byte) text = text.replace(/\ufffd$/, '');
      const nul = text.indexOf('\u0000');
      if (nul >= 0) throw binaryFileError(this.file, this.consumed + nul * 2, null, this.advice);
      this.consumed += chunk.length;
      if (isLast && this.total <= 2)
        throw new DataError('empty-file', `${this.file} is empty (only a byte-order mark)`, this.file, 0);
      return text;
    }
    if (this.encoding === 'windows-1252') return this.decodeSingleByte(chunk);
    const data = this.carry.length === 0 ? chunk : Buffer.concat([this.carry, chunk]);
    const nul = data.indexOf(0);
    if (nul >= 0) throw binaryFileError(this.file, this.consumed + nul, bomlessUtf16Look(data), this.advice);
    const cut = isLast ? data.length : incompleteTailStart(data);
    const body = data.subarray(0, cut);
    if (!isUtf8(body)) this.countInvalid(findInvalid(body, body.length));
    const text = body.toString('utf8');
    this.consumed += cut;
    this.carry = Buffer.from(data.subarray(cut));
    if (isLast && this.total <= (this.encoding === 'utf-8-bom' ? 3 : 0)) {
      throw new DataError(
        'empty-file',
        `${this.file} is empty${this.total === 3 ? ' (only a byte-order mark)' : ' (0 bytes)'}`,
        this.file,
        0,
      );
    }
    return text;
  }

  /**
   * Windows-1252: every byte is one character, so no sequence spans two chunks. (Never empty:
   * detect() runs on a non-empty head, and end() refuses an empty file before it.)
   */
  private decodeSingleByte(chunk: Buffer): string {
    const nul = chunk.indexOf(0);
    if (nul >= 0) throw binaryFileError(this.file, this.consumed + nul, bomlessUtf16Look(chunk), this.advice);
    this.consumed += chunk.length;
    return decodeWindows1252(chunk);
  }

  private countInvalid(relative: number[]): void {
    if (relative.length === 0) return;
    this.invalid += relative.length;
    if (this.firstInvalid === null) this.firstInvalid = this.consumed + relative[0];
    if (this.invalid > this.tolerance) {
      throw new DataError(
        'invalid-utf8',
        `${this.file} is not valid UTF-8: more than ${this.tolerance} invalid byte sequences, the first at byte offset ${this.firstInvalid}. ` +
          `Save it as UTF-8 (or UTF-16 with a byte-order mark) and ${this.advice.verb} it again.`,
        this.file,
        this.firstInvalid,
      );
    }
  }
}

/**
 * The refusal of a file with a NUL character at byte `offset` (the decoder's, and the sniff's
 * before it: encodingSniff.ts): UTF-16 without a byte-order mark when it looks so, else binary,
 * with what to do if it is UTF-16 after all when its NULs could be (`utf16`: bomlessUtf16Look).
 */
export function binaryFileError(
  file: string,
  offset: number,
  utf16: BomlessUtf16Look,
  advice: DecodeAdvice = IMPORT_ADVICE,
): DataError {
  const toUtf8 = 'save it as UTF-8 (or UTF-16 with a BOM)';
  const at = `(NUL byte at byte offset ${offset})`;
  const message =
    utf16 === 'likely'
      ? `${file} looks like UTF-16 without a byte-order mark ${at}; ${toUtf8}`
      : `${file} looks like a binary file, not text ${at}; save or export ${advice.saveTextAs} and ${advice.verb} that` +
        (utf16 === 'possible' ? `; if it is UTF-16 without a byte-order mark, ${toUtf8}` : '');
  return new DataError('binary-file', message, file, offset);
}
