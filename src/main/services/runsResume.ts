// The base model a resumed run prepares from. Normally the one it started from; when that is
// gone (the run whose checkpoint it started from was removed, a registered model's folder moved
// or deleted), its own checkpoint holds everything a resume needs from a base (config.json,
// tokenizer files, generation_config.json; the weights come from the checkpoint anyway), so a
// copy of it outside checkpoints/ (which keepLast prunes) stands in: <run>/base-model, the
// files hard-linked where the file system allows. And what a resume says of the checkpoints it
// cannot use: each newer than the one it resumes from, unreadable or missing, is named with what
// is wrong, an unreadable folder as left for the person to remove (resumeNotices); with none
// that reads (unreadable or missing), it asks before starting again from step 0. And
// the run queued and owned by the resuming process while it prepares, put back as it was when
// its resume does not get to train (queueForResume, unqueueResume).

import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { checkpointOrigin } from '../../shared/contract/runNames';
import type { RunCheckpointProblem, RunConfig } from '../../shared/contract/runs';
import { isPresetModelName, NO_READABLE_CHECKPOINT_WORDS } from '../../shared/contract/runs';
import { ApiError, errorMessage } from '../../shared/errors';
import { isBuiltinModelName } from '../engine/t5/builtin';
import { OPTIMIZER_FILE, TRAINER_STATE_FILE } from '../engine/train/checkpoint';
import type { RunRepository, RunRow } from '../store/runs';
import type { EventBus } from './events';
import type { RunPrepareDeps } from './runsPrepare';
import { linkCheckpointFiles } from './runsCheckpointReaders';
import { thisProcessAsOwner } from './runsLock';
import { resolveRunModel } from './runsPrepare';
import { announceStatus } from './runsRecord';
import { resumableRun, type ResumeCheck } from './runsResumable';
import { queuePastStaleRequest } from './runsStopRequest';

/** Why the base model `model` cannot be found any more; undefined while it can. */
function baseGone(deps: RunPrepareDeps, model: string): string | undefined {
  if (isBuiltinModelName(model) || isPresetModelName(model)) return undefined;
  const origin = checkpointOrigin(model);
  const gone = origin
    ? `the checkpoint it started from (run ${origin.runId}, step ${origin.step}) was removed`
    : `the model it started from (${model}) is no longer found`;
  try {
    return existsSync(path.join(resolveRunModel(deps, model), 'config.json')) ? undefined : gone;
  } catch (error) {
    if (error instanceof ApiError && error.code === 'not_found') return origin ? gone : `${gone}: ${error.message}`;
    throw error;
  }
}

/** <runFolder>/base-model: checkpoint `from` without its optimizer state, made once. */
function standInBase(runFolder: string, from: string): string {
  const dir = path.join(runFolder, 'base-model');
  if (existsSync(path.join(dir, 'config.json'))) return dir;
  const temp = path.join(runFolder, `.base-model.${process.pid}.tmp`);
  rmSync(temp, { recursive: true, force: true });
  mkdirSync(temp);
  try {
    linkCheckpointFiles(from, temp, [OPTIMIZER_FILE, TRAINER_STATE_FILE]);
    rmSync(dir, { recursive: true, force: true });
    renameSync(temp, dir);
  } catch (error) {
    rmSync(temp, { recursive: true, force: true });
    throw new ApiError('internal', `Could not copy ${from} to ${dir} to resume from: ${errorMessage(error)}`);
  }
  return dir;
}

/**
 * The configuration run `id` resumes with: `config` itself while its base model is there, else
 * the same with the stand-in base made from `from` (its resume checkpoint). Without one, a
 * conflict that says why it cannot be resumed.
 */
export function resumeConfig(
  deps: RunPrepareDeps,
  run: { readonly id: string; readonly config: RunConfig; readonly folder: string },
  from: string | undefined,
): RunConfig {
  const gone = baseGone(deps, run.config.model);
  if (gone === undefined) return run.config;
  if (from === undefined)
    throw new ApiError(
      'conflict',
      `Run ${run.id} cannot be resumed: it saved no checkpoint, and ${gone}. Start a new run.`,
    );
  return { ...run.config, model: standInBase(run.folder, from) };
}

/** A checkpoint that cannot be used, in a sentence's words: "step 200's model.safetensors is truncated (…)". */
function problemWords(p: RunCheckpointProblem): string {
  return p.kind === 'missing'
    ? `step ${p.step}'s folder is gone (deleted outside Spanfill)`
    : `step ${p.step}'s ${p.reason}`;
}

/**
 * What to tell the person resuming run `id` from checkpoint step `from` (undefined: none reads,
 * so step 0), given its checkpoints that cannot be used (`problems`, checkpointProblems): each
 * newer than `from`, by step, file and what is wrong. With no checkpoint that reads but
 * unreadable ones on disk (in `root`), a conflict that names them and how to start again from
 * step 0 (missing ones too: deleted outside Spanfill), unless `fromStart` asks for just that;
 * `fromStart` with one that reads is refused too.
 */
export function resumeNotices(
  id: string,
  root: string,
  problems: readonly RunCheckpointProblem[],
  from: number | undefined,
  fromStart: boolean,
): string[] {
  const unreadable = problems.filter((p) => p.kind === 'unreadable');
  if (from !== undefined && fromStart)
    throw new ApiError(
      'conflict',
      `Run ${id} has a checkpoint that reads (step ${from}): Resume continues from it. Starting again from step 0 is only for a run none of whose checkpoints can be read.`,
    );
  // Missing ones too: their run's history (its metric points) is not wiped unasked.
  if (from === undefined && problems.length > 0 && !fromStart) {
    const kept =
      unreadable.length === 0
        ? ''
        : `${unreadable.length === 1 ? 'Its folder is' : 'Their folders are'} kept in ${root}. `;
    throw new ApiError(
      'conflict',
      `Run ${id} ${NO_READABLE_CHECKPOINT_WORDS}: ${problems.map(problemWords).join('; ')}. ${kept}` +
        `Start it again from step 0 (in a terminal: \`spanfill runs resume ${id} --from-start\`), or first put a ` +
        'readable copy of one back.',
    );
  }
  const skipped = problems.filter((p) => p.step > (from ?? -1));
  if (skipped.length === 0) return [];
  const goesOn = from === undefined ? 'starting again from step 0' : `resuming from step ${from}`;
  return [`${skipped.map(problemWords).join('; ')}; ${goesOn}.${keptWords(root, skipped)}`];
}

/**
 * What becomes of the unreadable folders among `skipped`: left where they are (pruning keeps
 * them) for the person to remove. Training replaces one only if it saves a checkpoint at its
 * step again, which a step off the checkpoint interval (a folder made or renamed by hand) never
 * is, so that is said as a condition, not a promise. "" when none is unreadable.
 */
function keptWords(root: string, skipped: readonly RunCheckpointProblem[]): string {
  const kept = skipped.filter((p) => p.kind === 'unreadable');
  if (kept.length === 0) return '';
  if (kept.length === 1)
    return (
      ` The unreadable folder ${kept[0].path} is left for you to remove; training replaces it only if it saves a ` +
      `checkpoint at step ${kept[0].step} again.`
    );
  return (
    ` The unreadable folders are left in ${root} for you to remove; training replaces one only if it saves a ` +
    'checkpoint at its step again.'
  );
}

/** What queueing a resume needs: the runs' rows, the events that tell the screens, and where runs keep their files. */
export interface ResumeQueueDeps {
  readonly repo: RunRepository;
  readonly events: EventBus;
  readonly dataDir: string;
}

/** What a resume may be asked besides the run: start again from step 0, keep fewer (or more) checkpoints. */
export interface ResumeOptions {
  readonly fromStart?: boolean;
  /** The run's new Checkpoints kept, stored in its configuration (queueForResume); the trainer prunes by it. */
  readonly keepLast?: number;
}

/**
 * Run `row` queued and owned by this process before its resume prepares, as a new run is from
 * its insert (runs.ts start): from then on its dataset's removal (DatasetService.remove), its own
 * and another resume of it are refused. With `keepLast`, its configuration keeps that many
 * checkpoints from then on (the same write; unqueueResume puts it back). One that changed since
 * it was read (resumed elsewhere meanwhile, its dataset removed) is refused by the resume's
 * checks (resumableRun) as it now is. A stop asked while it is queued ends it before it trains.
 */
export function queueForResume(deps: ResumeQueueDeps, row: RunRow, check: ResumeCheck, keepLast?: number): RunRow {
  // A pause or stop asked from now on ends it before it trains (runsControl.ts); one left from
  // before (its asker killed as it waited) is not this resume's.
  const queue = () => deps.repo.queueOwned(row.id, row, thisProcessAsOwner(), keepLast);
  if (!queuePastStaleRequest(deps.dataDir, row.id, queue)) {
    resumableRun(check, row.id);
    throw new ApiError('conflict', `Run ${row.id} changed while its resume began; try again`);
  }
  const queued = deps.repo.mustGet(row.id);
  announceStatus(deps.events, queued);
  return queued;
}

/**
 * Run `row` (as it was before queueForResume) back to its status with no owner and its own
 * Checkpoints kept, its resume having failed or been cancelled before it trained, so that it can
 * be resumed again.
 */
export function unqueueResume(deps: ResumeQueueDeps, row: RunRow): void {
  const back = deps.repo.unqueue(row.id, row.status, process.pid, row.config.keepLast);
  if (back) announceStatus(deps.events, back);
}
