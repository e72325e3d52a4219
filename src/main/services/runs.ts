// Runs service: what the contract's runs.* calls do. A run is started or resumed by
// runsLaunch.ts (checked and prepared, the trainer lock taken, handed to runsControl.ts, which
// trains it in the engine host, pauses or stops it, and marks a run whose process is gone
// interrupted). What the trainer reports (status, metrics, checkpoints) is stored and forwarded
// as events by runsRecord.ts. Also lists, shows, compares and renames runs, reads their metrics
// and checkpoints, and removes them (runsRemove.ts).

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
import { ApiError } from '../../shared/errors';
import { directoryBytes } from '../engine/hub/cache';
import type { CaseTrainingResult } from '../engine/train/caseTraining';
import type { Store } from '../store/db';
import { RunRepository, type RunRow } from '../store/runs';
import type { DatasetService } from './datasets';
import type { EngineHostManager } from './engine-host';
import type { EventBus } from './events';
import type { ModelService } from './models';
import { idOrName, refuseOthersId } from './idOrName';
import { compareRuns, metricSummary } from './runsCompare';
import { estimateRun, timingBesideWhy, type EstimateReader } from './runsEstimate';
import { StepTimings } from './runsTiming';
import { liveRuns, trainingConflict } from './runsLock';
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
import { finishLeftRemovals, runCheckpointsFolder, runFolder } from './runFolders';
import { scanWhileTraining } from './runsDisk';
import { checkpointFolder, runSummary } from './runsRecord';
import { resumeRun, startRun, type RunLaunch } from './runsLaunch';
import { removeRun } from './runsRemove';
import type { ResumeOptions } from './runsResume';
import { trainOnCaseInHost, type CaseTrainingRequest } from './runsCase';
import { RunControl } from './runsControl';
import { configOfRequest, prepareRun, requestNotices, RUN_KIND } from './runsPrepare';
import type { FreeSpaceOf } from './freeSpace';
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

export class RunService {
  readonly repo: RunRepository;
  /** The runs this process trains: launch, pause and stop; interrupted ones (runsControl.ts). */
  private readonly control: RunControl;
  /** Steps timed for estimates in this process, by shape. */
  private readonly timings = new StepTimings();
  /** What starting and resuming runs need of this service (runsLaunch.ts). */
  private readonly launching: RunLaunch;

  constructor(private readonly deps: RunServiceDeps) {
    this.repo = new RunRepository(deps.store.db);
    const { dataDir, events, engine } = deps;
    this.control = new RunControl({ repo: this.repo, dataDir, events, engine, mustGet: (id) => this.mustGet(id) });
    const resumeCheck = {
      control: this.control,
      mustGet: (id: string) => this.mustGet(id),
      checkpointDir: (id: string) => this.checkpointDir(id),
    };
    const checkpoints = (id: string) => this.checkpoints(id);
    this.launching = { deps, repo: this.repo, control: this.control, resumeCheck, checkpoints };
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
  start(request: RunRequest, signal?: AbortSignal): Promise<RunStarted> {
    return startRun(this.launching, request, signal);
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
  resume(id: string, signal?: AbortSignal, options: ResumeOptions = {}): Promise<RunStarted> {
    return resumeRun(this.launching, id, signal, options);
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

  /** Deletes run `id` and its files, unless it or a run from its checkpoint trains (runsRemove.ts). */
  remove(id: string): { id: string; removed: boolean } {
    const { repo, control } = this;
    const { dataDir, events, models } = this.deps;
    const mustGet = (runId: string) => this.mustGet(runId);
    return removeRun(
      { repo, dataDir, events, models: models.repo, mustGet, isTraining: (row) => control.isTraining(row) },
      id,
    );
  }

  mustGet(id: string): RunRow {
    const row = this.repo.get(id);
    if (!row) throw new ApiError('not_found', `No run ${id}; \`spanfill runs list\` shows the ids`);
    return row;
  }
}
