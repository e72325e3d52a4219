// The data directory openStore makes: owner-only (0700), since it holds a person's text, runs
// and models and a shared machine's other users could read a 755 one; the folders made above it
// keep the usual mode, and a folder that exists is left as the person set it.

import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { databaseFileName, openStore } from '../../../src/main/store/db';
import { tempDirs } from '../../support/tmp';

const tempDir = tempDirs('spanfill-datadir-');

function modeOf(at: string): number {
  return fs.statSync(at).mode & 0o777;
}

/** What mkdir gives a folder under this process's umask. */
function usualFolderMode(): number {
  const probe = path.join(tempDir(), 'probe');
  fs.mkdirSync(probe);
  return modeOf(probe);
}

describe.skipIf(process.platform === 'win32')('the data directory openStore makes', () => {
  it('is owner-only; the folders made above it keep the usual mode', () => {
    const usual = usualFolderMode();
    expect(usual, 'a umask that leaves others some access, or the test proves nothing').not.toBe(0o700);
    const root = tempDir();
    const dataDir = path.join(root, 'a', 'b', 'spanfill');
    openStore(dataDir).close();
    expect(modeOf(dataDir)).toBe(0o700);
    expect(modeOf(path.join(root, 'a'))).toBe(usual);
    expect(modeOf(path.join(root, 'a', 'b'))).toBe(usual);
    expect(fs.existsSync(path.join(dataDir, databaseFileName))).toBe(true);
  });

  it('leaves a folder that exists as it is', () => {
    const dataDir = path.join(tempDir(), 'shared');
    fs.mkdirSync(dataDir);
    fs.chmodSync(dataDir, 0o755);
    openStore(dataDir).close();
    expect(modeOf(dataDir)).toBe(0o755);
  });

  it('still says what is in the way when it cannot be made', () => {
    const root = tempDir();
    fs.writeFileSync(path.join(root, 'file'), 'x');
    expect(() => openStore(path.join(root, 'file', 'data'))).toThrow(`${path.join(root, 'file')} is a file`);
  });
});
