// How the services turn what the engine throws into the contract's errors: a DataError (bad
// file contents, a path that is not a regular file or folder) keeps its message as
// invalid_input (not_found for missing files), an abort becomes cancelled, and a RangeError
// from engine code that checks settings is a bad argument, invalid_argument. Anything else
// passes through and dispatch reports it as internal. A full disk is said as one, with what to
// do, by dispatch and the CLI whatever call met it (withDiskFullHint), and so is a read-only
// disk or database; the CLI ends both with exit 3 like a data directory that cannot be opened
// (a full disk only where the data directory is: isDataDirectoryDiskFull).

import { ApiError, DISK_FULL_WORDS, errorMessage, isDiskFull } from '../../shared/errors';
import { DataError } from '../engine/data/errors';
import { WRITE_ACCESS_ADVICE } from '../store/db';

/** DataError / abort → the contract's error codes, keeping the engine's message. */
export function toApiError(error: unknown): unknown {
  if (error instanceof DataError)
    return new ApiError(error.code === 'not-found' ? 'not_found' : 'invalid_input', error.message);
  if (error instanceof Error && error.name === 'AbortError') return new ApiError('cancelled', 'Cancelled');
  return error;
}

/** Runs engine code whose RangeError means bad settings (too many spans, too few tokens). */
export function withSettingsChecked<T>(run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof RangeError) throw new ApiError('invalid_argument', error.message);
    throw toApiError(error);
  }
}

/** Awaits `work`, rethrowing its failure as the contract's error (see toApiError). */
export async function mapEngineErrors<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    throw toApiError(error);
  }
}

/** How withDiskFullHint names a disk the caller knew it was writing to, and says it is the data directory's too. */
const ANOTHER_DISK_WORDS = 'the disk that holds ';
const DATA_DIRECTORY_DISK_TOO = " (the data directory's too";

/** Where a write that met a full disk was writing, when not (only) in the data directory. */
export interface DiskOfWrite {
  /** What was written there (an export's destination). */
  readonly path: string;
  /** Whether that disk holds the data directory too: deleting runs, models or datasets frees room there. */
  readonly isDataDirectoryDisk: boolean;
}

/**
 * `message`, and where it reads as a full disk (or a read-only one, withReadOnlyHint) and does
 * not say so yet, what to do about it: free space on `disk` where the caller knows it was
 * writing there, else on the disk it was writing to, most likely the data directory's.
 */
export function withDiskFullHint(message: string, disk?: DiskOfWrite): string {
  if (isReadOnly(message)) return withReadOnlyHint(message);
  if (!isDiskFull(message) || message.includes(DISK_FULL_WORDS)) return message;
  const where =
    disk === undefined
      ? "the disk it was writing to (on the data directory's, which `spanfill system` names, by deleting runs, " +
        'models or datasets you no longer need)'
      : `${ANOTHER_DISK_WORDS}${disk.path}` +
        (disk.isDataDirectoryDisk
          ? `${DATA_DIRECTORY_DISK_TOO}, where deleting runs, models or datasets you no longer need frees space)`
          : '');
  return diskFullSaid(message, `free space on ${where}, then try again`);
}

/** `message` (a full disk's, not yet in words) as "CAUSE. The disk is full: ADVICE", Node's or SQLite's code left out. */
function diskFullSaid(message: string, advice: string): string {
  const cause = withoutDiskFullCode(message);
  return `${cause === '' ? '' : `${cause}. `}${DISK_FULL_WORDS}: ${advice}`;
}

/**
 * `error`, where it is a full disk met while removing `what` ("dataset ds-1"), with what to do
 * for a removal: deleting Spanfill's data writes (SQLite's log) before it frees anything, so
 * the room must come from files outside Spanfill or a run's checkpoints (`runs rm` deletes
 * them first when the disk is full), not from removing datasets as withDiskFullHint advises.
 * `filesFirst`: the removal deleted its own files first (a run's) and that was not room enough.
 * Any other error as it is.
 */
export function withRemovalDiskFullHint(error: unknown, what: string, filesFirst = false): unknown {
  const message = errorMessage(error);
  if (!isDiskFull(error) || message.includes(DISK_FULL_WORDS)) return error;
  const why = filesFirst
    ? `removing ${what} needs room to write even with its files deleted`
    : `removing ${what} writes before it frees anything`;
  return new Error(
    diskFullSaid(
      message,
      `${why}; free space on the data directory's disk (\`spanfill system\` names it) by deleting files ` +
        'outside Spanfill or a run with checkpoints (`spanfill runs rm ID` deletes its files first), then remove it again',
    ),
    { cause: error },
  );
}

/**
 * Node's words for a write that found no room ("ENOSPC: no space left on device, write", with a
 * path or two: "open '/d/x'", "copyfile '/a' -> '/b'"), EDQUOT's for a quota, each as a whole.
 */
const NODE_DISK_FULL =
  /(?:Error: )?E(?:NOSPC|DQUOT): (?:no space left on device|disk quota exceeded)(?:, \w+(?: '[^']*'(?: -> '[^']*')?)?)?/;
/** NODE_DISK_FULL in brackets, or after a colon, wherever it is in a message. */
const NODE_DISK_FULL_IN = new RegExp(`\\s*\\(${NODE_DISK_FULL.source}\\)|(?::\\s*)?${NODE_DISK_FULL.source}`, 'g');
/** SQLite's words for a full disk, as a whole message (with its error's name, or its code alone). */
const SQLITE_DISK_FULL = /^(?:SqliteError: )?(?:database or disk is full|SQLITE_FULL)$/i;

/**
 * `message` without the error's own words for a full disk, which DISK_FULL_WORDS says in plain
 * ones (probe-74: "ENOSPC: no space left on device, write. The disk is full…"): what else it
 * says ("Could not store the upload"), or '' when that was all. Other words stay, SQLite's too
 * where they begin a sentence of Spanfill's ("database or disk is full: deleting … needs …").
 */
export function withoutDiskFullCode(message: string): string {
  const rest = message.replace(NODE_DISK_FULL_IN, '').replace(/^[\s.:;,]+|[\s.:;,]+$/g, '');
  return SQLITE_DISK_FULL.test(rest) ? '' : rest;
}

/**
 * Whether a caught value (or a message) is a write that met a full disk where the data directory
 * is: until space is freed there the data directory cannot be used, and the CLI ends with exit 3,
 * as for a read-only one or a database that cannot be opened for lack of room. A full disk that
 * withDiskFullHint named as another disk (an export's destination) is not the data directory's.
 */
export function isDataDirectoryDiskFull(caught: unknown): boolean {
  if (!isDiskFull(caught)) return false;
  const message = errorMessage(caught);
  const named = message.lastIndexOf(`${DISK_FULL_WORDS}: free space on ${ANOTHER_DISK_WORDS}`);
  return named < 0 || message.includes(DATA_DIRECTORY_DISK_TOO, named);
}

/** Node's words for a write on a read-only disk, and the path it names; SQLite's, which names none. */
const NODE_READ_ONLY = /EROFS: read-only file system, \w+ '([^']+)'/;
const SQLITE_READ_ONLY = /attempt to write a readonly database/i;

/**
 * Node's and SQLite's words for a write refused because the disk (mounted read-only) or the
 * database (opened read-only, as SQLite does when it cannot write the file) is read-only.
 */
const READ_ONLY = new RegExp(`\\bEROFS\\b|read-only file system|${SQLITE_READ_ONLY.source}`, 'i');

/**
 * Whether a caught value (or a message: an envelope carries no more) is a write that a
 * read-only disk or database refused: the data directory cannot be used, the CLI exits 3.
 */
export function isReadOnly(caught: unknown): boolean {
  return READ_ONLY.test(errorMessage(caught));
}

/**
 * A read-only refusal with what to do, in db.ts's words for a database that cannot be opened or
 * written: the file Node names ("EROFS: read-only file system, open '/d/runs/trainer.lock'"),
 * or the data directory's database (SQLite names no file). A message in other words (an
 * export's "the file system is read-only (EROFS)") already says it and is left as it is.
 */
function withReadOnlyHint(message: string): string {
  // In any case: the store gives the advice mid-sentence too, lower-cased (db.ts FOLDER_ADVICE).
  if (message.toLowerCase().includes(WRITE_ACCESS_ADVICE.toLowerCase())) return message;
  const named = NODE_READ_ONLY.exec(message)?.[1];
  const what =
    named !== undefined
      ? `${named} cannot be written: it is on a read-only disk`
      : SQLITE_READ_ONLY.test(message)
        ? "The data directory's database (spanfill.db in the folder `spanfill system` names) cannot be written"
        : undefined;
  return what === undefined ? message : `${message.replace(/\.?\s*$/, '')}. ${what}. ${WRITE_ACCESS_ADVICE}`;
}
