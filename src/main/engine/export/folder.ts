// Export destinations: a new or empty folder, or one that holds an earlier export and nothing
// else (its manifest, manifest.ts, lists every file in it), whose files only a forced export
// replaces; any other folder is refused, forced or not (a project, a home folder, a source
// checkout), as is any folder that is or holds one the caller protects (the data directory, the
// model being exported) and one inside an earlier export. A new folder is built in a hidden
// sibling renamed into place at the end, so a cancelled or failed export leaves nothing
// half-written, nor the empty parent folders it made; the one a killed export leaves is named for
// its process, and the next export beside it removes it. A folder that exists stays itself (its
// permissions, owner, a link to it, a mount on it): the export is written into it (intoFolder.ts),
// and what a killed one leaves there is cleared by the next export into it. Where the caller keeps
// records of staging folders (stagingRecords.ts), either is cleared by the next export or start anywhere.
// While one export writes a folder, any other to it is refused as such, here or in another process (writers.ts).

import {
  type Stats,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readlinkSync,
  realpathSync,
  renameSync,
  rmdirSync,
  rmSync,
  statSync,
} from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { errorMessage } from '../../../shared/errors';
import { formatBytes, plural } from '../../../shared/format';
import { isWithin } from '../../pathWithin';
import {
  isRecordedProcessAlive,
  type ProcessTable,
  RECORD_IN_NAME,
  recordOfName,
  systemProcesses,
} from '../../processIdentity';
import { FolderError, makeFolder } from '../../makeFolder';
import { lockFolder, moveIn, unlockFolder } from './intoFolder';
import { EXPORT_MANIFEST, type ExportAbout, folderContents, writeExportManifest } from './manifest';
import { freshStamp, isShortened, NAME_MAX, stagingName, stagingInside } from './stagingName';
import { removeStagingOfGone, whileRecorded } from './stagingRecords';
import { whileWriting, writerOf, writingWords } from './writers';

export class ExportError extends Error {
  override name = 'ExportError';

  /** 'not-empty': the destination holds an earlier export and the export was not forced (asking again with force replaces it). */
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
  /** Refuse an `out` inside it too (an export there would make it hold a folder it did not). */
  readonly isInsideRefused?: boolean;
  /** What to do instead, when not "export to a new or empty folder elsewhere". */
  readonly instead?: string;
}

/** Throws ExportError when `out` is, or holds, one of `folders` (or lies inside one that says so). */
export function checkNotEnclosing(out: string, folders: readonly ProtectedFolder[]): void {
  const target = canonicalPath(out);
  for (const { dir, what, isInsideRefused, instead } of folders) {
    if (!existsSync(dir)) continue;
    const protectedDir = canonicalPath(dir);
    const how =
      protectedDir === target
        ? 'is'
        : isWithin(protectedDir, target)
          ? 'holds'
          : isInsideRefused && isWithin(target, protectedDir)
            ? 'is inside'
            : undefined;
    if (how === undefined) continue;
    throw new ExportError(`${out} ${how} ${what}; ${instead ?? 'export to a new or empty folder elsewhere'}`);
  }
}

/**
 * Throws ExportError when `out` is a file, a link to nothing, or a folder that holds anything
 * but an earlier export (manifest.ts: its spanfill-export.json lists every file in it), forced
 * or not; when another export (than `self`, a stamp) is writing it now, here or in another
 * process (writers.ts), forced or not; and when it holds an earlier export and `force` is false.
 */
export function checkDestination(out: string, force: boolean, self?: string): void {
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
  checkName(out);
  checkNotInExport(out);
  checkNotBeingWritten(out, self); // before what it holds: an export being written is no earlier one
  if (!existsSync(out)) return;
  if (!statSync(out).isDirectory())
    throw new ExportError(`${out} is a file, not a folder; give the path of a new or empty folder`);
  const contents = folderContents(out);
  if (contents.kind === 'other')
    throw new ExportError(
      `${out} is not an earlier Spanfill export, so Spanfill never replaces it: ${contents.why}. ` +
        'Choose an empty or new folder, or move those files away yourself',
    );
  if (contents.kind === 'export' && !force)
    throw new ExportError(
      `${out} holds an earlier ${contents.format} export (${plural(contents.files, 'file')}, ` +
        `${formatBytes(contents.bytes)}); choose an empty or new folder, or replace it`,
      'not-empty',
    );
}

/** Throws ExportError when `out`'s own name is longer than a file system takes (else ENAMETOOLONG at the end). */
function checkName(out: string): void {
  const name = basename(resolve(out));
  const bytes = Buffer.byteLength(name);
  if (bytes <= NAME_MAX) return;
  throw new ExportError(
    `The folder name ${[...name].slice(0, 20).join('')}… is ${bytes} bytes long, over the ${NAME_MAX} a file ` +
      'system takes; choose a shorter name',
  );
}

/**
 * Throws ExportError when `out` lies inside an earlier export (a folder above it holds a
 * manifest): that export would then hold a folder it did not write, and no later export could
 * replace it.
 */
function checkNotInExport(out: string): void {
  const target = canonicalPath(out);
  for (let folder = dirname(target); ; folder = dirname(folder)) {
    if (existsSync(join(folder, EXPORT_MANIFEST)))
      throw new ExportError(`${out} is inside an earlier export (${folder}); export to a folder outside it`);
    if (dirname(folder) === folder) return;
  }
}

/** Throws ExportError when an export other than `self` is writing `out` now (writers.ts). */
function checkNotBeingWritten(out: string, self: string | undefined): void {
  const writer = writerOf(resolve(out), self);
  if (writer !== undefined) throw new ExportError(writingWords(out, writer));
}

const WRITABLE = 'choose a folder you can write to';

/** Whether `path` is a folder, or a link to one (ENOTDIR and the like: no; creating it says why). */
function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Runs `write(tempDir)` in a fresh sibling of `out`, adds the manifest of what it wrote, then
 * puts it in place of `out`. On any error (an abort included) the temp folder is removed, as are
 * the parent folders it made for `out` that are still empty, and `out` is untouched. `out` is
 * checked again just before it is replaced: files put there while the export was written make
 * it not an earlier export any more. With `options.records`, the temp folder is recorded there
 * while it exists, and what killed exports recorded there left is removed first.
 */
export async function writeFolderAtomically(
  out: string,
  options: ExportFolderOptions,
  write: (dir: string) => Promise<void>,
): Promise<string> {
  const target = resolve(out);
  checkName(target);
  removeLeftBehind(dirname(target)); // first: an earlier export a killed one was replacing goes back
  if (options.records !== undefined) removeStagingOfGone(options.records); // and what killed ones left elsewhere
  const stamp = freshStamp();
  await whileWriting(stamp, options.label ?? options.about.source, async () => {
    if (isFolder(target)) return writeInto(target, stamp, options, write);
    checkDestination(target, options.force);
    const temp = join(dirname(target), stagingName(basename(target), 'export', stamp));
    await whileRecorded(options.records, temp, stamp, () => writeStaged(target, { temp, stamp }, options, write));
  });
  return target;
}

/**
 * How writeFolderAtomically writes: `force` replaces an earlier export; `about` goes into the
 * manifest; `records`, a folder to record the staging folder in while it exists, beside a new
 * folder or inside one that exists (stagingRecords.ts), so that what a killed export left is
 * found by the next export or start anywhere; `label`, what another export to the same folder in
 * this process is told is writing it meanwhile (writers.ts; `about.source` by default).
 */
export interface ExportFolderOptions {
  readonly force: boolean;
  readonly about: ExportAbout;
  readonly records?: string;
  readonly label?: string;
}

/**
 * Writes the new folder `target` in `temp` (the export `stamp`'s), then puts it in place; on any
 * error `temp` and the parents it made go. Once `temp` is made, an export found staging `target`
 * too refuses this one: of two that start at once, one sees the other's (or both do, and neither
 * writes), so never both write. What is put at `target` meanwhile is never replaced: nothing was
 * there to confirm replacing when this export started.
 */
async function writeStaged(
  target: string,
  { temp, stamp }: { readonly temp: string; readonly stamp: string },
  options: ExportFolderOptions,
  write: (dir: string) => Promise<void>,
): Promise<void> {
  let made: string | undefined; // the topmost of the parent folders this export made, if it made any
  try {
    made = makeFolder(dirname(target)); // not mkdirSync's recursive: it loops for ever under /proc
    mkdirSync(temp);
  } catch (error) {
    removeMadeFolders(dirname(target), made);
    throw new ExportError(`Cannot create ${target}: ${fileProblem(error)}; ${WRITABLE}`);
  }
  try {
    checkNotBeingWritten(target, stamp);
    await write(temp);
    writeExportManifest(temp, options.about);
    checkDestination(target, true, stamp); // an export there now was put there meanwhile: putInPlace says so
    putInPlace(temp, target);
  } catch (error) {
    rmSync(temp, { recursive: true, force: true });
    removeMadeFolders(dirname(target), made);
    throw error;
  }
}

/**
 * Writes the export `stamp` into `target`, a folder that exists (intoFolder.ts): under its lock, staged
 * inside it, checked again once written (files put there meanwhile make it not an earlier export
 * any more), then moved in. On any error the staging folder goes and `target` is as it was.
 */
async function writeInto(
  target: string,
  stamp: string,
  options: ExportFolderOptions,
  write: (dir: string) => Promise<void>,
): Promise<void> {
  const staging = stagingInside(target, stamp);
  // Recorded before the lock is taken and forgotten once it is given back: a kill anywhere
  // between leaves a record by which the next export or start anywhere clears both.
  await whileRecorded(options.records, staging, stamp, () => writeLocked(target, staging, stamp, options, write));
}

/** writeInto once `staging` is recorded: takes `target`'s lock, writes, moves in, gives the lock back. */
async function writeLocked(
  target: string,
  staging: string,
  stamp: string,
  options: ExportFolderOptions,
  write: (dir: string) => Promise<void>,
): Promise<void> {
  let isLocked: boolean;
  try {
    isLocked = lockFolder(target, stamp);
  } catch (error) {
    throw new ExportError(`Cannot write into ${target}: ${fileProblem(error)}; ${WRITABLE}`);
  }
  if (!isLocked) throw new ExportError(writingWords(target, writerOf(target, stamp) ?? { pid: Number.NaN }));
  try {
    checkDestination(target, options.force, stamp);
    try {
      mkdirSync(staging);
    } catch (error) {
      throw new ExportError(`Cannot write into ${target}: ${fileProblem(error)}; ${WRITABLE}`);
    }
    await write(staging);
    writeExportManifest(staging, options.about);
    checkDestination(target, options.force, stamp);
    try {
      moveIn(staging, target);
    } catch (error) {
      throw new ExportError(`Cannot put the export at ${target}: ${fileProblem(error)}; ${WRITABLE}`);
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
    unlockFolder(target, stamp);
  }
}

/**
 * Removes `dir` and the folders above it up to `top`, the topmost one an export made (none made:
 * nothing), each only while empty: one that something else has written into since stays, with
 * the folders above it.
 */
function removeMadeFolders(dir: string, top: string | undefined): void {
  if (top === undefined) return;
  for (let folder = dir; isWithin(folder, top); folder = dirname(folder)) {
    try {
      rmdirSync(folder);
    } catch {
      return; // not empty (or not ours to remove): it and those above it stay
    }
  }
}

/**
 * `.<name>.export-<record>` (being written) and `.<name>.replaced-<record>` (being replaced), the
 * record naming the process that does it: `<pid>.<ms>`, then on Linux `.<start ticks>.<boot id>`;
 * a long name shortened (stagingName.ts).
 */
const LEFT_BEHIND = new RegExp(String.raw`^\.(.+)\.(export|replaced)-(${RECORD_IN_NAME})$`);

/**
 * Clears what exports into `parent` that were killed (SIGKILL, a crash, a power cut) left there:
 * their temp folders are removed, and an earlier export that one was replacing goes back in
 * place if it was killed between its two renames (else it is removed: it had been replaced). A
 * folder whose export still runs, here or in another process, is left alone; what cannot be
 * removed is left for the next export.
 */
export function removeLeftBehind(parent: string, table: ProcessTable = systemProcesses): void {
  let names: string[];
  try {
    names = readdirSync(parent);
  } catch {
    return; // not made yet: nothing was left there
  }
  for (const name of names) {
    const match = LEFT_BEHIND.exec(name);
    const writer = match && recordOfName(match[3]);
    if (!match || !writer || isRecordedProcessAlive(writer, table)) continue;
    const folder = join(parent, name);
    try {
      if (!lstatSync(folder).isDirectory()) continue;
      if (match[2] === 'replaced') putBack(folder, match[1], match[3]);
      else rmSync(folder, { recursive: true, force: true });
    } catch {
      // gone meanwhile, or not ours to remove: the export itself goes on
    }
  }
}

/**
 * The earlier export set aside in `folder` (`.<name>.replaced-<stamp>`) back in place, unless
 * another took its place meanwhile (then it is removed: it had been replaced). Under a shortened
 * name (stagingName.ts) `folder` holds it under its own name; one not yet moved in leaves it empty.
 */
function putBack(folder: string, name: string, stamp: string): void {
  const inside = readdirSync(folder);
  const held = inside.length === 1 && isShortened(inside[0], 'replaced', stamp) ? inside[0] : undefined;
  const [earlier, target] = held ? [join(folder, held), held] : [folder, name];
  const place = join(dirname(folder), target);
  if (inside.length > 0 && !existsSync(place)) renameSync(earlier, place);
  rmSync(folder, { recursive: true, force: true });
}

/** Renames the finished `temp` to `target`, which must not be there yet (or be an empty folder). */
function putInPlace(temp: string, target: string): void {
  try {
    renameSync(temp, target);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOTEMPTY' || code === 'EEXIST')
      throw new ExportError(
        `Cannot put the export at ${target}: another export was written there meanwhile; choose another folder`,
      );
    throw new ExportError(`Cannot put the export at ${target}: ${fileProblem(error)}; ${WRITABLE}`);
  }
}

/** A file system error in words (its code first: EACCES, EROFS, …), without the temp folder's name. */
function fileProblem(error: unknown): string {
  if (error instanceof FolderError && error.problem === 'file') return `${error.at} is a file, not a folder`;
  const code = (error as NodeJS.ErrnoException).code;
  const words: Record<string, string> = {
    EACCES: 'permission denied',
    EPERM: 'permission denied',
    EROFS: 'the file system is read-only',
    ENOTDIR: 'a part of the path is a file, not a folder',
    EEXIST: 'a part of the path is a file, not a folder',
    ENOENT: 'a part of the path does not exist',
    ENOSPC: 'the disk is full',
    ENAMETOOLONG: 'the path is longer than the file system takes',
  };
  return code && words[code] ? `${words[code]} (${code})` : errorMessage(error);
}
