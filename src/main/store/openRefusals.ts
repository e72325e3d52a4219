// Why an open of the store failed, in words a person can act on: a data directory that is a
// file, a database this process may not read or write (and why, as the system says), a full disk
// (how much room is left, that the database is fine, what may be deleted), or a damaged file (the
// copy an update kept, the runs' checkpoints that work from another data directory).

import fs from 'node:fs';
import path from 'node:path';
import { errorMessage, isDiskFull } from '../../shared/errors';
import { formatBytes } from '../../shared/format';
import { FolderError, type FolderProblem } from '../makeFolder';
import { newestSchemaCopy } from './schemaCopy';

export class StoreError extends Error {
  override name = 'StoreError';
}

/** Room left on a disk: bytes, and new files (inodes; Infinity where the file system does not count them). */
export interface FreeSpace {
  readonly bytes: number;
  readonly files: number;
}

/** Causes of a failed open that are about access, not a damaged file (fs and SQLite codes). */
const ACCESS_CODES = new Set(['EACCES', 'EPERM', 'EROFS', 'SQLITE_CANTOPEN', 'SQLITE_READONLY', 'SQLITE_PERM']);
const NOT_A_FOLDER_CODES = new Set(['EEXIST', 'ENOTDIR']);

/**
 * What the data directory's advice on access ends with: the one wording for a database or
 * folder that cannot be opened or written (here and services/errors.ts withDiskFullHint).
 */
export const WRITE_ACCESS_ADVICE =
  'Check that you may read and write it and its folder (permissions, a read-only disk), or use another --data-dir';

/** What the refusal of a database another process keeps locked ends with (here and migrate.ts). */
export const IN_USE_ADVICE =
  'If no Spanfill is running, close whatever else has the database open (a sqlite3 shell), then try again.';

/** What to do about a data directory that makeFolder refused, by the problem it found. */
const FOLDER_ADVICE: Record<FolderProblem, string> = {
  file: 'give a folder with --data-dir',
  pseudo: 'give a folder on a disk with --data-dir',
  unwritable: `${WRITE_ACCESS_ADVICE[0].toLowerCase()}${WRITE_ACCESS_ADVICE.slice(1)}`,
};

/**
 * SQLite's own failures on open (not a database, unreadable) are store errors too: exit 3. The
 * advice follows the cause: a copy and the runs' checkpoints only for a damaged file,
 * permissions for one that cannot be opened or written, a folder for a data directory that is
 * a file, trying again for one another process keeps locked.
 */
export function asStoreError(error: unknown, file: string): StoreError {
  if (error instanceof StoreError) return error;
  if (error instanceof FolderError) {
    return new StoreError(
      `The data directory ${path.dirname(file)} cannot be used: ${error.message}; ${FOLDER_ADVICE[error.problem]}.`,
    );
  }
  const message = errorMessage(error);
  const code = errorCode(error);
  if (NOT_A_FOLDER_CODES.has(code))
    return new StoreError(
      `The data directory ${path.dirname(file)} cannot be used: ${message}. It (or a folder above it) is a file; give a folder with --data-dir.`,
    );
  // Locked longer than the busy timeout (one opened on a full disk keeps it until it ends): in use, not damaged.
  if (primaryCode(code) === 'SQLITE_BUSY')
    return new StoreError(
      `The database ${file} is in use by another Spanfill (${message}), which kept it locked longer than this ` +
        `one waits; try again when it has finished. ${IN_USE_ADVICE}`,
    );
  if (ACCESS_CODES.has(primaryCode(code)))
    return new StoreError(
      `The database ${file} cannot be opened or written: ${accessRefusal(file) ?? `${message}. ${WRITE_ACCESS_ADVICE}`}.`,
    );
  return new StoreError(`The database ${file} cannot be used: ${message}. ${damagedAdvice(file)}`);
}

/**
 * Why this process may not write `file` or in its folder, and what to do, where the system says
 * (access(2)): a read-only disk (EROFS) or permissions (EACCES, EPERM). SQLite's own words say
 * neither ("unable to open database file"). Undefined where nothing is refused, or for another
 * reason: the caller's advice names both. NOTE: worded without "read-only file system" and
 * SQLite's "readonly database", which services/errors.ts withReadOnlyHint would add its hint to.
 */
function accessRefusal(file: string): string | undefined {
  const folder = path.dirname(file);
  const { R_OK, W_OK } = fs.constants;
  const checks = [
    { target: folder, mode: W_OK, denied: `its folder's permissions do not let you write in ${folder}` },
    { target: file, mode: R_OK | W_OK, denied: 'its permissions do not let you read and write it' },
  ];
  for (const { target, mode, denied } of checks) {
    const refused = accessCode(target, mode);
    if (refused === 'EROFS')
      return (
        `the disk that holds ${folder} is read-only. Use a data directory on a disk you can write to ` +
        '(--data-dir), or have that disk mounted read-write'
      );
    if (refused === 'EACCES' || refused === 'EPERM')
      return `${denied}. Give your user ${target === file ? 'read and write access to it' : 'write access there'} (chmod or chown), or use another --data-dir`;
  }
  return undefined;
}

/** The code access(2) refuses `target` with for `mode` (ENOENT for one missing); undefined when allowed. */
function accessCode(target: string, mode: number): string | undefined {
  try {
    fs.accessSync(target, mode);
    return undefined;
  } catch (error) {
    return errorCode(error);
  }
}

/**
 * What to do about a damaged database. Spanfill keeps no backup of it, only the copy an update
 * made before it migrated it (the newest is named); the checkpoints its runs saved are folders the
 * database does not hold, which a command on another data directory still takes (`train --model`,
 * README's "Training"; `export --checkpoint`, its "Exporting").
 */
export function damagedAdvice(file: string): string {
  const checkpoints = `${path.join(path.dirname(file), 'runs', '<run id>', 'checkpoints')}/step-…`;
  const kept = newestSchemaCopy(file);
  const restore = kept
    ? `, only the copy of it an update kept as it was before it (${kept}): replace ${file} with that copy (what ` +
      'was done since that update is lost) or with a copy of your own,'
    : ': restore a copy of your own,';
  return (
    `Spanfill keeps no backup of it${restore} or use another --data-dir. Its runs' ` +
    `checkpoints are folders of their own (${checkpoints}) that work from another data directory: ` +
    '`spanfill train --model FOLDER --data-dir OTHER` starts a run from its weights, ' +
    '`spanfill export --checkpoint FOLDER --format hf --out DIR --data-dir OTHER` exports it.'
  );
}

/** SQLite's extended codes are of their primary code's kind: SQLITE_READONLY_DIRECTORY is SQLITE_READONLY. */
export function primaryCode(code: string): string {
  return code.startsWith('SQLITE_') ? code.split('_', 2).join('_') : code;
}

export function errorCode(error: unknown): string {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : '';
}

/** Free space under which a failed open is put down to a full disk: WAL's -shm alone takes 32 KiB. */
const LOW_SPACE_BYTES = 1024 * 1024;
/** SQLite's codes for an open that found no room: an I/O error on -shm or -wal, a -wal it could not create. */
const NO_ROOM_CODES = /^SQLITE_(IOERR|CANTOPEN|FULL)/;

/**
 * The room left where `dataDir` is ("0 bytes free"), when the failed open reads as a full disk:
 * the disk says it is full (ENOSPC, SQLITE_FULL), or SQLite could not open or grow its files (a
 * "disk I/O error") on a disk that is writable and has (almost) nothing left. Otherwise
 * undefined: a read-only disk, a damaged file, no permission.
 */
export function diskFullOnOpen(
  error: unknown,
  dataDir: string,
  freeSpace: (folder: string) => FreeSpace | undefined,
): string | undefined {
  if (error instanceof StoreError) return undefined;
  const said = isDiskFull(error);
  if (!said && !NO_ROOM_CODES.test(errorCode(error))) return undefined;
  const folder = nearestFolder(dataDir);
  if (!canWrite(folder)) return undefined;
  const free = freeSpace(folder);
  if (free === undefined) return said ? 'no room left' : undefined;
  if (free.files < 1) return 'no room for new files';
  return said || free.bytes < LOW_SPACE_BYTES ? `${formatBytes(free.bytes)} free` : undefined;
}

/** The disk-full refusal: where, that the database is fine, and what may be deleted by hand. */
export function diskFullError(file: string, error: unknown, room: string): StoreError {
  const dir = path.dirname(file);
  // "The disk is full" is shared/errors.ts DISK_FULL_WORDS: no second hint is added to it.
  return new StoreError(
    `The disk is full: the data directory ${dir} is on a disk with ${room}, so its database ${file} cannot be ` +
      `opened (${errorMessage(error)}). The database is not damaged; do not delete it. Free space on that disk, ` +
      `then try again: delete files of your own there, or in the data directory checkpoints you no longer need ` +
      `(${path.join(dir, 'runs', '<run id>', 'checkpoints')}/step-…) or token caches ` +
      `(${path.join(dir, 'tokens', '<dataset id>')}/*.tokens, rebuilt when a run needs them).`,
  );
}

/** The room left on the disk that holds `folder` (statfs); undefined where it cannot be read. */
export function statFreeSpace(folder: string): FreeSpace | undefined {
  try {
    const stats = fs.statfsSync(folder);
    return { bytes: stats.bavail * stats.bsize, files: stats.files > 0 ? stats.ffree : Infinity };
  } catch {
    return undefined;
  }
}

/** `dir`, or the nearest folder above it that exists (a data directory that could not be made, an export's destination). */
export function nearestFolder(dir: string): string {
  let folder = path.resolve(dir);
  while (!fs.existsSync(folder) && path.dirname(folder) !== folder) folder = path.dirname(folder);
  return folder;
}

/** Whether this process may write in `folder`: a read-only disk (that reports no free space) is not a full one. */
function canWrite(folder: string): boolean {
  try {
    fs.accessSync(folder, fs.constants.W_OK);
    return true;
  } catch {
    return false;
  }
}
