// The copy openStore keeps of a database an older Spanfill wrote, just before it migrates it:
// spanfill.db.schema-N.bak beside it, so that a person who must go back to that version can (an
// older version refuses a migrated database). Not a backup scheme: a copy made only when a
// migration happens and only where the disk has room; a later migration from the same schema (the
// copy was put back) replaces it. Only the latest update's copy is kept: once an update has kept its
// own and migrated, the copies earlier updates kept go (each as big as the database was), saying so.
// Made with VACUUM INTO, a consistent snapshot taken
// synchronously (better-sqlite3's backup() is async, the open path is not), written aside and
// renamed, so a killed process leaves no half copy under the copy's name.

import fs from 'node:fs';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { errorMessage } from '../../shared/errors';
import { formatBytes } from '../../shared/format';

/** Whether the copy of the old database was kept, and where; or why not. */
export type OldSchemaCopy =
  { readonly status: 'kept'; readonly path: string } | { readonly status: 'not-kept'; readonly reason: string };

/** A copy an earlier update kept, which this update removed (the bytes it freed) or could not (why). */
export type EarlierCopy =
  | { readonly path: string; readonly removed: true; readonly bytes: number }
  | { readonly path: string; readonly removed: false; readonly reason: string };

/**
 * What an open did to a database an older version wrote: migrated it from `from` to `to`, with
 * `copy` kept or not, and the copies earlier updates kept that it then removed or tried to.
 */
export interface SchemaMigration {
  readonly from: number;
  readonly to: number;
  readonly copy: OldSchemaCopy;
  readonly earlier: readonly EarlierCopy[];
}

/** How the copy is made: the store's way to open a connection, and the room on its disk. */
export interface SchemaCopier {
  /** Opens a second connection to the database (VACUUM INTO cannot run in the migrating one's transaction). */
  readonly open: (file: string) => Database.Database;
  /** The store was opened on a full disk without WAL's shared memory: it keeps the file to itself. */
  readonly exclusive: boolean;
  /** The room left on the disk that holds `folder`; undefined where it cannot be read (the copy is tried). */
  readonly freeSpace: (folder: string) => { readonly bytes: number; readonly files: number } | undefined;
}

/** Room left beside the copy for the migration and the command's own work, so that the copy does not fill the disk. */
const HEADROOM_BYTES = 64 * 1024 * 1024;

/** Where the copy of `file` at `version` lies: spanfill.db.schema-3.bak. */
export function schemaCopyPath(file: string, version: number): string {
  return `${file}.schema-${version}.bak`;
}

/**
 * Keeps a copy of `db` (at `version`, the file `file`) beside it. The caller holds the write lock,
 * so no other process migrates it or writes what the copy would miss meanwhile, and no other
 * process writes the copy's aside file: one left there was left by a killed process. Never throws:
 * without the copy the migration goes on, and the result says why there is none.
 */
export function keepSchemaCopy(
  db: Database.Database,
  file: string,
  version: number,
  copier: SchemaCopier,
): OldSchemaCopy {
  const target = schemaCopyPath(file, version);
  const noRoom =
    roomProblem(path.dirname(file), copyBytes(db), copier.freeSpace) ??
    (copier.exclusive ? 'the disk was too full to open the database with its shared memory' : undefined);
  if (noRoom !== undefined) return { status: 'not-kept', reason: noRoom };
  const aside = `${target}.part`;
  try {
    fs.rmSync(aside, { force: true }); // VACUUM INTO writes only into a file that is absent or empty
    copyInto(copier.open(file), aside);
    settle(aside, file);
    fs.renameSync(aside, target);
    syncFolder(path.dirname(file));
    return { status: 'kept', path: target };
  } catch (error) {
    fs.rmSync(aside, { force: true });
    return { status: 'not-kept', reason: `it could not be written (${errorMessage(error)})` };
  }
}

/** A consistent copy of what `source` reads, into `aside`; closes `source`. */
function copyInto(source: Database.Database, aside: string): void {
  try {
    source.prepare('VACUUM INTO ?').run(aside);
  } finally {
    source.close();
  }
}

/** About what VACUUM INTO writes: the database's pages in use. */
function copyBytes(db: Database.Database): number {
  const pages =
    (db.pragma('page_count', { simple: true }) as number) - (db.pragma('freelist_count', { simple: true }) as number);
  return pages * (db.pragma('page_size', { simple: true }) as number);
}

/** Why the disk has no room for a copy of `bytes`; undefined where it has, or does not say. */
function roomProblem(folder: string, bytes: number, freeSpace: SchemaCopier['freeSpace']): string | undefined {
  const free = freeSpace(folder);
  if (free === undefined) return undefined;
  if (free.files < 1) return `the disk that holds ${folder} has no room for new files`;
  if (free.bytes >= bytes + HEADROOM_BYTES) return undefined;
  return `the disk that holds ${folder} has ${formatBytes(free.bytes)} free, too little for a copy of about ${formatBytes(bytes)}`;
}

/**
 * Makes the copy durable before it takes its name (SQLite does not sync what VACUUM INTO writes),
 * with the database's own permissions: it holds the same text.
 */
function settle(aside: string, file: string): void {
  fs.chmodSync(aside, fs.statSync(file).mode & 0o777);
  const handle = fs.openSync(aside, 'r+');
  try {
    fs.fsyncSync(handle);
  } finally {
    fs.closeSync(handle);
  }
}

/** Makes the rename durable; not possible (nor needed) on Windows. */
function syncFolder(folder: string): void {
  if (process.platform === 'win32') return;
  const handle = fs.openSync(folder, 'r');
  try {
    fs.fsyncSync(handle);
  } finally {
    fs.closeSync(handle);
  }
}

/**
 * The one line a caller shows (the CLI on stderr, the app as a notice) after an open migrated
 * the database: what changed, that older versions cannot open it now, and the way back.
 */
export function schemaMigrationNotice(file: string, migration: SchemaMigration): string {
  const what =
    `Spanfill updated the database ${file} from schema ${migration.from} to ${migration.to}; ` +
    'older versions of Spanfill cannot open it now.';
  if (migration.copy.status === 'not-kept') return `${what} No copy of it as it was is kept: ${migration.copy.reason}.`;
  return (
    `${what} A copy as it was is kept: to go back to an older Spanfill, with no Spanfill open on it, replace ` +
    `${file} with ${migration.copy.path} and delete ${file}-wal and ${file}-shm where they are (what is done ` +
    `with this version since is lost).${earlierCopiesNote(migration.earlier)}`
  );
}

/** What the notice adds of the copies earlier updates kept: those removed, with the room freed, and those not. */
function earlierCopiesNote(earlier: readonly EarlierCopy[]): string {
  const removed = earlier.flatMap((copy) => (copy.removed ? [copy] : []));
  const failed = earlier.flatMap((copy) => (copy.removed ? [] : [copy]));
  const names = removed.map((copy) => path.basename(copy.path));
  const list = names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names.at(-1)}` : names.join('');
  const which = names.length === 1 ? 'the copy an earlier update kept' : 'the copies earlier updates kept';
  const freed = formatBytes(removed.reduce((sum, copy) => sum + copy.bytes, 0));
  return [
    ...(removed.length > 0
      ? [` Only the latest update's copy is kept: Spanfill removed ${which} (${list}, ${freed} freed).`]
      : []),
    ...failed.map(
      (copy) =>
        ` Spanfill could not remove the copy an earlier update kept, ${copy.path} (${copy.reason}); delete it ` +
        'yourself once you no longer need to go back to the version it was kept for.',
    ),
  ].join('');
}

/**
 * How to go back from a database a newer version migrated to this version's data, where that
 * version kept a copy at `version` (this one's schema) beside it; undefined where none lies there.
 * Its -wal and -shm go too: SQLite would apply the newer version's log to the copy.
 */
export function goBackAdvice(file: string, version: number): string | undefined {
  const copy = schemaCopyPath(file, version);
  if (!fs.existsSync(copy)) return undefined;
  return (
    `To go back to the data as this version left it instead: with no Spanfill open on it, replace ${file} ` +
    `with ${copy} (the copy the newer version kept before updating it) and delete ${file}-wal and ` +
    `${file}-shm where they are; what was done with the newer version since is lost.`
  );
}

/** The schemas of the copies updates kept beside `file` (named exactly as schemaCopyPath names them), lowest first. */
function schemaCopyVersions(file: string): number[] {
  const pattern = new RegExp(`^${path.basename(file).replace(/\./g, '\\.')}\\.schema-(0|[1-9]\\d*)\\.bak$`);
  let names: string[];
  try {
    names = fs.readdirSync(path.dirname(file));
  } catch {
    return [];
  }
  const versions = names.map((name) => Number(pattern.exec(name)?.[1] ?? -1)).filter((version) => version >= 0);
  return versions.sort((a, b) => a - b);
}

/** The newest copy an update kept beside `file` (the highest schema), where one lies there. */
export function newestSchemaCopy(file: string): string | undefined {
  const version = schemaCopyVersions(file).at(-1);
  return version === undefined ? undefined : schemaCopyPath(file, version);
}

/**
 * Removes the copies earlier updates kept beside `file`, once this update (from schema `kept` to
 * `to`) has kept its own copy and committed its migration: every schema below `to` but `kept`.
 * Those at `to` or above stay: a newer Spanfill kept them, for this version's way back
 * (goBackAdvice). Only plain files so named go. Never throws: one that cannot go is told with why.
 */
export function removeEarlierCopies(file: string, kept: number, to: number): EarlierCopy[] {
  const earlier = schemaCopyVersions(file).filter((version) => version < to && version !== kept);
  return earlier.flatMap((version): EarlierCopy[] => {
    const copy = schemaCopyPath(file, version);
    try {
      const stat = fs.lstatSync(copy, { throwIfNoEntry: false });
      if (stat === undefined || !stat.isFile()) return []; // gone meanwhile, or not a copy Spanfill wrote
      fs.unlinkSync(copy);
      return [{ path: copy, removed: true, bytes: stat.size }];
    } catch (error) {
      return [{ path: copy, removed: false, reason: errorMessage(error) }];
    }
  });
}
