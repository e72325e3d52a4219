// Which of a run's checkpoints a command or screen means (`--checkpoint best|last|STEP`), and
// what to say when it is not there: not kept, or deleted from disk by hand.

import { existsSync } from 'node:fs';
import { lastCheckpoint } from '../../shared/contract/runNames';
import type { RunCheckpoint } from '../../shared/contract/runs';
import { ApiError } from '../../shared/errors';

/** The best by validation loss (else the last), the last, or the one of a step. */
export type CheckpointChoice = 'best' | 'last' | number;

/** The folder of run `id`'s checkpoint `which` among `list` (its checkpoints, in step order). */
export function pickCheckpoint(id: string, list: readonly RunCheckpoint[], which: CheckpointChoice): string {
  const pick =
    which === 'best'
      ? (list.find((c) => c.isBest) ?? lastCheckpoint(list))
      : which === 'last'
        ? lastCheckpoint(list)
        : list.find((c) => c.step === which);
  if (!pick) {
    const have = list.map((c) => c.step).join(', ') || 'none yet';
    throw new ApiError('not_found', `Run ${id} has no checkpoint ${String(which)} (checkpoints: ${have})`);
  }
  if (!existsSync(pick.path))
    throw new ApiError(
      'not_found',
      `Run ${id}'s checkpoint at step ${pick.step} is no longer on disk (${pick.path}); it was deleted outside Spanfill`,
    );
  return pick.path;
}
