// Room on the disk for a resumed run's next checkpoint, checked before the resume prepares
// anything (runs.ts resume): a checkpoint it saves is as large as the one it resumes from (the
// same weights, optimizer state and tokenizer files: measured on disk, not estimated), and the
// trainer writes it whole before it prunes older ones (keepLast), so at least that much must be
// free. A run that failed on a full disk is thus told what to free before it starts again, not
// after it fails again at its next checkpoint. Nothing is refused where the free space cannot
// be read, nor for a run with no checkpoint (its size is not known without loading the model).

import path from 'node:path';
import { ApiError, DISK_FULL_WORDS } from '../../shared/errors';
import { formatBytes } from '../../shared/format';
import { directoryBytes } from '../engine/hub/cache';
import { diskFreeSpace, type FreeSpaceOf } from './freeSpace';
import { FREE_SPACE_WORDS } from './runsFailure';

/**
 * Refuses resuming run `id` from checkpoint `from` (undefined: none, from step 0) where the disk
 * holding its checkpoints has less free than that checkpoint takes: a full disk of the data
 * directory's, in words (isDataDirectoryDiskFull: the CLI exits 3), naming the room needed, what
 * is free and what to delete.
 */
export function refuseWithoutRoom(
  id: string,
  from: { readonly dir: string; readonly step: number } | undefined,
  freeSpace: FreeSpaceOf = diskFreeSpace,
): void {
  if (from === undefined) return;
  const free = freeSpace(path.dirname(from.dir))?.bytes;
  if (free === undefined) return;
  const needed = directoryBytes(from.dir);
  if (free >= needed) return;
  throw new ApiError(
    'internal',
    `${DISK_FULL_WORDS} for run ${id} to resume: its next checkpoint needs ${formatBytes(needed)} (as much as ` +
      `step ${from.step}'s, which it resumes from) and ${formatBytes(free)} is free. Nothing was changed. To make ` +
      `room, ${FREE_SPACE_WORDS}; then resume it again`,
  );
}
