// store/data-dir.ts: a leading ~ of --data-dir or SPANFILL_DATA_DIR is the home folder. The shell
// does not expand it after `--data-dir=` or inside quotes, and path.resolve made a folder
// literally named `~` in the folder the command ran in. (Precedence: store.test.ts.)
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveDataDir } from '../../../src/main/store/data-dir';

describe('resolveDataDir with a leading ~', () => {
  const home = '/home/ada';

  it('reads ~ and ~/… from the flag or SPANFILL_DATA_DIR as the home folder', () => {
    expect(resolveDataDir({ flag: '~/x', env: {}, homeDir: home })).toBe('/home/ada/x');
    expect(resolveDataDir({ flag: '~', env: {}, homeDir: home })).toBe('/home/ada');
    expect(resolveDataDir({ env: { SPANFILL_DATA_DIR: '~/data/../d' }, homeDir: home })).toBe('/home/ada/d');
  });

  it('leaves a ~ that is not a whole leading segment alone (~user, a/~, ~x)', () => {
    expect(resolveDataDir({ flag: '~ada/x', env: {}, homeDir: home })).toBe(path.resolve('~ada/x'));
    expect(resolveDataDir({ flag: 'a/~/x', env: {}, homeDir: home })).toBe(path.resolve('a/~/x'));
  });
});
