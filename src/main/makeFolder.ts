// Making a folder a person named (the data directory) and the missing folders above it, one
// level at a time, after looking at the nearest folder that exists. Not fs.mkdirSync(dir,
// { recursive: true }): on Node 20 that loops for ever at full CPU under /proc (mkdir answers
// ENOENT there for a folder whose parent exists), and a blocked event loop runs no SIGTERM
// handler. What a refusal means to the person is the caller's to say: FolderError says what
// was wrong and where.

import fs from 'node:fs';
import path from 'node:path';
import { errorMessage } from '../shared/errors';
import { isMissingPathError } from '../shared/fileErrors';

/** Why a folder cannot be made: a file in the way, a kernel file system, no right to write. */
export type FolderProblem = 'file' | 'pseudo' | 'unwritable';

export class FolderError extends Error {
  override name = 'FolderError';
  constructor(
    message: string,
    readonly problem: FolderProblem,
    /** The path the problem is at: the folder asked for, or one above it. */
    readonly at: string,
  ) {
    super(message);
  }
}

/**
 * Linux file systems of the kernel's own (statfs f_type, from linux/magic.h) on which no folder
 * of ours can be made: mkdir answers ENOENT or EPERM there, or makes a kernel object.
 */
const PSEUDO_FILE_SYSTEMS = new Map<number, string>([
  [0x9fa0, 'proc'],
  [0x62656572, 'sysfs'],
  [0x1cd1, 'devpts'],
  [0x27e0eb, 'cgroup'],
  [0x63677270, 'cgroup2'],
  [0x64626720, 'debugfs'],
  [0x74726163, 'tracefs'],
  [0x73636673, 'securityfs'],
  [0xcafe4a11, 'bpf'],
  [0x6165676c, 'pstore'],
  [0x62656570, 'configfs'],
  [0xde5e81e4, 'efivarfs'],
  [0x42494e4d, 'binfmt_misc'],
  [0x65735543, 'fusectl'],
  [0xf97cff8c, 'selinuxfs'],
  [0x6e736673, 'nsfs'],
]);

/**
 * Makes `dir` and the folders above it that are missing; nothing when it is a folder already.
 * Returns the first folder it made (as mkdirSync's recursive form does: what to remove to undo
 * it), undefined when it made none. Throws FolderError when `dir`, or the nearest path above it
 * that exists, is a file or lies on a kernel file system, or when a folder must be made in one
 * that cannot be written; other errors (a folder above that cannot be searched) as fs threw them.
 */
export function makeFolder(dir: string): string | undefined {
  const target = path.resolve(dir);
  const { existing, missing } = nearestExisting(target);
  if (!existing.stats.isDirectory()) throw new FolderError(`${existing.path} is a file`, 'file', existing.path);
  checkFileSystem(existing.path);
  if (missing.length === 0) return undefined;
  checkCanWrite(existing.path);
  let first: string | undefined;
  for (const level of missing) if (makeLevel(level)) first ??= level;
  return first;
}

interface Existing {
  readonly path: string;
  readonly stats: fs.Stats;
}

/** The nearest path at or above `target` that exists, and the levels below it to make, outermost first. */
function nearestExisting(target: string): { existing: Existing; missing: string[] } {
  const missing: string[] = [];
  for (let at = target; ; at = path.dirname(at)) {
    const stats = statIfPresent(at);
    if (stats !== undefined) return { existing: { path: at, stats }, missing: missing.reverse() };
    if (path.dirname(at) === at) throw new Error(`No folder above ${target} exists`);
    missing.push(at);
  }
}

/** The stats of `at`, or undefined where it does not exist (ENOTDIR: a file above it, found further up). */
function statIfPresent(at: string): fs.Stats | undefined {
  try {
    return fs.statSync(at);
  } catch (error) {
    if (isMissingPathError(error)) return undefined;
    throw error;
  }
}

/** Refused even where the folder exists: root may "write" there (access says yes) yet keep nothing. */
function checkFileSystem(folder: string): void {
  const kind = pseudoFileSystem(folder);
  if (kind !== undefined) {
    throw new FolderError(
      `${folder} is on the kernel's ${kind} file system, where no files or folders can be made`,
      'pseudo',
      folder,
    );
  }
}

function checkCanWrite(folder: string): void {
  try {
    fs.accessSync(folder, fs.constants.W_OK);
  } catch (error) {
    throw new FolderError(`${folder} cannot be written: ${errorMessage(error)}`, 'unwritable', folder);
  }
}

/** The name of the kernel file system `folder` is on; undefined for any other, and off Linux. */
function pseudoFileSystem(folder: string): string | undefined {
  if (process.platform !== 'linux') return undefined;
  try {
    return PSEUDO_FILE_SYSTEMS.get(fs.statfsSync(folder).type);
  } catch {
    return undefined; // not known: the mkdir below says what is wrong, if anything
  }
}

/**
 * One mkdir, not recursive; whether it made the folder. One another process made meanwhile is
 * fine (false), anything else a refusal.
 */
function makeLevel(level: string): boolean {
  try {
    fs.mkdirSync(level);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      if (fs.statSync(level).isDirectory()) return false;
      throw new FolderError(`${level} is a file`, 'file', level);
    }
    throw new FolderError(`${level} cannot be made: ${errorMessage(error)}`, 'unwritable', level);
  }
}
