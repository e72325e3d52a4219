// A file's bytes decoded as import decodes a text file (engine/data/textBytes.ts), for
// `spanfill mask --text-file`: the same encodings, and refusals whose advice is to read the
// file again, not to import it.
import { describe, expect, it } from 'vitest';
import { decodeTextBytes } from '../../../../src/main/engine/data/textBytes';

describe('decodeTextBytes', () => {
  it('reads UTF-8 (with or without a byte-order mark), UTF-16 with one, and Windows-1252', async () => {
    const text = 'Café “quoted”';
    const read = async (bytes: Buffer): Promise<string> => (await decodeTextBytes(bytes, 'f')).text;
    expect(await read(Buffer.from(text, 'utf8'))).toBe(text);
    expect(await read(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]))).toBe(text);
    const utf16be = Buffer.from(text, 'utf16le').swap16();
    expect(await read(Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be]))).toBe(text);
    // é as E9 and Windows quotes as 93/94: not UTF-8, so read as Windows-1252, as import reads it.
    const windows = Buffer.from('Caf\xe9 au lait, \x93quoted\x94 text.', 'latin1');
    expect(await read(windows)).toBe('Café au lait, “quoted” text.');
  });

  it('notes what import notes, in words that say to read the file again; none for plain UTF-8', async () => {
    expect((await decodeTextBytes(Buffer.from('Café'), 'Text file a.txt')).notes).toEqual([]);
    const latin = await decodeTextBytes(Buffer.from('Caf\xe9', 'latin1'), 'Text file b.txt');
    expect(latin.notes).toEqual([
      'Text file b.txt is not UTF-8: read as Windows-1252 (Western European); if its accents or quotes look wrong, save it as UTF-8 and read it again',
    ]);
    // Stray bytes among several UTF-8 accents: UTF-8 with two bad sequences, not a legacy code page.
    const stray = Buffer.concat([
      Buffer.from('Café '),
      Buffer.from([0xff]),
      Buffer.from(' crème '),
      Buffer.from([0xfe]),
    ]);
    expect(await decodeTextBytes(stray, 'Standard input')).toEqual({
      text: 'Café \ufffd crème \ufffd',
      notes: ['Standard input: 2 invalid UTF-8 byte sequences replaced with U+FFFD'],
    });
    const cut = Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from('ok', 'utf16le').swap16(), Buffer.from([0x00])]);
    expect(await decodeTextBytes(cut, 'Standard input')).toEqual({
      text: 'ok',
      notes: [
        'Standard input ends with a single byte, half a UTF-16 character (the file may have been cut short); it was left out',
      ],
    });
  });

  it('refuses binary, UTF-16 without a mark, too much invalid UTF-8 and nothing, naming the source', async () => {
    await expect(decodeTextBytes(Buffer.from([0x61, 0x00, 0x62]), 'Standard input')).rejects.toThrow(
      'Standard input looks like a binary file, not text (NUL byte at byte offset 1); save or export it as plain text (.txt) and read that',
    );
    await expect(decodeTextBytes(Buffer.from('a text', 'utf16le'), 'Text file t.txt')).rejects.toThrow(
      'Text file t.txt looks like UTF-16 without a byte-order mark (NUL byte at byte offset 1); save it as UTF-8 (or UTF-16 with a BOM)',
    );
    // Many stray bytes among multi-byte UTF-8: neither UTF-8 nor Western European text.
    const damaged = Buffer.concat(Array.from({ length: 40 }, () => Buffer.from([0xc3, 0xa9, 0xc3, 0x20, 0xff])));
    await expect(decodeTextBytes(damaged, 'Text file d.txt')).rejects.toThrow(
      /^Text file d\.txt is not valid UTF-8: more than 8 invalid byte sequences, the first at byte offset \d+\. Save it as UTF-8 \(or UTF-16 with a byte-order mark\) and read it again\.$/,
    );
    await expect(decodeTextBytes(Buffer.alloc(0), 'Text file e.txt')).rejects.toThrow(
      'Text file e.txt is empty (0 bytes)',
    );
  });

  it('says "read" in the refusals of files with a byte-order mark too, and none where nothing is to be done', async () => {
    // A zero code unit in UTF-16 with a mark: binary, at its byte offset.
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('ab\u0000c', 'utf16le')]);
    await expect(decodeTextBytes(utf16, 'Standard input')).rejects.toThrow(
      'Standard input looks like a binary file, not text (NUL byte at byte offset 6); save or export it as plain text (.txt) and read that',
    );
    // Invalid UTF-8 after a UTF-8 mark (never read as Windows-1252).
    const damaged = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.alloc(16, 0xff)]);
    await expect(decodeTextBytes(damaged, 'Standard input')).rejects.toThrow(
      'Standard input is not valid UTF-8: more than 8 invalid byte sequences, the first at byte offset 3. ' +
        'Save it as UTF-8 (or UTF-16 with a byte-order mark) and read it again.',
    );
    for (const mark of [
      [0xef, 0xbb, 0xbf],
      [0xff, 0xfe],
      [0xfe, 0xff],
    ]) {
      await expect(decodeTextBytes(Buffer.from(mark), 'Text file m.txt')).rejects.toThrow(
        'Text file m.txt is empty (only a byte-order mark)',
      );
    }
  });
});
