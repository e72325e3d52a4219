// Whether a text file is in Windows-1252 (or Latin-1, whose printable characters it shares)
// rather than UTF-8, read before the import decodes it (documents go to the store as they are
// decoded, so the choice must come first). The rule: bytes that are not UTF-8, not one
// well-formed multi-byte UTF-8 sequence anywhere, and at most MAX_HIGH_SHARE of the bytes
// above 0x7F. Western European text ("café" as 63 61 66 E9, a Windows quote as 92) has a few
// such bytes among ASCII; a UTF-8 file with a few damaged bytes has well-formed non-ASCII
// elsewhere; text in another code page (Cyrillic, Greek: nearly every letter a high byte) and
// binary data have many. Those two keep the decoder's replace-or-refuse handling. A file that
// starts with a byte-order mark is never legacy. Reference: the WHATWG Encoding Standard.

import { isAscii, isUtf8 } from 'node:buffer';
import { incompleteTailStart, sequenceLength } from './decode';

const BOMS = [Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from([0xff, 0xfe]), Buffer.from([0xfe, 0xff])];

/** Past this share of bytes above 0x7F a file is not Western European text (French runs near 5%). */
const MAX_HIGH_SHARE = 0.3;

/** A chunk that is not UTF-8: whether it holds a well-formed multi-byte sequence, and its bytes above 0x7F. */
function scanInvalid(body: Buffer): { hasMultibyte: boolean; high: number } {
  let high = 0;
  for (let i = 0; i < body.length; i++) {
    if (body[i] < 0x80) continue;
    if (sequenceLength(body, i, body.length) > 1) return { hasMultibyte: true, high };
    high++;
  }
  return { hasMultibyte: false, high };
}

const startsWithBom = (head: Buffer): boolean => BOMS.some((bom) => head.subarray(0, bom.length).equals(bom));

/** True when the file's `chunks` are Windows-1252 by the rule above. */
export async function isLegacyEncoded(chunks: AsyncIterable<Buffer>): Promise<boolean> {
  let carry = Buffer.alloc(0);
  let isHead = true; // until 3 bytes are in, a byte-order mark may still be arriving
  let [total, high] = [0, 0];
  for await (const chunk of chunks) {
    const data = carry.length === 0 ? chunk : Buffer.concat([carry, chunk]);
    if (isHead && data.length < 3) {
      carry = Buffer.from(data);
      continue;
    }
    if (isHead && startsWithBom(data)) return false;
    isHead = false;
    const body = data.subarray(0, incompleteTailStart(data));
    carry = Buffer.from(data.subarray(body.length));
    total += body.length;
    if (isUtf8(body)) {
      if (!isAscii(body)) return false;
      continue;
    }
    const scan = scanInvalid(body);
    if (scan.hasMultibyte) return false;
    high += scan.high;
  }
  if (isHead && (startsWithBom(carry) || isUtf8(carry))) return false; // a file of under 3 bytes
  // What is left over is an unfinished sequence, or a whole file of under 3 bytes that is not UTF-8.
  [total, high] = [total + carry.length, high + carry.filter((b) => b >= 0x80).length];
  return high > 0 && high <= MAX_HIGH_SHARE * total;
}
