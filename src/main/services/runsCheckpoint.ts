// Which of a run's checkpoints a command or screen means (`--checkpoint best|last|STEP`), also
// while its run trains and prunes them ahead of the store (checkpointPicker), what to say when
// it is not there (not kept, pruned meanwhile, or deleted from disk by hand) or does not read, and
// which to choose instead, and which cannot be used (unreadable on disk, or missing:
// checkpointProblems; of those, the ones a fill or an export would meet: withUseProblems, as
// runs.get and runs.checkpoints list them). Reading the one picked, through a linked copy, is
// runsCheckpointReaders.ts.

import { existsSync } from 'node:fs';
import path from 'node:path';
import { lastCheckpoint } from '../../shared/contract/runNames';
import type {
  CheckpointUseProblem,
  ListedCheckpoint,
  RunCheckpoint,
  RunCheckpointProblem,
} from '../../shared/contract/runs';
import { ApiError } from '../../shared/errors';
import {
  bestCheckpoint,
  checkpointDirName,
  type CheckpointInfo,
  type CheckpointScan,
  listCheckpoints,
  OPTIMIZER_FILE,
  scanCheckpoints,
  TRAINER_STATE_FILE,
  type UnreadableCheckpoint,
} from '../engine/train/checkpoint';

/** The best by validation loss (else the last), the last, or the one of a step. */
export type CheckpointChoice = 'best' | 'last' | number;

/**
 * The folder of run `id`'s checkpoint `which` among `list` (its checkpoints, in step order). With
 * `scan` (its checkpoints folder's, scanCheckpoints), one that is gone or does not read is refused
 * saying which read instead, rather than left to fail as it loads.
 */
export function pickCheckpoint(
  id: string,
  list: readonly RunCheckpoint[],
  which: CheckpointChoice,
  scan?: CheckpointScan,
): string {
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
  const instead = scan ? `; ${insteadWords(pick.step, scan.whole)}` : '';
  if (!existsSync(pick.path))
    throw new ApiError(
      'not_found',
      `Run ${id}'s checkpoint at step ${pick.step} is no longer on disk (${pick.path}); it was deleted outside Spanfill${instead}`,
    );
  const unreadable = scan?.unreadable.find((c) => c.step === pick.step && stopsModelRead(c));
  if (unreadable)
    throw new ApiError(
      'conflict',
      `Run ${id}'s checkpoint at step ${pick.step} cannot be read: ${unreadable.file} ${unreadable.problem}${instead}`,
    );
  return pick.path;
}

/** A checkpoint's files that only resuming reads. */
const TRAINING_ONLY_FILES: ReadonlySet<string> = new Set([TRAINER_STATE_FILE, OPTIMIZER_FILE]);

/** Whether a read of the model meets what is wrong with `c`: a fill or an export needs no trainer state or moments. */
const stopsModelRead = (c: UnreadableCheckpoint): boolean => !TRAINING_ONLY_FILES.has(c.file);

/** Which checkpoints to choose instead of the one of `step`: the others of `whole` (those that read), newest first. */
function insteadWords(step: number, whole: readonly CheckpointInfo[]): string {
  const others = whole
    .map((c) => c.step)
    .filter((s) => s !== step)
    .reverse();
  if (others.length === 0) return 'it has no other checkpoint that reads';
  return `choose one that reads: step ${others.join(', ')} (in a terminal: \`--checkpoint ${others[0]}\`)`;
}

/** A run's checkpoints as a read picks among them (RunService.readCheckpoint). */
export interface RunCheckpointSource {
  readonly runId: string;
  /** Its rows, the store's, in step order, each with its folder in this data directory. */
  readonly rows: () => readonly RunCheckpoint[];
  /** Its checkpoints folder. */
  readonly folder: string;
  /** Its keepLast while it trains (here or in another process); undefined while it does not. */
  readonly keptWhileTraining: () => number | undefined;
}

/**
 * Picks of checkpoint `which` for one read (readingCheckpoint's `pick`) or one look
 * (RunService.checkpointPath). A run that trains prunes (keepLast; a new best replaces the old)
 * before the store hears of it, in its own time (under load, each time), so the checkpoint the
 * store names may be gone: then, while it trains, best or last is the best by validation loss,
 * else the newest, that reads whole on disk, and a step the store listed as the read began is
 * said to have been pruned. The first pick is the store's (pickCheckpoint) while that is on disk;
 * a pick `isAgain` (the one before went before it was linked) goes to the disk at once while the
 * run trains. A run that does not train keeps the store's picks and words.
 */
export function checkpointPicker(run: RunCheckpointSource, which: CheckpointChoice): (isAgain: boolean) => string {
  const listed = run.rows().map((c) => c.step); // as the read began
  return (isAgain) => {
    const rows = run.rows();
    const scan = scanCheckpoints(run.folder);
    if (!isAgain) {
      try {
        return pickCheckpoint(run.runId, rows, which, scan);
      } catch (error) {
        if (!isGone(error)) throw error;
      }
    }
    const keepLast = run.keptWhileTraining();
    if (keepLast === undefined) return pickCheckpoint(run.runId, rows, which, scan);
    if (typeof which !== 'number') {
      const onDisk = listCheckpoints(run.folder);
      const pick = which === 'best' ? (bestCheckpoint(onDisk) ?? onDisk.at(-1)) : onDisk.at(-1);
      return pick?.dir ?? pickCheckpoint(run.runId, rows, which);
    }
    const dir = path.join(run.folder, checkpointDirName(which));
    if (existsSync(dir)) return dir; // (saved again, or not yet in the store)
    if (!listed.includes(which) && !rows.some((c) => c.step === which)) return pickCheckpoint(run.runId, rows, which);
    throw prunedMeanwhile(run, which, keepLast);
  };
}

function prunedMeanwhile(run: RunCheckpointSource, step: number, keepLast: number): ApiError {
  const now = listCheckpoints(run.folder).map((c) => c.step);
  return new ApiError(
    'not_found',
    `Run ${run.runId}'s checkpoint at step ${step} was deleted while it was being read: the run is training and ` +
      `keeps only its best checkpoint and its newest ${keepLast === 1 ? '' : `${keepLast} `}(keepLast ${keepLast}); ` +
      `its checkpoints now: ${now.join(', ') || 'none'}`,
  );
}

/** What runs show and the run view say of a checkpoint whose folder was deleted outside Spanfill. */
export const MISSING_CHECKPOINT_REASON = 'its folder was deleted outside Spanfill';

/**
 * The checkpoints of a run that cannot be used, in step order: those of `unreadable` (its
 * checkpoints folder's, scanCheckpoints) and the rows of `rows` (the store's) whose folder is gone.
 */
export function checkpointProblems(
  rows: readonly RunCheckpoint[],
  unreadable: readonly UnreadableCheckpoint[],
): RunCheckpointProblem[] {
  const problems: RunCheckpointProblem[] = unreadable.map((c) => ({
    step: c.step,
    path: c.dir,
    kind: 'unreadable',
    reason: `${c.file} ${c.problem}`,
  }));
  for (const row of rows)
    if (!existsSync(row.path) && !unreadable.some((c) => c.step === row.step))
      problems.push({ step: row.step, path: row.path, kind: 'missing', reason: MISSING_CHECKPOINT_REASON });
  return problems.sort((a, b) => a.step - b.step);
}

/**
 * `rows` (a run's checkpoints), each that a pick would refuse (pickCheckpoint) with what keeps it
 * from use among `problems` (checkpointProblems' of `unreadable`, less any the caller drops): its
 * folder missing, or a file its model's read meets unreadable. One whose trainer state or optimizer
 * moments alone do not read is usable: only resuming reads them.
 */
export function withUseProblems(
  rows: readonly RunCheckpoint[],
  problems: readonly RunCheckpointProblem[],
  unreadable: readonly UnreadableCheckpoint[],
): ListedCheckpoint[] {
  const ofUse = new Map<number, CheckpointUseProblem>();
  for (const { step, kind, reason } of problems) {
    const isResumeOnly = kind === 'unreadable' && !unreadable.some((c) => c.step === step && stopsModelRead(c));
    if (!isResumeOnly) ofUse.set(step, { kind, reason });
  }
  return rows.map((row) => {
    const problem = ofUse.get(row.step);
    return problem ? { ...row, problem } : row;
  });
}

/** Whether `error` says a picked checkpoint is gone: not found in the store's list, or its folder went (ENOENT). */
export function isGone(error: unknown): boolean {
  return (
    (error instanceof ApiError && error.code === 'not_found') || (error as NodeJS.ErrnoException).code === 'ENOENT'
  );
}
