// Writing an export's folder so that it is never seen half-written (the rules of which folders
// it may write are destination.ts's). A new folder is built in a hidden sibling renamed into
// place at the end, so a cancelled or failed export leaves nothing half-written, nor the empty
// parent folders it made; the one a killed export leaves is named for its process, and the next
// export beside it removes it (leftBehind.ts). A folder that exists stays itself (its
// permissions, owner, a link to it, a mount on it): the export is written into it (intoFolder.ts),
// and what a killed one leaves there is cleared by the next export into it. Where the caller keeps
// records of staging folders (stagingRecords.ts), either is cleared by the next export or start anywhere.
// While one export writes a folder, any other to it is refused as such, here or in another process (writers.ts).

import { mkdirSync, renameSync, rmdirSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { isWithin } from '../../pathWithin';
import { makeFolder } from '../../makeFolder';
import { checkDestination, checkName, checkNotBeingWritten } from './destination';
import { ExportError, fileProblem, WRITABLE } from './exportError';
import { lockFolder, moveIn, unlockFolder } from './intoFolder';
import { removeLeftBehind } from './leftBehind';
import { type ExportAbout, writeExportManifest } from './manifest';
import { freshStamp, stagingName, stagingInside } from './stagingName';
import { removeStagingOfGone, whileRecorded } from './stagingRecords';
import { whileWriting, writerOf, writingWords } from './writers';

// NOTE: importable from here as before destination.ts, exportError.ts and leftBehind.ts were
// split out of this file, for the modules and tests that import them so.
export { canonicalPath } from './destination';
export { ExportError } from './exportError';
export { removeLeftBehind } from './leftBehind';

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
  await whileWriting(stamp, labelOf(options), async () => {
    if (isFolder(target)) return writeInto(target, stamp, options, write);
    checkDestination(target, options.force, { records: options.records });
    const temp = join(dirname(target), stagingName(basename(target), 'export', stamp));
    const record = { staging: temp, stamp, label: labelOf(options) };
    await whileRecorded(options.records, record, () => writeStaged(target, { temp, stamp }, options, write));
  });
  return target;
}

/**
 * How writeFolderAtomically writes: `force` replaces an earlier export; `about` goes into the
 * manifest; `records`, a folder to record the staging folder in while it exists, beside a new
 * folder or inside one that exists (stagingRecords.ts), so that what a killed export left is
 * found by the next export or start anywhere; `label`, what another export to the same folder is
 * told is writing it meanwhile, in this process or (recorded in `records`) another (writers.ts;
 * `about.source` by default).
 */
export interface ExportFolderOptions {
  readonly force: boolean;
  readonly about: ExportAbout;
  readonly records?: string;
  readonly label?: string;
}

/** What an export is called to the exports it refuses while it writes (ExportFolderOptions.label). */
function labelOf(options: ExportFolderOptions): string {
  return options.label ?? options.about.source;
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
  const lookup = { self: stamp, records: options.records };
  try {
    checkNotBeingWritten(target, lookup);
    await write(temp);
    writeExportManifest(temp, options.about);
    checkDestination(target, true, lookup); // an export there now was put there meanwhile: putInPlace says so
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
  const record = { staging, stamp, label: labelOf(options) };
  await whileRecorded(options.records, record, () => writeLocked(target, staging, stamp, options, write));
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
  const lookup = { self: stamp, records: options.records };
  if (!isLocked) throw new ExportError(writingWords(target, writerOf(target, lookup) ?? { pid: Number.NaN }));
  try {
    checkDestination(target, options.force, lookup);
    try {
      mkdirSync(staging);
    } catch (error) {
      throw new ExportError(`Cannot write into ${target}: ${fileProblem(error)}; ${WRITABLE}`);
    }
    await write(staging);
    writeExportManifest(staging, options.about);
    checkDestination(target, options.force, lookup);
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
