// Migrating the store to the latest schema: the migrations a database lacks, in one transaction
// that holds the write lock, after a copy of a database an older version wrote (schemaCopy.ts),
// and once it has committed, the removal of the copies earlier updates kept;
// a database a newer version wrote is refused. An open that finds another process migrating it
// (the app and a command started together after an update) waits for it, saying so.

import fs from 'node:fs';
import type Database from 'better-sqlite3';
import type { Migration } from './migrations';
import { errorCode, IN_USE_ADVICE, primaryCode, StoreError } from './openRefusals';
import {
  goBackAdvice,
  keepSchemaCopy,
  removeEarlierCopies,
  type SchemaCopier,
  type SchemaMigration,
} from './schemaCopy';

export function readUserVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/**
 * Applies the migrations the database lacks, all in one transaction taken with the write lock
 * first (IMMEDIATE): a crash leaves all or none, and another process opening it meanwhile waits
 * (past the ordinary busy timeout, as long as `wait` says, saying so), then finds it migrated.
 * A database an older version wrote (not a new one) is copied first, in that lock, through a
 * second connection (VACUUM INTO cannot run in a transaction), so the copy misses nothing another
 * process wrote.
 */
export function migrate(
  db: Database.Database,
  file: string,
  list: readonly Migration[],
  copier: SchemaCopier,
  wait: MigrationWait,
): SchemaMigration | undefined {
  const latest = list.length > 0 ? list[list.length - 1].version : 0;
  const found = readUserVersion(db);
  if (found > latest) throw newerVersionError(file, found, latest);
  if (found === latest) return undefined;
  const apply = db.transaction(() => {
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
  });
  const done = waitingForOthers(db, file, () => apply.immediate(), wait);
  if (done === undefined) return undefined;
  // Committed, with its copy kept: the copies earlier updates kept are no longer the latest way back.
  const earlier = done.copy.status === 'kept' ? removeEarlierCopies(file, done.from, done.to) : [];
  return { ...done, earlier };
}

/** How an open waits for another process's migration of the database. */
export interface MigrationWait {
  /** Told once, when the ordinary busy timeout has passed and the long wait begins. */
  readonly onWait: (line: string) => void;
  /** How long the long wait lasts; by the database's size (migrationWaitMs) where undefined. */
  readonly ms?: number;
}

/**
 * A slow disk's rate (an old hard disk, a USB stick, a network share): the copy of a large database
 * and a migration that rewrites its tables each write about the whole file at it, so another
 * process waits for two such writes of it. A healthy SSD is ten times as fast or more.
 */
const SLOW_DISK_BYTES_PER_MS = 10 * 1000; // 10 MB/s
/** The least an open waits for another process's migration, a small database's included. */
const LEAST_WAIT_MS = 10 * 60 * 1000;
/** SQLite's busy_timeout is a 32-bit count of milliseconds. */
const MOST_WAIT_MS = 2 ** 31 - 1;

/**
 * How long an open waits for another process migrating `file`: twice the database (its -wal
 * too) written at a slow disk's rate, at least ten minutes (a 10 GB database: 34 minutes). The
 * lock goes with the process that holds it, killed or not, so only one that hangs keeps it longer.
 */
export function migrationWaitMs(file: string): number {
  const bytes = [file, `${file}-wal`].reduce(
    (sum, part) => sum + (fs.statSync(part, { throwIfNoEntry: false })?.size ?? 0),
    0,
  );
  return Math.min(MOST_WAIT_MS, Math.max(LEAST_WAIT_MS, Math.ceil((2 * bytes) / SLOW_DISK_BYTES_PER_MS)));
}

/**
 * Runs `take` (which takes the write lock) under the ordinary busy timeout, and where another
 * process holds the lock past it (migrating the database: it keeps a copy of a large one first),
 * says so and tries once more under the long wait; the ordinary timeout is put back after.
 */
function waitingForOthers<T>(db: Database.Database, file: string, take: () => T, wait: MigrationWait): T {
  try {
    return take();
  } catch (error) {
    if (!isBusy(error)) throw error;
  }
  const ms = wait.ms ?? migrationWaitMs(file);
  const minutes = `${Math.ceil(ms / 60_000)} minutes`;
  wait.onWait(
    `Another Spanfill is updating the database ${file} (it keeps a copy of it as it was first); ` +
      `waiting up to ${minutes} for it to finish.`,
  );
  const ordinary = db.pragma('busy_timeout', { simple: true }) as number;
  db.pragma(`busy_timeout = ${ms}`);
  try {
    return take();
  } catch (error) {
    if (!isBusy(error)) throw error;
    throw new StoreError(
      `Another Spanfill is updating the database ${file} and had not finished after ${minutes}; try again ` +
        `when it has finished. ${IN_USE_ADVICE}`,
    );
  } finally {
    db.pragma(`busy_timeout = ${ordinary}`);
  }
}

/** SQLite's "database is locked": another connection holds the lock past the busy timeout. */
function isBusy(error: unknown): boolean {
  return primaryCode(errorCode(error)) === 'SQLITE_BUSY';
}

function newerVersionError(file: string, found: number, latest: number): StoreError {
  const goBack = goBackAdvice(file, latest);
  return new StoreError(
    `The database ${file} was written by a newer version of Spanfill (schema ${found}; ` +
      `this version knows up to ${latest}). Upgrade Spanfill, or use another --data-dir.${goBack ? ` ${goBack}` : ''}`,
  );
}
