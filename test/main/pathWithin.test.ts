// pathWithin.ts: inside means under the folder by whole path segments, `..` resolved, never a
// string prefix; the folder itself is within it but not strictly within it.

import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isStrictlyWithin, isWithin } from '../../src/main/pathWithin';

describe('isWithin and isStrictlyWithin', () => {
  const root = path.resolve('/srv/data');
  const cases: [inner: string, within: boolean, strictly: boolean][] = [
    [root, true, false],
    [`${root}${path.sep}`, true, false],
    [path.join(root, 'runs'), true, true],
    [path.join(root, 'runs', 'r-1', 'checkpoints'), true, true],
    [path.join(root, 'runs', '..', '..', 'etc'), false, false],
    [path.resolve('/srv/data-old'), false, false],
    [path.resolve('/srv/dat'), false, false],
    [path.resolve('/srv'), false, false],
    [path.resolve('/'), false, false],
    [path.join(root, '..data'), true, true], // a name that begins with two dots is a plain name
  ];

  it.each(cases)('%s: within %s, strictly %s', (inner, within, strictly) => {
    expect(isWithin(inner, root)).toBe(within);
    expect(isStrictlyWithin(inner, root)).toBe(strictly);
  });

  it('reads relative paths from the working folder', () => {
    expect(isWithin('exports/hf', '.')).toBe(true);
    expect(isWithin('../elsewhere', '.')).toBe(false);
    expect(isStrictlyWithin('.', process.cwd())).toBe(false);
  });
});
