// What a file of a browser-mode upload may be called (src/main/server/uploadNames.ts): plain
// relative names only, no part over 255 bytes of UTF-8, no control characters; and, where the
// server runs on Windows, none of the characters, device names or trailing dots and spaces
// Windows refuses. A name the server's own file system holds is taken ("q?x.txt" on Linux, as
// `spanfill import` takes it). Each refusal names what is at fault, the name as typed (not
// JSON-escaped), and says what to do. (That the endpoint applies these, writing nothing, and
// refuses them with the code the page skips a file on: upload-paths.test.ts.)

import { describe, expect, it } from 'vitest';
import { uploadNameProblem } from '../../../src/main/server/uploadNames';

const windowsOnly = ['q?x.txt', 'Notes 10:30.txt', 'a<b', 'a>b', 'a|b', 'a*b', 'a"b', 'back\\slash.txt'];
const windowsNames = ['CON', 'nul', 'aux.txt', 'COM1', 'lpt9.md', 'com¹.txt', 'Prn.tar.gz', 'con/a.txt'];
const droppedEnds = ['a.', 'b ', 'x. ', 'dir./a.txt'];

describe('uploadNameProblem', () => {
  it('takes plain relative names, with folders', () => {
    for (const name of ['a.txt', 'book/ch1/a.txt', '..a', 'a..b', '.hidden', 'ü ñ.txt', 'b'.repeat(255)]) {
      expect(uploadNameProblem(name, 'linux'), name).toBeUndefined();
      expect(uploadNameProblem(name, 'win32'), name).toBeUndefined();
    }
  });

  it.each(['linux', 'darwin'] as const)('takes on %s what only Windows forbids, as `spanfill import` does', (os) => {
    for (const name of [...windowsOnly, ...windowsNames, ...droppedEnds]) {
      expect(uploadNameProblem(name, os), name).toBeUndefined();
    }
  });

  it('refuses names over 1024 characters or 32 parts, and empty, "." or ".." parts, on every platform', () => {
    const parts = (count: number): string => Array.from({ length: count }, (_, i) => `d${i}`).join('/');
    const folders = `${'a'.repeat(200)}/`.repeat(5); // 1005 characters
    for (const os of ['linux', 'win32'] as const) {
      expect(uploadNameProblem(parts(32), os)).toBeUndefined();
      expect(uploadNameProblem(parts(33), os)).toMatch(/is more than 32 folders deep or over 1024 characters/);
      expect(uploadNameProblem(folders + 'x'.repeat(19), os)).toBeUndefined();
      expect(uploadNameProblem(folders + 'x'.repeat(20), os)).toMatch(/is more than 32 folders deep/);
      for (const name of ['', 'a//b', '../a', 'a/..', './a', '/a'])
        expect(uploadNameProblem(name, os), name).toMatch(
          /is not a relative path: it has an empty, "\." or "\.\." part/,
        );
    }
  });

  it('refuses control characters on every platform, naming them and saying what to do', () => {
    for (const os of ['linux', 'win32'] as const) {
      expect(uploadNameProblem('tab\there.txt', os)).toBe(
        'File name "tab\uFFFDhere.txt" holds a control character (U+0009), which a file name sent from the page may not hold; ' +
          'rename the file, or import it by its path on the machine running Spanfill (Datasets → Or import paths…, or spanfill import)',
      );
    }
  });

  it('refuses on a Windows server the characters Windows forbids, naming them and saying what to do', () => {
    expect(uploadNameProblem('q?x.txt', 'win32')).toBe(
      'File name "q?x.txt" holds ?, which Windows, where this server runs, does not allow in a file name; rename the file',
    );
    expect(uploadNameProblem('Notes 10:30.txt', 'win32')).toMatch(/^File name "Notes 10:30\.txt" holds :, which/);
    expect(uploadNameProblem('back\\slash.txt', 'win32')).toMatch(/^File name "back\\slash\.txt" holds \\, which/);
    expect(uploadNameProblem('a<b>|"c*', 'win32')).toMatch(/^File name "a<b>\|"c\*" holds < > \| " \*, which/);
    for (const name of windowsOnly) expect(uploadNameProblem(name, 'win32'), name).toMatch(/; rename the file$/);
  });

  // On Linux a part is at most 255 bytes, and "é" is 2 of them, "😀" 4: counting characters let
  // these through to the file system, which answered with an errno and the server's own path.
  const tooLong = ['é'.repeat(200), '😀'.repeat(100), `${'é'.repeat(200)}/a.txt`, `book/${'木'.repeat(86)}.txt`];
  it.each(tooLong)('refuses a name with a part over 255 bytes, saying what to do (%#)', (name) => {
    expect(uploadNameProblem(name, 'linux')).toMatch(
      /^File name ".*" has a part of \d+ bytes \(UTF-8\); the server's file system takes at most 255 per file or folder name\. Rename it shorter, or, if it is on the machine running Spanfill, import it by its path there \(Datasets → Or import paths…\)$/,
    );
  });

  it.each(windowsNames)('refuses %j on a Windows server, a device name there', (name) => {
    expect(uploadNameProblem(name, 'win32')).toMatch(
      /is a device name on Windows, where this server runs \(CON, PRN, AUX, NUL, COM1…, LPT1…\); rename the file$/,
    );
  });

  it.each(droppedEnds)('refuses %j on a Windows server, a part ending in a dot or space', (name) => {
    expect(uploadNameProblem(name, 'win32')).toMatch(
      /ends in a dot or a space, which Windows, where this server runs, drops from a name; rename the file$/,
    );
  });

  it('names the part at fault when the name has several', () => {
    expect(uploadNameProblem('CON', 'win32')).toBe(
      'File name "CON" is a device name on Windows, where this server runs (CON, PRN, AUX, NUL, COM1…, LPT1…); rename the file',
    );
    expect(uploadNameProblem('dir./a.txt', 'win32')).toBe(
      'File name "dir./a.txt": "dir." ends in a dot or a space, which Windows, where this server runs, drops from a name; rename the file',
    );
  });

  it('takes names that only look like device names', () => {
    for (const name of ['console.txt', 'nullable.md', 'com10.txt', 'aux-notes.txt', 'my con.txt']) {
      expect(uploadNameProblem(name, 'win32'), name).toBeUndefined();
    }
  });
});
