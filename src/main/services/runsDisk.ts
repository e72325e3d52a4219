// A run's checkpoints looked at while its trainer writes and prunes them (runs.get: the run view
// and `spanfill runs show` ask at any moment): the trainer saves a checkpoint in a temporary
// folder, sets aside one of the same step, renames the new one in and deletes what it set aside.
// A checkpoint replaced as it is read is looked at again. (One gone between a listing and a look
// at it is gone, not a failure: scanCheckpoints and directoryBytes see to that themselves.) Not
// for reading a checkpoint's weights: that goes through a linked copy (runsCheckpoint.ts
// readingCheckpoint).

import { type CheckpointScan, scanCheckpoints, type UnreadableCheckpoint } from '../engine/train/checkpoint';

/** Looks at most: one that a move of the trainer spoiled is settled by the next. */
const SCAN_LOOKS = 3;

/**
 * scanCheckpoints of `root` (a run's checkpoints folder) while its run may train. Looked at
 * again when one look finds a checkpoint unreadable that the look before did not (one replaced
 * as it was read lacks a file for a moment); a checkpoint unreadable at two looks in a row is.
 */
export function scanWhileTraining(root: string): CheckpointScan {
  let before: readonly UnreadableCheckpoint[] | undefined;
  for (let look = 1; ; look++) {
    const scan = scanCheckpoints(root);
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
