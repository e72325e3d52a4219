// Opening the store: one SQLite database in the data directory, WAL journal, foreign keys
// on, integrity-checked on open (a large one once a day) and migrated to the latest schema,
// keeping a copy of a database an older version wrote as it was (schemaCopy.ts).
// Main is the only writer; engine hosts send results by message instead of touching the
// database. On a full disk it opens without WAL's shared-memory file, so that the commands
// that list and delete (and so free space) still run.

import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { migrations, type Migration } from './migrations';
import { errorMessage, isDiskFull } from '../../shared/errors';
import { formatBytes } from '../../shared/format';
import { FolderError, makeFolder, type FolderProblem } from '../makeFolder';
import { goBackAdvice, keepSchemaCopy, newestSchemaCopy, type SchemaCopier, type SchemaMigration } from './schemaCopy';

export type Db = Database.Database;

export class StoreError extends Error {
  override name = 'StoreError';
}

export interface Store {
  readonly db: Db;
  readonly path: string;
  readonly schemaVersion: number;
  /**
   * Opened on a full disk without WAL's shared-memory file (locking_mode EXCLUSIVE): this
   * connection keeps the database to itself until it closes; other processes wait (busy_timeout),
   * then fail.
   */
  readonly exclusive: boolean;
  /**
   * What this open did to a database an older version wrote: migrated it, keeping a copy of it
   * as it was (or not, and why); schemaMigrationNotice words it. Undefined where it did not (a
   * new database, one already at this schema).
   */
  readonly migration: SchemaMigration | undefined;
  close(): void;
}

/** Room left on a disk: bytes, and new files (inodes; Infinity where the file system does not count them). */
export interface FreeSpace {
  readonly bytes: number;
  readonly files: number;
}

export const databaseFileName = 'spanfill.db';

export interface OpenStoreOptions {
  /** Only for tests: apply a different migration list. */
  readonly migrations?: readonly Migration[];
  /**
   * A better-sqlite3 addon built for another ABI. `npm start` builds one for Electron so
   * that node_modules keeps the Node build the CLI and tests use.
   */
  readonly nativeBinding?: string;
  /** Only for tests: the size up to which every open runs the full integrity check. */
  readonly alwaysCheckBytes?: number;
  /** Only for tests: the room left on the disk that holds `folder` (fs.statfsSync by default). */
  readonly freeSpace?: (folder: string) => FreeSpace | undefined;
  /** Only for tests: opens the SQLite connection (better-sqlite3 by default). */
  readonly openDatabase?: (file: string) => Db;
}

/**
 * integrity_check reads the whole file (10 s for 800 MB here): every open runs it up to this
 * size, a larger database at most once per CHECK_EVERY_MS (the time kept in a stamp file beside
 * it), so a command on a store that holds a large dataset does not pay it each time.
 */
const ALWAYS_CHECK_BYTES = 64 * 1024 * 1024;
const CHECK_EVERY_MS = 24 * 60 * 60 * 1000;
const checkedStamp = (file: string): string => `${file}.checked`;

export function openStore(dataDir: string, options: OpenStoreOptions = {}): Store {
  const file = path.join(dataDir, databaseFileName);
  try {
    return openConnection(dataDir, file, options, false);
  } catch (error) {
    const room = diskFullOnOpen(error, dataDir, options.freeSpace ?? statFreeSpace);
    if (room === undefined) throw asStoreError(error, file);
    // Opening in WAL mode creates or grows spanfill.db-shm (SQLITE_IOERR_SHMSIZE when the disk
    // has no room for it). With the exclusive locking mode set first, WAL keeps its index in
    // heap memory instead (https://sqlite.org/wal.html#noshm): `runs` still lists, and `runs rm`,
    // which deletes the run's folder before its row, frees space.
    try {
      return openConnection(dataDir, file, options, true);
    } catch (retryError) {
      if (retryError instanceof StoreError) throw retryError;
      throw diskFullError(file, retryError, room);
    }
  }
}

function openConnection(dataDir: string, file: string, options: OpenStoreOptions, exclusive: boolean): Store {
  makeDataDir(dataDir);
  const open = options.openDatabase ?? openWithBinding(options.nativeBinding);
  const db = open(file);
  let migration: SchemaMigration | undefined;
  try {
    configure(db, exclusive);
    const due = integrityCheckDue(file, options.alwaysCheckBytes ?? ALWAYS_CHECK_BYTES);
    if (due !== null) checkIntegrity(db, file);
    if (due === 'daily') stampChecked(file);
    const copier = { open, exclusive, freeSpace: options.freeSpace ?? statFreeSpace };
    migration = migrate(db, file, options.migrations ?? migrations, copier);
  } catch (error) {
    db.close();
    throw error;
  }
  return {
    db,
    path: file,
    schemaVersion: readUserVersion(db),
    exclusive,
    migration,
    close: () => db.close(),
  };
}

/**
 * Makes the data directory when it is missing, owner-only (0700): it holds the person's text,
 * runs and models, and the usual mode (755) lets every user of a shared machine read them. Made
 * with that mode rather than chmod after, so no one else can open it in between. The folders
 * made above it keep the usual mode, and one that exists is left as the person set it. Any
 * refusal is makeFolder's, which says what is in the way.
 */
function makeDataDir(dataDir: string): void {
  const target = path.resolve(dataDir);
  if (!fs.existsSync(target)) {
    makeFolder(path.dirname(target));
    try {
      fs.mkdirSync(target, { mode: 0o700 });
    } catch {
      // Made meanwhile, or not possible: makeFolder below takes it as it is or says why.
    }
  }
  makeFolder(target);
}

function openWithBinding(nativeBinding: string | undefined): (file: string) => Db {
  return (file) => new Database(file, nativeBinding ? { nativeBinding } : {});
}

function configure(db: Db, exclusive: boolean): void {
  // Before the first read: only then does WAL go without the -shm file.
  if (exclusive) db.pragma('locking_mode = EXCLUSIVE');
  db.pragma('journal_mode = WAL');
  // FULL: a committed transaction survives power loss too, not only a crashed process.
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
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
 * a file.
 */
function asStoreError(error: unknown, file: string): StoreError {
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
function damagedAdvice(file: string): string {
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
function primaryCode(code: string): string {
  return code.startsWith('SQLITE_') ? code.split('_', 2).join('_') : code;
}

function errorCode(error: unknown): string {
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
function diskFullOnOpen(
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
function diskFullError(file: string, error: unknown, room: string): StoreError {
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

/** Whether this open runs integrity_check: on every open (a small file), the daily one, or none. */
function integrityCheckDue(file: string, alwaysCheckBytes: number): 'every-open' | 'daily' | null {
  if ((fs.statSync(file, { throwIfNoEntry: false })?.size ?? 0) <= alwaysCheckBytes) return 'every-open';
  const stamp = fs.statSync(checkedStamp(file), { throwIfNoEntry: false });
  return stamp === undefined || Date.now() - stamp.mtimeMs >= CHECK_EVERY_MS ? 'daily' : null;
}

function stampChecked(file: string): void {
  try {
    fs.writeFileSync(checkedStamp(file), `${new Date().toISOString()}\n`);
  } catch {
    // It only spares the next open a check (a full disk, a read-only folder): open anyway.
  }
}

function checkIntegrity(db: Db, file: string): void {
  const rows = db.pragma('integrity_check') as { integrity_check: string }[];
  const problems = rows.map((row) => row.integrity_check).filter((line) => line !== 'ok');
  if (problems.length > 0) {
    throw new StoreError(
      `The database ${file} failed its integrity check: ${problems.slice(0, 5).join('; ')}. ${damagedAdvice(file)}`,
    );
  }
}

function readUserVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/**
 * Applies the migrations the database lacks, all in one transaction taken with the write lock
 * first (IMMEDIATE): a crash leaves all or none, and another process opening it meanwhile waits,
 * then finds it migrated. A database an older version wrote (not a new one) is copied first, in
 * that lock, through a second connection (VACUUM INTO cannot run in a transaction), so the copy
 * misses nothing another process wrote.
 */
function migrate(db: Db, file: string, list: readonly Migration[], copier: SchemaCopier): SchemaMigration | undefined {
  const latest = list.length > 0 ? list[list.length - 1].version : 0;
  const found = readUserVersion(db);
  if (found > latest) throw newerVersionError(file, found, latest);
  if (found === latest) return undefined;
  return db
    .transaction(() => {
      const from = readUserVersion(db);
      if (from > latest) throw newerVersionError(file, from, latest); // by another process as this one waited
      if (from === latest) return undefined;
      const copy = from > 0 ? keepSchemaCopy(db, file, from, copier) : undefined;
      for (const migration of list) {
        if (migration.version <= from) continue;
        db.exec(migration.sql);
        db.pragma(`user_version = ${migration.version}`);
      }
      return copy === undefined ? undefined : { from, to: latest, copy };
    })
    .immediate();
}

function newerVersionError(file: string, found: number, latest: number): StoreError {
  const goBack = goBackAdvice(file, latest);
  return new StoreError(
    `The database ${file} was written by a newer version of Spanfill (schema ${found}; ` +
      `this version knows up to ${latest}). Upgrade Spanfill, or use another --data-dir.${goBack ? ` ${goBack}` : ''}`,
  );
}
