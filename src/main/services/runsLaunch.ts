// Starting a run and resuming one (runs.start, runs.resume): the request checked and prepared
// (runsPrepare.ts; a resume's checks, runsResumable.ts and runsResume.ts), the trainer lock taken
// (one trainer per data directory: runsLock.ts) and the run handed to runsControl.ts, which
// trains it in the engine host. A start that never began keeps no run; a resume that did not
// train leaves its run as it was, to be resumed again.

import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import type { RunCheckpoint, RunRequest, RunStarted } from '../../shared/contract/runs';
import { defaultRunName } from '../../shared/contract/runNames';
import { scanCheckpoints } from '../engine/train/checkpoint';
import type { Store } from '../store/db';
import type { RunRepository, RunRow } from '../store/runs';
import { removedMeanwhile } from './datasetFiles';
import type { EventBus } from './events';
import type { FreeSpaceOf } from './freeSpace';
import { runFolder } from './runFolders';
import { checkpointProblems } from './runsCheckpoint';
import type { RunControl } from './runsControl';
import { acquireTrainerLock, refuseWhileTrainerBusy, thisProcessAsOwner } from './runsLock';
import { configOfRequest, prepareRun, requestNotices, type RunPrepareDeps } from './runsPrepare';
import { discardRun } from './runsRemove';
import { announceStatus } from './runsRecord';
import { resumableRun, resumePoint, type ResumeCheck } from './runsResumable';
import { queueForResume, resumeConfig, resumeNotices, type ResumeOptions, unqueueResume } from './runsResume';
import { refuseWithoutRoom } from './runsRoom';

/** What starting and resuming runs need of the runs service (RunService). */
export interface RunLaunch {
  readonly deps: RunPrepareDeps & {
    readonly store: Store;
    readonly events: EventBus;
    /** The free space on a disk (default: statfs's), for a resume's room (runsRoom.ts). */
    readonly freeSpace?: FreeSpaceOf;
  };
  readonly repo: RunRepository;
  readonly control: RunControl;
  /** What runs.resume's checks need (runsResumable.ts); its checkpointDir is a run's checkpoints folder. */
  readonly resumeCheck: ResumeCheck;
  /** A run's checkpoints, each with its folder in this data directory (RunService.checkpoints). */
  readonly checkpoints: (id: string) => RunCheckpoint[];
}

/** A run's dataset removed elsewhere while the run was prepared (removedMeanwhile says who and which). */
const DATASET_REMOVED_BEFORE_START =
  'before the run could start; no run was created and nothing was kept for it: import its text again to train on it';

/** RunService.start: `request` checked and prepared, the run added as queued and launched. */
export async function startRun(launch: RunLaunch, request: RunRequest, signal?: AbortSignal): Promise<RunStarted> {
  const { deps, repo } = launch;
  refuseWhileTrainerBusy(deps.dataDir, repo);
  const asked = await configOfRequest(deps, request);
  // The dataset as asked for: one removed elsewhere while the run is prepared is said as such.
  const dataset = deps.datasets.repo.get(asked.config.datasetId);
  const prepared = await prepareRun(deps, asked.config, signal).catch((error: unknown) => {
    throw unlessDatasetRemoved(launch, dataset, error);
  });
  const config = prepared.config; // with the micro-batch split, when memory needed one
  const id = `r-${randomUUID().slice(0, 8)}`;
  const release = acquireTrainerLock(deps.dataDir, repo, id);
  let row: RunRow;
  try {
    const datasetName = deps.datasets.get(config.datasetId, 0).name;
    const taken = new Set(repo.states().map((run) => run.name));
    const name = config.name ?? defaultRunName(deps.models.label(config.model), datasetName, taken);
    // Owned from its insert, so a removal of its dataset elsewhere is refused from then on
    // (DatasetService.remove); one that came first fails the insert's foreign key.
    const owner = thisProcessAsOwner();
    row = repo.add({ id, name, config, totalSteps: prepared.totalSteps, status: 'queued', owner });
  } catch (error) {
    release();
    throw unlessDatasetRemoved(launch, dataset, error);
  }
  mkdirSync(launch.resumeCheck.checkpointDir(id), { recursive: true });
  announceStatus(deps.events, row);
  const started = await launch.control.launch(row, prepared.payload, undefined, release).catch((error: unknown) => {
    // It never began (the engine host did not start, or Ctrl-C while it started): keep no
    // queued run behind, as "nothing half-done was kept" says.
    discardRun({ repo, dataDir: deps.dataDir, events: deps.events }, id);
    throw error;
  });
  return { ...started, notices: requestNotices(asked, prepared) };
}

/**
 * `error`, unless the run's dataset (`dataset`: as it was when the run was asked for) was
 * removed since, from another window or process: what that broke on the way (a foreign key, a
 * token cache cut short, a dataset no longer found) is then said as what happened, and
 * whatever was written for the dataset meanwhile is deleted.
 */
function unlessDatasetRemoved(
  { deps }: RunLaunch,
  dataset: { readonly id: string; readonly name: string } | undefined,
  error: unknown,
) {
  if (dataset === undefined) return error;
  return removedMeanwhile(deps.datasets.repo, deps.dataDir, dataset, DATASET_REMOVED_BEFORE_START) ?? error;
}

/** RunService.resume: run `id` checked, queued and launched from its newest checkpoint that reads whole. */
export async function resumeRun(
  launch: RunLaunch,
  id: string,
  signal?: AbortSignal,
  options: ResumeOptions = {},
): Promise<RunStarted> {
  const { deps, repo, resumeCheck } = launch;
  const row = resumableRun(resumeCheck, id);
  refuseWhileTrainerBusy(deps.dataDir, repo);
  const checkpointDir = resumeCheck.checkpointDir(id);
  const scan = scanCheckpoints(checkpointDir);
  const from = resumePoint(repo, id, scan.whole);
  refuseWithoutRoom(id, from, deps.freeSpace);
  const problems = checkpointProblems(launch.checkpoints(id), scan.unreadable);
  const notices = resumeNotices(id, checkpointDir, problems, from?.step, options.fromStart ?? false);
  const resumeQueue = { repo, events: deps.events, dataDir: deps.dataDir };
  const queued = queueForResume(resumeQueue, row, resumeCheck, options.keepLast);
  try {
    const config = resumeConfig(deps, { id, config: queued.config, folder: runFolder(deps.dataDir, id) }, from?.dir);
    const prepared = await prepareRun(deps, config, signal, { isResume: true, runId: id, from: from?.dir });
    const release = acquireTrainerLock(deps.dataDir, repo, row.id);
    const started = await launch.control.launch(queued, prepared.payload, from, release);
    return { ...started, notices: [...notices, ...prepared.keptNotices] };
  } catch (error) {
    unqueueResume(resumeQueue, row); // it did not train: as it was, to be resumed again
    throw error;
  }
}
