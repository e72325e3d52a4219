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
// byte-order mark is never legacy. Reference: the WHATWG Encoding Standard.

import { isAscii, isUtf8 } from 'node:buffer';
import { incompleteTailStart, sequenceLength } from './decode';

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

/** True when the file's `chunks` are Windows-1252 by the rule above. */
export async function isLegacyEncoded(chunks: AsyncIterable<Buffer>): Promise<boolean> {
  let carry = Buffer.alloc(0);
  let isHead = true; // until 3 bytes are in, a byte-order mark may still be arriving
  let [total, multibyte, stray] = [0, 0, 0];
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
    if (isAscii(body)) continue;
    const counts = countHigh(body);
    [multibyte, stray] = [multibyte + counts.multibyte, stray + counts.stray];
    if (multibyte >= SURELY_UTF8 && stray < 2 * multibyte) return false;
  }
  if (isHead && (startsWithBom(carry) || isUtf8(carry))) return false; // a file of under 3 bytes
  // What is left over is an unfinished sequence, or a whole file of under 3 bytes that is not UTF-8.
  [total, stray] = [total + carry.length, stray + carry.filter((b) => b >= 0x80).length];
  return stray > 0 && stray >= 2 * multibyte && stray <= MAX_HIGH_SHARE * total;
}
