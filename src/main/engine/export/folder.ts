// Export destinations: refuse a non-empty folder unless forced (saying how much it holds), one
// that holds anything an export does not write even when forced (a forced export replaces the
// whole folder: a home folder, a source checkout), and any folder that is or holds one the
// caller protects (the data directory, the model being exported); build everything in a hidden sibling folder and rename it into
// place at the end, so a cancelled or failed export leaves nothing half-written (and a forced
// one keeps the old folder until the new one is complete).

import {
  type Stats,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readlinkSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { errorMessage } from '../../../shared/errors';
import { formatBytes, plural } from '../../../shared/format';
import { isWithin } from '../../pathWithin';

export class ExportError extends Error {
  override name = 'ExportError';

  /** 'not-empty': the destination holds files and the export was not forced (asking again with force may replace them). */
  constructor(
    message: string,
    readonly kind: 'not-empty' | 'other' = 'other',
  ) {
    super(message);
  }
}

/** `p` absolute, with links resolved as far as it exists, so two spellings of one folder compare equal. */
export function canonicalPath(p: string): string {
  let head = resolve(p);
  const rest: string[] = [];
  while (!existsSync(head) && dirname(head) !== head) {
    rest.unshift(basename(head));
    head = dirname(head);
  }
  return join(realpathSync(head), ...rest);
}

/** A folder an export must not replace, and what to call it in the refusal. */
export interface ProtectedFolder {
  readonly dir: string;
  readonly what: string;
}

/** Throws ExportError when `out` is, or holds, one of `folders`: replacing it would delete that. */
export function checkNotEnclosing(out: string, folders: readonly ProtectedFolder[]): void {
  const target = canonicalPath(out);
  for (const { dir, what } of folders) {
    if (!existsSync(dir)) continue;
    const protectedDir = canonicalPath(dir);
    if (!isWithin(protectedDir, target)) continue;
    const holds = protectedDir === target ? 'is' : 'holds';
    throw new ExportError(`${out} ${holds} ${what} (${dir}); export to a new or empty folder elsewhere`);
  }
}

/** Throws ExportError when `out` is a file, a link to nothing, or a non-empty folder and `force` is false. */
export function checkDestination(out: string, force: boolean): void {
  let link: Stats | undefined;
  try {
    link = lstatSync(out, { throwIfNoEntry: false });
  } catch {
    link = undefined; // ENOTDIR and the like: creating the folder says what is wrong
  }
  if (link?.isSymbolicLink() && !existsSync(out))
    throw new ExportError(
      `${out} is a link to ${readlinkSync(out)}, which does not exist; remove the link or give another folder`,
    );
  if (!existsSync(out)) return;
  if (!statSync(out).isDirectory())
    throw new ExportError(`${out} is a file, not a folder; give the path of a new or empty folder`);
  const entries = readdirSync(out, { withFileTypes: true });
  if (entries.length === 0) return;
  const foreign = entries.filter((e) => !isExportEntry(e.name, e.isDirectory())).map((e) => e.name);
  if (foreign.length > 0) {
    const named = foreign.sort().slice(0, 3);
    const more = foreign.length > 3 ? ` and ${foreign.length - 3} more` : '';
    const list = more ? named.join(', ') : named.join(', ').replace(/, ([^,]*)$/, ' and $1');
    throw new ExportError(
      `${out} holds ${list}${more}, which no export writes. An export replaces the whole folder, so it only ` +
        'replaces one that holds an earlier export: choose an empty or new folder',
    );
  }
  if (!force) {
    const { files, bytes } = listFiles(out);
    throw new ExportError(
      `${out} is not empty (${plural(files.length, 'file')}, ${formatBytes(bytes)}); choose an empty or new folder, or replace it`,
      'not-empty',
    );
  }
}

/** Folders and kinds of file the export formats write (hf, transformers.js's onnx/, accelerate's). */
const EXPORT_FOLDERS = new Set(['onnx', 'base_model', 'data']);
const EXPORT_FILE = /\.(json|safetensors|model|onnx|onnx_data|md|txt|py|jsonl)$/i;

/** Whether a top-level entry of a destination is something an export writes (or Finder's .DS_Store). */
function isExportEntry(name: string, isFolder: boolean): boolean {
  if (name === '.DS_Store') return true;
  if (name.startsWith('.')) return false;
  return isFolder ? EXPORT_FOLDERS.has(name) : EXPORT_FILE.test(name);
}

/**
 * Every file under `dir` (regular files, at any depth), relative with / and sorted, and their
 * bytes: what an export wrote, or what a destination holds.
 */
export function listFiles(dir: string): { files: string[]; bytes: number } {
  const files: string[] = [];
  let bytes = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const file = join(entry.parentPath, entry.name);
    files.push(relative(dir, file).split(sep).join('/'));
    bytes += statSync(file).size;
  }
  return { files: files.sort(), bytes };
}

/**
 * Runs `write(tempDir)` in a fresh sibling of `out`, then puts it in place of `out`. On any
 * error (an abort included) the temp folder is removed and `out` is untouched.
 */
export async function writeFolderAtomically(
  out: string,
  force: boolean,
  write: (dir: string) => Promise<void>,
): Promise<string> {
  const target = resolve(out);
  checkDestination(target, force);
  const stamp = `${process.pid}.${Date.now()}`;
  const temp = join(dirname(target), `.${basename(target)}.export-${stamp}`);
  try {
    mkdirSync(dirname(target), { recursive: true });
    mkdirSync(temp);
  } catch (error) {
    throw new ExportError(`Cannot create ${target}: ${fileProblem(error)}; choose a folder you can write to`);
  }
  try {
    await write(temp);
    putInPlace(temp, target, stamp);
  } catch (error) {
    rmSync(temp, { recursive: true, force: true });
    throw error;
  }
  return target;
}

/** Renames the finished `temp` to `target`, replacing a folder there only once `temp` is in place. */
function putInPlace(temp: string, target: string, stamp: string): void {
  try {
    if (existsSync(target)) {
      const old = join(dirname(target), `.${basename(target)}.replaced-${stamp}`);
      renameSync(target, old);
      try {
        renameSync(temp, target);
      } catch (error) {
        renameSync(old, target); // the folder that was there stays as it was
        throw error;
      }
      rmSync(old, { recursive: true, force: true });
    } else {
      renameSync(temp, target);
    }
  } catch (error) {
    throw new ExportError(`Cannot put the export at ${target}: ${fileProblem(error)}`);
  }
}

/** A file system error in words (its code first: EACCES, EROFS, …), without the temp folder's name. */
function fileProblem(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  const words: Record<string, string> = {
    EACCES: 'permission denied',
    EPERM: 'permission denied',
    EROFS: 'the file system is read-only',
    ENOTDIR: 'a part of the path is a file, not a folder',
    EEXIST: 'a part of the path is a file, not a folder',
    ENOENT: 'a part of the path does not exist',
    ENOSPC: 'the disk is full',
  };
  return code && words[code] ? `${words[code]} (${code})` : errorMessage(error);
}
