// Opening the store: one SQLite database in the data directory, WAL journal, foreign keys
// on, integrity-checked on open (a large one once a day) and migrated to the latest schema
// (migrate.ts), keeping a copy of a database an older version wrote as it was (schemaCopy.ts);
// a failed open is said in words a person can act on (openRefusals.ts).
// Main is the only writer; engine hosts send results by message instead of touching the
// database. On a full disk it opens without WAL's shared-memory file, so that the commands
// that list and delete (and so free space) still run.

import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { migrations, type Migration } from './migrations';
import { makeFolder } from '../makeFolder';
import { migrate, readUserVersion } from './migrate';
import {
  asStoreError,
  damagedAdvice,
  diskFullError,
  diskFullOnOpen,
  statFreeSpace,
  StoreError,
  type FreeSpace,
} from './openRefusals';
import type { SchemaMigration } from './schemaCopy';

// The store's refusals and its disk's room live in openRefusals.ts; importers take them from here.
export { nearestFolder, statFreeSpace, StoreError, WRITE_ACCESS_ADVICE, type FreeSpace } from './openRefusals';

export type Db = Database.Database;

export interface Store {
  readonly db: Db;
  readonly path: string;
  readonly schemaVersion: number;
  /**
   * Opened on a full disk without WAL's shared-memory file (locking_mode EXCLUSIVE): this
   * connection keeps the database to itself until it closes; other processes wait (busy_timeout),
   * then fail, saying it is in use (openRefusals.ts).
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
  /**
   * Told (one line) when this open waits for another process that is migrating the database
   * past the ordinary busy timeout; stderr by default.
   */
  readonly onWait?: (line: string) => void;
  /** Only for tests: how long that wait lasts (by the database's size by default, migrate.ts migrationWaitMs). */
  readonly migrationWaitMs?: number;
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
    const wait = { onWait: options.onWait ?? toStderr, ms: options.migrationWaitMs };
    migration = migrate(db, file, options.migrations ?? migrations, copier, wait);
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

function toStderr(line: string): void {
  process.stderr.write(`${line}\n`);
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
