// Checkpoint folders made durable and removed whole (engine/train/checkpoint.ts): a folder set
// aside under a hidden temporary name before it goes, so a crash mid-way never leaves part of a
// checkpoint under a step's name, where a resume would find it; files and folders fsynced.

import { closeSync, copyFileSync, existsSync, fsyncSync, openSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** Flushes file or folder `path` to disk (where the platform can). */
export function fsyncPath(path: string): void {
  try {
    const fd = openSync(path, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // NOTE: directories cannot be fsynced on every platform (Windows); the data files were.
  }
}

/**
 * Renames checkpoint folder `dir` to a temporary name (cleared by the next prune) and returns
 * it; null when there is none. A crash from then on leaves no part of it under a step name,
 * where resume would find it.
 */
export function setAside(dir: string): string | null {
  if (!existsSync(dir)) return null;
  const doomed = join(dirname(dir), `.${basename(dir)}.${process.pid}.del.tmp`);
  rmSync(doomed, { recursive: true, force: true });
  renameSync(dir, doomed);
  fsyncPath(dirname(dir));
  return doomed;
}

/** Deletes a folder set aside; one that cannot be deleted now stays for the next prune. */
export function removeLeftover(dir: string): void {
  try {
    rmSync(dir, { recursive: true, force: true });
  } catch {
    // NOTE: under its temporary name it is no checkpoint; pruneCheckpoints tries again.
  }
}

/** Deletes a checkpoint folder whole: set aside first, so a crash mid-way leaves no part checkpoint. */
export function removeWhole(dir: string): void {
  const doomed = setAside(dir);
  if (doomed !== null) rmSync(doomed, { recursive: true, force: true });
}

/** Copies a file and flushes the copy. */
export function copyDurably(from: string, to: string): void {
  copyFileSync(from, to);
  fsyncPath(to);
}
