// openRefusals.ts, through openStore. A data directory this process may not write: SQLite says
// only "unable to open database file" (SQLITE_CANTOPEN), so the refusal asks the system why — a
// read-only disk (EROFS) or permissions (EACCES) — and says which in plain words, still a store
// error (exit 3). A read-only mount or another user is not made in a test: the system's answer is
// stood in for. A damaged database: the refusal names the copy an update kept. One another process
// keeps locked: it is in use, not damaged.

import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { withDiskFullHint } from '../../../src/main/services/errors';
import { openStore, StoreError, databaseFileName, type Db } from '../../../src/main/store/db';
import { tempDirs } from '../../support/tmp';
import { otherProcess } from './fixtures/otherProcess';

const tempDir = tempDirs('spanfill-store-access-');
afterEach(() => {
  vi.restoreAllMocks();
});

/** What SQLite throws for a database it cannot open (or whose folder it cannot write in). */
const cannotOpen = (): Db => {
  throw new Database.SqliteError('unable to open database file', 'SQLITE_CANTOPEN');
};
const roomy = () => ({ bytes: 1e12, files: 1e6 });

/** The system refusing access to `refused` with `code`, as access(2) does; anything else allowed. */
function accessRefused(refused: string, code: 'EROFS' | 'EACCES'): void {
  const access = fs.accessSync;
  vi.spyOn(fs, 'accessSync').mockImplementation((target, mode) => {
    if (path.resolve(String(target)) !== refused) return access(target, mode);
    const words = code === 'EROFS' ? 'read-only file system' : 'permission denied';
    throw Object.assign(new Error(`${code}: ${words}, access '${refused}'`), { code });
  });
}

/** The store error openStore throws for `dir`, its message. */
function refusal(dir: string): string {
  try {
    openStore(dir, { openDatabase: cannotOpen, freeSpace: roomy }).close();
  } catch (error) {
    expect(error).toBeInstanceOf(StoreError);
    return (error as Error).message;
  }
  throw new Error('openStore did not refuse');
}

describe('openStore on a data directory it may not write', () => {
  it('says the disk is read-only where the system says so', () => {
    const dir = tempDir();
    accessRefused(dir, 'EROFS');
    const said = refusal(dir);
    expect(said).toBe(
      `The database ${path.join(dir, databaseFileName)} cannot be opened or written: the disk that holds ${dir} ` +
        'is read-only. Use a data directory on a disk you can write to (--data-dir), or have that disk mounted ' +
        'read-write.',
    );
    // The CLI adds nothing to it (no second, vaguer hint).
    expect(withDiskFullHint(said)).toBe(said);
  });

  it('says permissions deny writing in the folder, or the file, where the system says so', () => {
    const dir = tempDir();
    accessRefused(dir, 'EACCES');
    expect(refusal(dir)).toBe(
      `The database ${path.join(dir, databaseFileName)} cannot be opened or written: its folder's permissions ` +
        `do not let you write in ${dir}. Give your user write access there (chmod or chown), or use another ` +
        '--data-dir.',
    );
    vi.restoreAllMocks();
    const file = path.join(dir, databaseFileName);
    fs.writeFileSync(file, '');
    accessRefused(file, 'EACCES');
    expect(refusal(dir)).toBe(
      `The database ${file} cannot be opened or written: its permissions do not let you read and write it. ` +
        'Give your user read and write access to it (chmod or chown), or use another --data-dir.',
    );
  });

  it('keeps the advice that names both where the system gives no reason', () => {
    const dir = tempDir();
    expect(refusal(dir)).toBe(
      `The database ${path.join(dir, databaseFileName)} cannot be opened or written: unable to open database ` +
        'file. Check that you may read and write it and its folder (permissions, a read-only disk), or use ' +
        'another --data-dir.',
    );
  });
});

describe('openStore on a damaged database beside the copy an update kept', () => {
  it('names the newest copy as one to restore, with what restoring it loses', () => {
    const dir = tempDir();
    const file = path.join(dir, databaseFileName);
    for (const version of [9, 10]) fs.writeFileSync(`${file}.schema-${version}.bak`, 'a copy');
    fs.writeFileSync(file, 'not a database at all'.repeat(100));
    expect(() => openStore(dir, { freeSpace: roomy })).toThrow(
      `The database ${file} cannot be used: file is not a database. Spanfill keeps no backup of it, only the ` +
        `copy of it an update kept as it was before it (${file}.schema-10.bak): replace ${file} with that copy ` +
        "(what was done since that update is lost) or with a copy of your own, or use another --data-dir. Its runs' ",
    );
  });
});

describe('openStore on a database another process keeps locked', () => {
  it('says it is in use and to try again, not that it is damaged', async () => {
    const dir = tempDir();
    openStore(dir, { freeSpace: roomy }).close();
    // As a Spanfill opened on a full disk keeps it, until it ends.
    await otherProcess(dir, 'exclusive', 60_000);
    let said = '';
    try {
      openStore(dir, { freeSpace: roomy }).close();
    } catch (error) {
      expect(error).toBeInstanceOf(StoreError);
      said = (error as Error).message;
    }
    const file = path.join(dir, databaseFileName);
    expect(said).toContain(`The database ${file} is in use by another Spanfill (database is locked)`);
    expect(said).toContain('try again when it has finished');
    expect(said).not.toContain('backup');
  }, 60_000);
});
