// What a file of a browser-mode upload may be called (src/main/server/uploadNames.ts): plain
// relative names only, no part over 255 bytes of UTF-8, no Windows device names, no part ending
// in a dot or space, each refused in words that say what to do; names that only look like
// device names are taken. (That the endpoint applies these, writing nothing: upload-paths.test.ts.)

import { describe, expect, it } from 'vitest';
import { uploadNameProblem } from '../../../src/main/server/uploadNames';

describe('uploadNameProblem', () => {
  it('takes plain relative names, with folders', () => {
    for (const name of ['a.txt', 'book/ch1/a.txt', '..a', 'a..b', '.hidden', 'ü ñ.txt', 'b'.repeat(255)]) {
      expect(uploadNameProblem(name), name).toBeUndefined();
    }
  });

  it('refuses names over 1024 characters or 32 parts, and characters Windows forbids', () => {
    const plain =
      /^File name ".*" is not a relative path of plain names \(no "\.\.", "\\", control characters or empty parts\)$/;
    const parts = (count: number): string => Array.from({ length: count }, (_, i) => `d${i}`).join('/');
    expect(uploadNameProblem(parts(32))).toBeUndefined();
    expect(uploadNameProblem(parts(33))).toMatch(plain);
    const folders = `${'a'.repeat(200)}/`.repeat(5); // 1005 characters
    expect(uploadNameProblem(folders + 'x'.repeat(19))).toBeUndefined();
    expect(uploadNameProblem(folders + 'x'.repeat(20))).toMatch(plain);
    for (const name of ['a<b', 'a>b', 'a|b', 'a?b', 'a*b', 'a"b', 'tab\there'])
      expect(uploadNameProblem(name), name).toMatch(plain);
  });

  // On Linux a part is at most 255 bytes, and "é" is 2 of them, "😀" 4: counting characters let
  // these through to the file system, which answered with an errno and the server's own path.
  const tooLong = ['é'.repeat(200), '😀'.repeat(100), `${'é'.repeat(200)}/a.txt`, `book/${'木'.repeat(86)}.txt`];
  it.each(tooLong)('refuses a name with a part over 255 bytes, saying what to do (%#)', (name) => {
    expect(uploadNameProblem(name)).toMatch(
      /^File name ".*" has a part of \d+ bytes \(UTF-8\); the server's file system takes at most 255 per file or folder name\. Rename it shorter, or, if it is on the machine running Spanfill, import it by its path there \(Datasets → Or import paths…\)$/,
    );
  });

  // Refused on every platform, as the characters Windows forbids are (see uploadNames.ts).
  const windowsNames = ['CON', 'nul', 'aux.txt', 'COM1', 'lpt9.md', 'com¹.txt', 'Prn.tar.gz', 'con/a.txt'];
  it.each(windowsNames)('refuses %j, a device name on Windows', (name) => {
    expect(uploadNameProblem(name)).toMatch(
      /is a device name on Windows \(CON, PRN, AUX, NUL, COM1…, LPT1…\); rename it$/,
    );
  });

  it.each(['a.', 'b ', 'x. ', 'dir./a.txt'])('refuses %j, a part ending in a dot or space', (name) => {
    expect(uploadNameProblem(name)).toMatch(/ends in a dot or a space, which Windows drops from a name; rename it$/);
  });

  it('names the part at fault when the name has several', () => {
    expect(uploadNameProblem('CON')).toBe(
      'File name "CON" is a device name on Windows (CON, PRN, AUX, NUL, COM1…, LPT1…); rename it',
    );
    expect(uploadNameProblem('dir./a.txt')).toBe(
      'File name "dir./a.txt": "dir." ends in a dot or a space, which Windows drops from a name; rename it',
    );
  });

  it('takes names that only look like device names', () => {
    for (const name of ['console.txt', 'nullable.md', 'com10.txt', 'aux-notes.txt', 'my con.txt']) {
      expect(uploadNameProblem(name), name).toBeUndefined();
    }
  });
});
