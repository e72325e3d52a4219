// Runs service: what the contract's runs.* calls do. It checks and prepares a run to start or
// resume (runsPrepare.ts; runsResumable.ts, runsResume.ts), takes the trainer lock (one trainer
// per data directory: runsLock.ts) and hands the run to runsControl.ts, which trains it in the
// engine host, pauses or stops it, and marks a run whose process is gone interrupted. What the
// trainer reports (status, metrics, checkpoints) is stored and forwarded as events by
// runsRecord.ts. Also lists, shows, compares, renames and removes runs, and reads their metrics.

import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type {
  ListedCheckpoint,
  RunCheckpoint,
  RunCheckpointProblem,
  RunCheckpoints,
  RunDetail,
  RunMetrics,
  RunRequest,
  RunStarted,
  RunSummary,
} from '../../shared/contract/runs';
import { checkpointOrigin, defaultRunName } from '../../shared/contract/runNames';
import { ApiError } from '../../shared/errors';
import { directoryBytes } from '../engine/hub/cache';
import { scanCheckpoints } from '../engine/train/checkpoint';
import type { CaseTrainingResult } from '../engine/train/caseTraining';
import type { Store } from '../store/db';
import { RunRepository, type RunRow } from '../store/runs';
import { removedMeanwhile } from './datasetFiles';
import type { DatasetService } from './datasets';
import type { EngineHostManager } from './engine-host';
import { withRemovalDiskFullHint } from './errors';
import type { EventBus } from './events';
import type { ModelService } from './models';
import { idOrName, refuseOthersId } from './idOrName';
import { compareRuns, metricSummary } from './runsCompare';
import { estimateRun, timingBesideWhy, type EstimateReader } from './runsEstimate';
import { StepTimings } from './runsTiming';
import {
  acquireTrainerLock,
  refuseWhileTrainerBusy,
  CHECKPOINT_COPIES,
  liveRunRemoval,
  liveRuns,
  thisProcessAsOwner,
  trainingConflict,
} from './runsLock';
import {
  checkpointPicker,
  checkpointProblems,
  type CheckpointChoice,
  type RunCheckpointSource,
  withUseProblems,
} from './runsCheckpoint';
import {
  checkpointReadersFolder,
  OLD_READING_FOLDER,
  readingCheckpoint,
  removeStaleReadings,
} from './runsCheckpointReaders';
import { finishLeftRemovals, removeRunFolder, runCheckpointsFolder, runFolder, wasRemovalFinished } from './runFolders';
import { scanWhileTraining } from './runsDisk';
import { refuseRemovingModelFolders } from './runsModelFolders';
import { announceStatus, checkpointFolder, runSummary } from './runsRecord';
import { queueForResume, resumeConfig, resumeNotices, type ResumeOptions, unqueueResume } from './runsResume';
import { resumableRun, resumePoint, type ResumeCheck } from './runsResumable';
import { trainOnCaseInHost, type CaseTrainingRequest } from './runsCase';
import { RunControl } from './runsControl';
import { configOfRequest, prepareRun, requestNotices, RUN_KIND } from './runsPrepare';
import type { FreeSpaceOf } from './freeSpace';
import { refuseWithoutRoom } from './runsRoom';
import type { SystemService } from './system';

export interface RunServiceDeps {
  readonly store: Store;
  readonly dataDir: string;
  readonly events: EventBus;
  readonly engine: EngineHostManager;
  readonly datasets: DatasetService;
  readonly models: ModelService;
  readonly system: SystemService;
  /** The free space on a disk (default: statfs's), for a resume's room (runsRoom.ts). */
  readonly freeSpace?: FreeSpaceOf;
}

/** A run's dataset removed elsewhere while the run was prepared (removedMeanwhile says who and which). */
const DATASET_REMOVED_BEFORE_START =
  'before the run could start; no run was created and nothing was kept for it: import its text again to train on it';

export class RunService {
  readonly repo: RunRepository;
  /** The runs this process trains: launch, pause and stop; interrupted ones (runsControl.ts). */
  private readonly control: RunControl;
  /** Steps timed for estimates in this process, by shape. */
  private readonly timings = new StepTimings();
  /** What runs.resume's checks need of this service (runsResumable.ts). */
  private readonly resumeCheck: ResumeCheck;

  constructor(private readonly deps: RunServiceDeps) {
    this.repo = new RunRepository(deps.store.db);
    const { dataDir, events, engine } = deps;
    this.control = new RunControl({ repo: this.repo, dataDir, events, engine, mustGet: (id) => this.mustGet(id) });
    this.resumeCheck = {
      control: this.control,
      mustGet: (id) => this.mustGet(id),
      checkpointDir: (id) => this.checkpointDir(id),
    };
    // Copies that readers killed since the last look left (of runs removed meanwhile too), and removals killed part-way.
    removeStaleReadings(checkpointReadersFolder(dataDir));
    finishLeftRemovals(dataDir, (id) => this.repo.remove(id));
  }

  runDir(id: string): string {
    return runFolder(this.deps.dataDir, id);
  }

  checkpointDir(id: string): string {
    return runCheckpointsFolder(this.deps.dataDir, id);
  }

  /** Runs whose process is gone become interrupted (resumable) or, trained to the end, completed; their ids. */
  recoverInterrupted(...args: Parameters<RunControl['recoverInterrupted']>): string[] {
    return this.control.recoverInterrupted(...args);
  }

  /**
   * Validates `request` (throws invalid_argument naming the field), then starts training. A
   * provider or thread count it leaves out comes from the saved settings (system.settings),
   * so the CLI, the Train screen and any other caller start the same run from the same request.
   */
  async start(request: RunRequest, signal?: AbortSignal): Promise<RunStarted> {
    refuseWhileTrainerBusy(this.deps.dataDir, this.repo);
    const asked = await configOfRequest(this.deps, request);
    // The dataset as asked for: one removed elsewhere while the run is prepared is said as such.
    const dataset = this.deps.datasets.repo.get(asked.config.datasetId);
    const prepared = await prepareRun(this.deps, asked.config, signal).catch((error: unknown) => {
      throw this.unlessDatasetRemoved(dataset, error);
    });
    const config = prepared.config; // with the micro-batch split, when memory needed one
    const id = `r-${randomUUID().slice(0, 8)}`;
    const release = acquireTrainerLock(this.deps.dataDir, this.repo, id);
    let row: RunRow;
    try {
      const datasetName = this.deps.datasets.get(config.datasetId, 0).name;
      const taken = new Set(this.repo.states().map((run) => run.name));
      const name = config.name ?? defaultRunName(this.deps.models.label(config.model), datasetName, taken);
      // Owned from its insert, so a removal of its dataset elsewhere is refused from then on
      // (DatasetService.remove); one that came first fails the insert's foreign key.
      const owner = thisProcessAsOwner();
      row = this.repo.add({ id, name, config, totalSteps: prepared.totalSteps, status: 'queued', owner });
    } catch (error) {
      release();
      throw this.unlessDatasetRemoved(dataset, error);
    }
    mkdirSync(this.checkpointDir(id), { recursive: true });
    announceStatus(this.deps.events, row);
    const started = await this.control.launch(row, prepared.payload, undefined, release).catch((error: unknown) => {
      // It never began (the engine host did not start, or Ctrl-C while it started): keep no
      // queued run behind, as "nothing half-done was kept" says.
      this.discard(id);
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
  private unlessDatasetRemoved(dataset: { readonly id: string; readonly name: string } | undefined, error: unknown) {
    if (dataset === undefined) return error;
    const { repo } = this.deps.datasets;
    return removedMeanwhile(repo, this.deps.dataDir, dataset, DATASET_REMOVED_BEFORE_START) ?? error;
  }

  /**
   * Checks `request` like start (same messages) and estimates its cost; starts nothing. With
   * `timeSteps`, times a few steps of its shape first (refused while a run trains: the two
   * would slow each other and the figure would say neither). `onTiming`: called as steps start being
   * timed, every check passed (the CLI says so). `reader`: who reads it (runsEstimate.ts untimedBasis).
   */
  async estimate(
    request: RunRequest,
    signal?: AbortSignal,
    options: { readonly timeSteps?: boolean; readonly onTiming?: () => void; readonly reader?: EstimateReader } = {},
  ) {
    const training = options.timeSteps ? liveRuns(this.repo)[0] : undefined;
    if (training) throw trainingConflict(training, 'now', timingBesideWhy(options.reader ?? 'screen', training.id));
    const asked = await configOfRequest(this.deps, request);
    const prepared = await prepareRun(this.deps, asked.config, signal, { isEstimate: true });
    if (options.timeSteps) options.onTiming?.();
    const timing = options.timeSteps
      ? await this.timings.measure(this.deps.engine, prepared, signal)
      : this.timings.of(prepared);
    const withNotices = { ...prepared, notices: requestNotices(asked, prepared) };
    return estimateRun(withNotices, this.repo.list(), timing, options.reader);
  }

  /**
   * Continues a paused, stopped, interrupted or failed run from its newest checkpoint that reads
   * whole, saying which newer ones could not be used and why (resumeNotices). With none that
   * reads but some on disk, refused unless `fromStart`, which starts it again from step 0.
   */
  async resume(id: string, signal?: AbortSignal, options: ResumeOptions = {}): Promise<RunStarted> {
    const row = resumableRun(this.resumeCheck, id);
    refuseWhileTrainerBusy(this.deps.dataDir, this.repo);
    const scan = scanCheckpoints(this.checkpointDir(id));
    const from = resumePoint(this.repo, id, scan.whole);
    refuseWithoutRoom(id, from, this.deps.freeSpace);
    const problems = checkpointProblems(this.checkpoints(id), scan.unreadable);
    const notices = resumeNotices(id, this.checkpointDir(id), problems, from?.step, options.fromStart ?? false);
    const queued = queueForResume(this.resumeQueue(), row, this.resumeCheck, options.keepLast);
    try {
      const config = resumeConfig(this.deps, { id, config: queued.config, folder: this.runDir(id) }, from?.dir);
      const prepared = await prepareRun(this.deps, config, signal, { isResume: true, runId: id, from: from?.dir });
      const release = acquireTrainerLock(this.deps.dataDir, this.repo, row.id);
      const started = await this.control.launch(queued, prepared.payload, from, release);
      return { ...started, notices: [...notices, ...prepared.keptNotices] };
    } catch (error) {
      unqueueResume(this.resumeQueue(), row); // it did not train: as it was, to be resumed again
      throw error;
    }
  }

  private resumeQueue() {
    return { repo: this.repo, events: this.deps.events, dataDir: this.deps.dataDir };
  }

  /** Resolves when the run started in this process ends (at once for one that is not running here). */
  wait(id: string): Promise<RunSummary> {
    return this.control.done(id) ?? Promise.resolve(runSummary(this.mustGet(id)));
  }

  /** Pauses a run with a checkpoint, here or in the process that trains it (RunControl.halt). */
  pause(id: string): Promise<RunSummary> {
    return this.control.halt(id, 'paused');
  }

  /** Stops a run with a checkpoint, here or in the process that trains it (RunControl.halt). */
  stop(id: string): Promise<RunSummary> {
    return this.control.halt(id, 'stopped');
  }

  /** Stops every run of this process with a checkpoint (Ctrl-C, app quit). */
  stopAll(): Promise<void> {
    return this.control.stopAll();
  }

  /** Trains a model folder on a case file's fixed batch (nothing stored); the loss before each update. */
  trainOnCase(
    request: CaseTrainingRequest,
    onProgress?: (losses: readonly number[]) => void,
    signal?: AbortSignal,
  ): Promise<CaseTrainingResult> {
    return trainOnCaseInHost(this.deps.engine, request, onProgress, signal);
  }

  list(): RunSummary[] {
    return this.repo.list().map(runSummary);
  }

  /** The id `ref` names: an id, or a name only one run has (idOrName.ts). */
  idOf(ref: string): string {
    return idOrName(ref, this.repo.states(), RUN_KIND);
  }

  get(id: string): RunDetail {
    const row = this.mustGet(id);
    const { final: last, bestEval } = metricSummary(this.repo, id);
    // A copy a killed reader (fill, export, score) of an older version left in the run's folder
    // is not the run's: it goes before sizing. (Copies are made in the readers folder now.)
    removeStaleReadings(path.join(this.runDir(id), OLD_READING_FOLDER));
    // Looked at while its trainer may replace and prune checkpoints (runsDisk.ts).
    const diskBytes = directoryBytes(this.runDir(id));
    const { checkpoints, problems } = this.listedCheckpoints(row);
    const detail = { config: row.config, checkpoints, checkpointProblems: problems, last, bestEval, diskBytes };
    return { ...runSummary(row), ...detail };
  }

  /**
   * A run's checkpoints, each that cannot be used with why (withUseProblems), and all its
   * checkpoints' problems (checkpointProblems), from a look at their files' headers (runsDisk.ts).
   * While it trains, a row whose folder is gone is one it pruned and has yet to tell the store of:
   * no problem.
   */
  private listedCheckpoints(row: RunRow): { checkpoints: ListedCheckpoint[]; problems: RunCheckpointProblem[] } {
    const rows = this.checkpoints(row.id);
    const { unreadable } = scanWhileTraining(this.checkpointDir(row.id));
    const found = checkpointProblems(rows, unreadable);
    const problems = this.control.isTraining(row) ? found.filter((p) => p.kind !== 'missing') : found;
    return { checkpoints: withUseProblems(rows, problems, unreadable), problems };
  }

  /** The folder of a run's checkpoint: best (by validation loss, else last), last or a step (checkpointPicker). */
  checkpointPath(id: string, which: CheckpointChoice): string {
    return checkpointPicker(this.checkpointSource(id), which)(false);
  }

  /**
   * `read` of a run's checkpoint through a linked copy outside the run's folder, picked again if
   * the run deletes it meanwhile (readingCheckpoint, checkpointPicker); a run removed once it is
   * copied leaves the read to finish.
   */
  async readCheckpoint<T>(id: string, which: CheckpointChoice, read: (dir: string) => Promise<T>): Promise<T> {
    const reading = { root: checkpointReadersFolder(this.deps.dataDir), runId: id };
    const again = checkpointPicker(this.checkpointSource(id), which);
    // The first pick is checkpointPath's: what a caller (export) was told is what it reads, unless it went.
    return readingCheckpoint(reading, (isAgain) => (isAgain ? again(true) : this.checkpointPath(id, which)), read);
  }

  private checkpointSource(id: string): RunCheckpointSource {
    const keptWhileTraining = () => {
      const row = this.mustGet(id);
      return this.control.isTraining(row) ? row.config.keepLast : undefined;
    };
    return { runId: id, rows: () => this.checkpoints(id), folder: this.checkpointDir(id), keptWhileTraining };
  }

  /** A run's checkpoints, each with its folder in this data directory (the store keeps it relative). */
  checkpoints(id: string): RunCheckpoint[] {
    this.mustGet(id);
    return this.repo.checkpoints(id).map((row) => ({ ...row, path: checkpointFolder(this.deps.dataDir, row.path) }));
  }

  /**
   * Every run that keeps a checkpoint, with them (runs.checkpoints), in list order, each that
   * cannot be used with why: as runs.get lists them, without sizing the runs' folders.
   */
  keptCheckpoints(): RunCheckpoints[] {
    const kept = this.repo.list().map((row) => ({ run: runSummary(row), ...this.listedCheckpoints(row) }));
    return kept.flatMap(({ run, checkpoints }) => (checkpoints.length > 0 ? [{ run, checkpoints }] : []));
  }

  /** runs.metrics: each run's series as columns (RunRepository.metrics); an unknown run is not_found. */
  metrics(ids: readonly string[], names?: readonly string[]): RunMetrics {
    return Object.fromEntries(ids.map((id) => [this.mustGet(id).id, Object.fromEntries(this.repo.metrics(id, names))]));
  }

  compare(ids: readonly string[]) {
    const rows = ids.map((id) => this.mustGet(id));
    return compareRuns(
      rows.map(runSummary),
      rows.map((row) => row.config),
      rows.map((row) => metricSummary(this.repo, row.id)),
      (datasetId) => this.deps.datasets.repo.get(datasetId)?.name ?? null,
    );
  }

  /** Whether this process trains run `id` now (its events come from here). */
  trainsHere(id: string): boolean {
    return this.control.trainsHere(id);
  }

  rename(id: string, name: string): RunSummary {
    this.mustGet(id); // not_found names the id
    refuseOthersId(id, name, this.repo.states(), RUN_KIND);
    this.repo.rename(id, name);
    this.deps.events.emit('runs.renamed', { runId: id, name });
    return runSummary(this.mustGet(id));
  }

  /**
   * Deletes run `id` and its files, refused while it trains or starts to, or a run trains from its
   * checkpoint. One whose part-way removal was finished since (finishLeftRemovals) is said removed.
   */
  remove(id: string): { id: string; removed: boolean } {
    if (this.repo.get(id) === undefined && wasRemovalFinished(this.deps.dataDir, id)) return { id, removed: true };
    const row = this.mustGet(id);
    const live = liveRunRemoval(row, this.control.isTraining(row));
    if (live) throw live;
    const continuing = liveRuns(this.repo).find((run) => checkpointOrigin(run.baseModel)?.runId === id);
    if (continuing) throw trainingConflict(continuing, `from a checkpoint of run ${id}`, CHECKPOINT_COPIES);
    refuseRemovingModelFolders(this.deps.dataDir, id, this.deps.models.repo);
    try {
      return { id, removed: this.discard(id) };
    } catch (error) {
      // A full disk said as a removal's: its files went first (removeRunFolder), and were not room enough.
      throw withRemovalDiskFullHint(error, `run ${id}`, true);
    }
  }

  /**
   * Deletes a run's folder and row (runFolders.ts removeRunFolder: a kill part-way leaves no run
   * listed half gone) and tells the screens; whether there was a row. The copies of its
   * checkpoints being read stay (their reads finish; each reader removes its own), but those
   * whose reader was killed go now.
   */
  private discard(id: string): boolean {
    const removed = removeRunFolder(this.deps.dataDir, id, () => this.repo.remove(id));
    removeStaleReadings(checkpointReadersFolder(this.deps.dataDir));
    this.deps.events.emit('runs.removed', { runId: id });
    return removed;
  }

  mustGet(id: string): RunRow {
    const row = this.repo.get(id);
    if (!row) throw new ApiError('not_found', `No run ${id}; \`spanfill runs list\` shows the ids`);
    return row;
  }
}
