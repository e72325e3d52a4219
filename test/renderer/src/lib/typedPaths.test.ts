// The paths typed in Datasets → "Or import paths…" (src/renderer/src/lib/typedPaths.ts): one a
// line, one pair of surrounding quotes taken off (Windows' "Copy as path" adds them); and the
// hint "one path per line" where a line that does not exist is several full paths on one line.

import { describe, expect, it } from 'vitest';
import { onePathPerLineHint, typedPaths } from '../../../../src/renderer/src/lib/typedPaths';

describe('typedPaths', () => {
  it('takes one path a line, trimmed, blank lines left out', () => {
    expect(typedPaths('  /tmp/x/a.txt \r\n\n/tmp/My Notes/b.txt\n')).toEqual(['/tmp/x/a.txt', '/tmp/My Notes/b.txt']);
  });

  it('takes off one pair of surrounding quotes, either kind', () => {
    expect(typedPaths('"/tmp/x/plain.txt"\n\'/tmp/x/b.txt\'\n "C:\\Users\\me\\c.txt" ')).toEqual([
      '/tmp/x/plain.txt',
      '/tmp/x/b.txt',
      'C:\\Users\\me\\c.txt',
    ]);
  });

  it('leaves quotes that do not surround the whole line, or do not match, or quote two paths', () => {
    expect(typedPaths('"C:\\a b\\one.txt" "C:\\two.txt"')).toEqual(['"C:\\a b\\one.txt" "C:\\two.txt"']);
    expect(typedPaths('"/tmp/a"b\n"/tmp/c\'\n/tmp/"d"\n""\n"')).toEqual(['"/tmp/a"b', '"/tmp/c\'', '/tmp/"d"', '"']);
  });
});

describe('onePathPerLineHint', () => {
  it('says "one path per line" where a missing line is several full paths', () => {
    const line = '/tmp/x/plain.txt /tmp/x/other.txt';
    expect(onePathPerLineHint([line], `${line} does not exist`)).toBe(
      'Give one path per line: "/tmp/x/plain.txt /tmp/x/other.txt" looks like 2 paths on one line.',
    );
    const quoted = '"C:\\a b\\one.txt" "C:\\two.txt"';
    expect(onePathPerLineHint([quoted], `${quoted} does not exist`)).toMatch(/looks like 2 paths on one line/);
  });

  it('says nothing for a missing path with spaces in its names, or another error', () => {
    expect(onePathPerLineHint(['/tmp/My Notes/a.txt'], '/tmp/My Notes/a.txt does not exist')).toBeUndefined();
    const line = '/tmp/a.txt /tmp/b.txt';
    expect(onePathPerLineHint([line], `${line} is a folder, not a file`)).toBeUndefined();
    expect(onePathPerLineHint(['/tmp/a.txt'], '/tmp/a.txt does not exist')).toBeUndefined();
  });
});
