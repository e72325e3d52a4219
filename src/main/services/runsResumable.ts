// Whether a run can be resumed now, and from which checkpoint: runs.resume's checks before it
// prepares anything (a run training, starting, completed, without its dataset or diverged is
// refused with why), and the checkpoint whose steps' losses are all in the store. What a resume
// then does is RunService.resume's (services/runs.ts) and runsResume.ts's.

import { hasDiverged } from '../../shared/contract/runs';
import { ApiError } from '../../shared/errors';
import { type CheckpointInfo, listCheckpoints } from '../engine/train/checkpoint';
import type { RunRepository, RunRow } from '../store/runs';
import type { RunControl } from './runsControl';
import { datasetGoneMessage, divergedMessage } from './runsFailure';
import { isRunOwnerAlive } from './runsLock';

/** What the checks need of the runs service. */
export interface ResumeCheck {
  readonly control: Pick<RunControl, 'trainsHere' | 'recoverInterrupted'>;
  /** The run's row; not_found when there is none. */
  readonly mustGet: (id: string) => RunRow;
  readonly checkpointDir: (id: string) => string;
}

/** Run `id` if it can be resumed now; else a conflict that says why not. */
export function resumableRun(check: ResumeCheck, id: string): RunRow {
  let row = check.mustGet(id);
  // Here: launched by this process, queued until its trainer has started (runsControl.ts launch).
  if (row.status === 'running' || (check.control.trainsHere(id) && row.status !== 'queued'))
    throw new ApiError('conflict', `Run ${id} is already running`);
  // Queued by a start or resume whose process was killed as it prepared: interrupted first
  // (an open app leaves such runs to the next start-up), so it resumes as one.
  if (row.status === 'queued' && !isRunOwnerAlive(row)) {
    check.control.recoverInterrupted(['queued']);
    row = check.mustGet(id);
  }
  if (row.status === 'queued')
    throw new ApiError(
      'conflict',
      `Run ${id} is already starting to train (pid ${row.ownerPid}); wait for it, or stop it ` +
        `(Runs screen, or \`spanfill runs stop ${id}\`)`,
    );
  if (row.status === 'completed')
    throw new ApiError('conflict', `Run ${id} is completed; start a new run to train more`);
  const lastDir = (): string | undefined => listCheckpoints(check.checkpointDir(id)).at(-1)?.dir;
  if (row.datasetId === null) throw new ApiError('conflict', datasetGoneMessage(id, row.config.datasetId, lastDir()));
  if (hasDiverged(row)) throw new ApiError('conflict', divergedMessage(id, row.datasetId, lastDir(), row.config));
  return row;
}

/**
 * The checkpoint to continue run `id` from among `whole` (its readable ones, in step order): the
 * last one whose losses are all in the store. A process killed right after writing a checkpoint
 * may not have stored the last steps' metrics yet; continuing from an earlier checkpoint re-runs
 * those steps (bit-exactly) and records them. Without one, the last checkpoint (the series then
 * has a gap). The last loss step is one index seek, not a read of every point.
 */
export function resumePoint(
  repo: RunRepository,
  id: string,
  whole: readonly CheckpointInfo[],
): CheckpointInfo | undefined {
  const recorded = repo.lastMetricSteps(id, ['loss']).get('loss') ?? 0;
  return whole.filter((c) => c.step <= recorded).at(-1) ?? whole.at(-1);
}
