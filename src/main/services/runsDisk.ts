// A run's folder looked at while its trainer writes and prunes it (runs.get: the run view and
// `spanfill runs show` ask at any moment): the trainer saves a checkpoint in a temporary folder,
// sets aside one of the same step, renames the new one in and deletes what it set aside, and
// prunes older ones (keepLast). A folder or file gone between a listing and a look at it is
// gone, not a failure; a checkpoint replaced as it is read is looked at again. Not for reading a
// checkpoint's weights: that goes through a linked copy (runsCheckpoint.ts readingCheckpoint).

import { readdirSync, statSync, type Dirent } from 'node:fs';
import path from 'node:path';
import { isMissingPathError } from '../../shared/fileErrors';
import { type CheckpointScan, scanCheckpoints, type UnreadableCheckpoint } from '../engine/train/checkpoint';

/**
 * The bytes of the files under `dir`, walked one folder at a time: an entry gone between its
 * folder's listing and its own look (a checkpoint pruned or set aside meanwhile) counts as gone,
 * as does `dir` itself. Links are not followed (as engine/hub/cache.ts directoryBytes).
 */
export function folderBytes(dir: string): number {
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (error) {
    if (isMissingPathError(error)) return 0;
    throw error;
  }
  let total = 0;
  for (const entry of entries) {
    const at = path.join(dir, entry.name);
    if (entry.isDirectory()) total += folderBytes(at);
    else if (entry.isFile()) total += fileBytes(at);
  }
  return total;
}

function fileBytes(file: string): number {
  try {
    return statSync(file).size;
  } catch (error) {
    if (isMissingPathError(error)) return 0;
    throw error;
  }
}

/** Looks at most: one that a move of the trainer spoiled is settled by the next. */
const SCAN_LOOKS = 3;

/**
 * scanCheckpoints of `root` (a run's checkpoints folder) while its run may train. Looked at
 * again when a look fails on a missing file (a checkpoint pruned after its files were found,
 * before one was opened: then not listed), and when one finds a checkpoint unreadable that the
 * look before did not (one replaced as it was read lacks a file for a moment); a checkpoint
 * unreadable at two looks in a row is.
 */
export function scanWhileTraining(root: string): CheckpointScan {
  let before: readonly UnreadableCheckpoint[] | undefined;
  for (let look = 1; ; look++) {
    let scan: CheckpointScan;
    try {
      scan = scanCheckpoints(root);
    } catch (error) {
      if (look < SCAN_LOOKS && isMissingPathError(error)) continue;
      throw error;
    }
    const isSettled = before !== undefined && sameProblems(before, scan.unreadable);
    if (scan.unreadable.length === 0 || isSettled || look >= SCAN_LOOKS) return scan;
    before = scan.unreadable;
  }
}

function sameProblems(a: readonly UnreadableCheckpoint[], b: readonly UnreadableCheckpoint[]): boolean {
  const words = (list: readonly UnreadableCheckpoint[]) =>
    list.map((c) => `${c.step} ${c.file} ${c.problem}`).join('\n');
  return words(a) === words(b);
}
