// Opening the store: one SQLite database in the data directory, WAL journal, foreign keys
// on, integrity-checked on open (a large one once a day) and migrated to the latest schema.
// Main is the only writer; engine hosts send results by message instead of touching the
// database.

import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { migrations, type Migration } from './migrations';
import { errorMessage } from '../../shared/errors';

export type Db = Database.Database;

export class StoreError extends Error {
  override name = 'StoreError';
}

export interface Store {
  readonly db: Db;
  readonly path: string;
  readonly schemaVersion: number;
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
  const list = options.migrations ?? migrations;
  const file = path.join(dataDir, databaseFileName);
  let db: Db;
  try {
    fs.mkdirSync(dataDir, { recursive: true });
    db = new Database(file, options.nativeBinding ? { nativeBinding: options.nativeBinding } : {});
  } catch (error) {
    throw asStoreError(error, file);
  }
  try {
    configure(db);
    const due = integrityCheckDue(file, options.alwaysCheckBytes ?? ALWAYS_CHECK_BYTES);
    if (due !== null) checkIntegrity(db, file);
    if (due === 'daily') stampChecked(file);
    migrate(db, file, list);
  } catch (error) {
    db.close();
    throw asStoreError(error, file);
  }
  return {
    db,
    path: file,
    schemaVersion: readUserVersion(db),
    close: () => db.close(),
  };
}

function configure(db: Db): void {
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
 * SQLite's own failures on open (not a database, unreadable) are store errors too: exit 3. The
 * advice follows the cause: a backup only for a damaged file, permissions for one that cannot
 * be opened or written, a folder for a data directory that is a file.
 */
function asStoreError(error: unknown, file: string): StoreError {
  if (error instanceof StoreError) return error;
  const message = errorMessage(error);
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && NOT_A_FOLDER_CODES.has(code))
    return new StoreError(
      `The data directory ${path.dirname(file)} cannot be used: ${message}. It (or a folder above it) is a file; give a folder with --data-dir.`,
    );
  if (typeof code === 'string' && ACCESS_CODES.has(code))
    return new StoreError(
      `The database ${file} cannot be opened or written: ${message}. Check that you may read and write it and ` +
        'its folder (permissions, a read-only disk), or use another --data-dir.',
    );
  return new StoreError(
    `The database ${file} cannot be used: ${message}. Restore it from a backup or use another --data-dir.`,
  );
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
      `The database ${file} failed its integrity check: ${problems.slice(0, 5).join('; ')}. ` +
        'Restore it from a backup or start with another --data-dir.',
    );
  }
}

function readUserVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number;
}

function migrate(db: Db, file: string, list: readonly Migration[]): void {
  const latest = list.length > 0 ? list[list.length - 1].version : 0;
  const current = readUserVersion(db);
  if (current > latest) {
    throw new StoreError(
      `The database ${file} was written by a newer version of Spanfill (schema ${current}; ` +
        `this version knows up to ${latest}). Upgrade Spanfill, or use another --data-dir.`,
    );
  }
  for (const migration of list) {
    if (migration.version <= current) continue;
    // Each migration and its version bump commit together, so a crash leaves either.
    db.transaction(() => {
      db.exec(migration.sql);
      db.pragma(`user_version = ${migration.version}`);
    })();
  }
}
