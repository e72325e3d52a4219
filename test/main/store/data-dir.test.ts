// store/data-dir.ts: a leading ~ of --data-dir or SPANFILL_DATA_DIR is the home folder. The shell
// does not expand it after `--data-dir=` or inside quotes, and path.resolve made a folder
// literally named `~` in the folder the command ran in. And the precedence of flag, environment
// and platform folders, the desktop app's data directory, and its --data-dir argument.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { dataDirFlagFromArgv, desktopDataDir, resolveDataDir } from '../../../src/main/store/data-dir';

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

describe('resolveDataDir', () => {
  const home = '/home/ada';
  it('prefers the flag, then SPANFILL_DATA_DIR, then XDG', () => {
    const env = { SPANFILL_DATA_DIR: '/env/dir', XDG_DATA_HOME: '/xdg' };
    expect(resolveDataDir({ flag: '/flag/dir', env, homeDir: home })).toBe('/flag/dir');
    expect(resolveDataDir({ env, homeDir: home })).toBe('/env/dir');
    expect(resolveDataDir({ env: { XDG_DATA_HOME: '/xdg' }, platform: 'linux', homeDir: home })).toBe('/xdg/spanfill');
  });

  it("gives the desktop app the CLI's store: its --data-dir, else the per-user one a plain `spanfill` reaches", () => {
    const env = { XDG_DATA_HOME: '/xdg', HOME: home };
    const electronArgv = ['/opt/Spanfill/spanfill', '--no-sandbox'];
    expect(desktopDataDir(electronArgv, env)).toBe(resolveDataDir({ env }));
    expect(desktopDataDir(electronArgv, { ...env, SPANFILL_DATA_DIR: '/env/dir' })).toBe('/env/dir');
    expect(desktopDataDir([...electronArgv, '--data-dir=/flag/dir'], env)).toBe('/flag/dir');
  });

  it('falls back to ~/.local/share when XDG_DATA_HOME is unset or relative', () => {
    expect(resolveDataDir({ env: {}, platform: 'linux', homeDir: home })).toBe('/home/ada/.local/share/spanfill');
    expect(resolveDataDir({ env: { XDG_DATA_HOME: 'rel' }, platform: 'linux', homeDir: home })).toBe(
      '/home/ada/.local/share/spanfill',
    );
    expect(resolveDataDir({ env: {}, platform: 'darwin', homeDir: home })).toBe(
      '/home/ada/Library/Application Support/Spanfill',
    );
  });

  it("reads --data-dir from the Electron app's argv in both spellings", () => {
    expect(dataDirFlagFromArgv(['electron', '.', '--data-dir', '/d1'])).toBe('/d1');
    expect(dataDirFlagFromArgv(['electron', '.', '--data-dir=/d2'])).toBe('/d2');
    expect(dataDirFlagFromArgv(['electron', '.', '--data-dir', '--inspect'])).toBeUndefined();
    expect(dataDirFlagFromArgv(['electron', '.', '--data-dir'])).toBeUndefined();
    expect(dataDirFlagFromArgv(['electron', '.'])).toBeUndefined();
  });
});
