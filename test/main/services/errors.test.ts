// services/errors.ts: a full disk, and a read-only one, are recognised in Node's and SQLite's
// words and said once with what to do (a full disk in words alone: Node's "ENOSPC: no space left
// on device, write" and SQLite's bare text are left out); anything else, and a message that
// already says so, is left as it is. A full disk is the data directory's unless the hint named
// another disk.
import { describe, expect, it } from 'vitest';
import {
  isDataDirectoryDiskFull,
  isReadOnly,
  withDiskFullHint,
  withRemovalDiskFullHint,
} from '../../../src/main/services/errors';

/** The hint for a full disk whose write the caller did not place (most likely the data directory's). */
const DATA_DIRECTORY_HINT =
  "The disk is full: free space on the disk it was writing to (on the data directory's, which `spanfill system` " +
  'names, by deleting runs, models or datasets you no longer need), then try again';

describe('withDiskFullHint', () => {
  it.each([
    'ENOSPC: no space left on device, write',
    "EDQUOT: disk quota exceeded, open '/d/tokens/x.bin'",
    "Error: ENOSPC: no space left on device, copyfile '/a/b c' -> '/d/e'",
    'database or disk is full',
    'SqliteError: database or disk is full',
    'SQLITE_FULL.',
  ])("says %j in words with what to do, leaving out the error's own text", (message) => {
    expect(withDiskFullHint(message)).toBe(DATA_DIRECTORY_HINT);
  });

  it.each([
    ['Could not store the upload: ENOSPC: no space left on device, write', 'Could not store the upload'],
    [
      "Could not write the token cache (ENOSPC: no space left on device, open '/d/t.bin')",
      'Could not write the token cache',
    ],
    [
      'database or disk is full: deleting the documents of dataset d-1 needs 2.0 MiB more free on its disk',
      'database or disk is full: deleting the documents of dataset d-1 needs 2.0 MiB more free on its disk',
    ],
  ])('keeps what %j says besides', (message, kept) => {
    expect(withDiskFullHint(message)).toBe(`${kept}. ${DATA_DIRECTORY_HINT}`);
  });

  it('names the disk of a write elsewhere (an export destination), and the data directory only when it shares it', () => {
    const message = 'ENOSPC: no space left on device, write';
    expect(withDiskFullHint(message, { path: '/mnt/small/exp', isDataDirectoryDisk: false })).toBe(
      'The disk is full: free space on the disk that holds /mnt/small/exp, then try again',
    );
    expect(withDiskFullHint(message, { path: '/home/me/exp', isDataDirectoryDisk: true })).toBe(
      "The disk is full: free space on the disk that holds /home/me/exp (the data directory's too, " +
        'where deleting runs, models or datasets you no longer need frees space), then try again',
    );
  });

  it('leaves other messages, and one that already says the disk is full, as they are', () => {
    expect(withDiskFullHint('std::bad_alloc')).toBe('std::bad_alloc');
    const run = 'The disk is full. Its checkpoints are kept; …';
    expect(withDiskFullHint(run)).toBe(run);
  });
});

describe('isDataDirectoryDiskFull', () => {
  it("is a full disk, as said or with the hint, unless the hint named another disk than the data directory's", () => {
    const message = 'ENOSPC: no space left on device, write';
    expect(isDataDirectoryDiskFull(message)).toBe(true);
    expect(isDataDirectoryDiskFull(new Error(withDiskFullHint(message)))).toBe(true);
    expect(
      isDataDirectoryDiskFull(withDiskFullHint(message, { path: '/home/me/exp', isDataDirectoryDisk: true })),
    ).toBe(true);
    expect(
      isDataDirectoryDiskFull(withDiskFullHint(message, { path: '/mnt/small/exp', isDataDirectoryDisk: false })),
    ).toBe(false);
    // A failed run's stored error says it in its own words (runsFailure.ts).
    expect(isDataDirectoryDiskFull('The disk is full. Its checkpoints are kept; …')).toBe(true);
    expect(isDataDirectoryDiskFull('std::bad_alloc')).toBe(false);
  });
});

describe('a read-only disk or database', () => {
  const advice =
    'Check that you may read and write it and its folder (permissions, a read-only disk), or use another --data-dir';

  it('names the file Node could not write and says what to do', () => {
    const message = "EROFS: read-only file system, rmdir '/ro/data/runs/r-1'";
    expect(isReadOnly(message)).toBe(true);
    expect(withDiskFullHint(message)).toBe(
      `${message}. /ro/data/runs/r-1 cannot be written: it is on a read-only disk. ${advice}`,
    );
  });

  it("says the data directory's database cannot be written where SQLite names no file", () => {
    const error = Object.assign(new Error('attempt to write a readonly database'), { code: 'SQLITE_READONLY' });
    expect(isReadOnly(error)).toBe(true);
    expect(withDiskFullHint(error.message)).toBe(
      "attempt to write a readonly database. The data directory's database (spanfill.db in the folder " +
        `\`spanfill system\` names) cannot be written. ${advice}`,
    );
  });

  it('leaves a message that already says what to do, and other messages, as they are', () => {
    const said = `The database /d/spanfill.db cannot be opened or written: EROFS: read-only file system. ${advice}.`;
    expect(withDiskFullHint(said)).toBe(said);
    // The store's words for a data directory it cannot make (db.ts), the advice mid-sentence.
    const folder =
      "The data directory /ro/sub dir cannot be used: /ro cannot be written: EROFS: read-only file system, access '/ro'; " +
      `${advice[0].toLowerCase()}${advice.slice(1)}.`;
    expect(withDiskFullHint(folder)).toBe(folder);
    const exported = 'Cannot put the export at /ro/out: the file system is read-only (EROFS)';
    expect(isReadOnly(exported)).toBe(true);
    expect(withDiskFullHint(exported)).toBe(exported);
    expect(isReadOnly('permission denied')).toBe(false);
    expect(isReadOnly("EACCES: permission denied, open '/d/x'")).toBe(false);
  });
});

describe('withRemovalDiskFullHint', () => {
  it('tells a removal to free space outside Spanfill, not to delete more of its data, and stays a full disk', () => {
    const store = 'database or disk is full: deleting the documents of dataset d-1 needs 2.0 MiB more free on its disk';
    const said = withRemovalDiskFullHint(new Error(store), 'dataset d-1');
    const message = (said as Error).message;
    expect(message).toBe(
      `${store}. The disk is full: removing dataset d-1 writes before it frees anything; free space on the data ` +
        "directory's disk (`spanfill system` names it) by deleting files outside Spanfill or a run with checkpoints " +
        '(`spanfill runs rm ID` deletes its files first), then remove it again',
    );
    expect(withDiskFullHint(message)).toBe(message); // no second, general hint
    expect(isDataDirectoryDiskFull(said)).toBe(true); // the CLI still exits 3
    expect(withRemovalDiskFullHint(new Error('database or disk is full'), 'dataset d-1')).toMatchObject({
      message: expect.stringMatching(/^The disk is full: removing dataset d-1 writes before/),
    });
  });

  it("says of a removal that deleted its own files first (a run's) that they were not room enough", () => {
    const said = withRemovalDiskFullHint(new Error('database or disk is full'), 'run r-1', true);
    expect((said as Error).message).toBe(
      "The disk is full: removing run r-1 needs room to write even with its files deleted; free space on the data directory's " +
        'disk (`spanfill system` names it) by deleting files outside Spanfill or a run with checkpoints ' +
        '(`spanfill runs rm ID` deletes its files first), then remove it again',
    );
    expect(isDataDirectoryDiskFull(said)).toBe(true);
  });

  it('leaves any other error as it is', () => {
    const other = new Error('Dataset d-1 is still importing');
    expect(withRemovalDiskFullHint(other, 'dataset d-1')).toBe(other);
  });
});
