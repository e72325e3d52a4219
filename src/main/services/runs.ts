// Runs service: starts a training run in the engine host (host/handlers/train.ts) and owns
// its lifecycle: start, pause/stop (the host stops after its current call and checkpoints),
// resume from the last checkpoint; a run whose process is gone is marked interrupted at
// start-up (recoverInterrupted). One trainer per data directory (runsLock.ts). What the
// trainer reports (status, metrics, checkpoints) is stored and forwarded as events by
// runsRecord.ts; metric points are written in batches, so progress never waits on the store.

import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type {
  RunCheckpoint,
  RunDetail,
  RunMetrics,
  RunRequest,
  RunStarted,
  RunSummary,
} from '../../shared/contract/runs';
import { hasDiverged } from '../../shared/contract/runs';
import { checkpointOrigin, defaultRunName } from '../../shared/contract/runNames';
import { ApiError, isDiskFull } from '../../shared/errors';
import { directoryBytes } from '../engine/hub/cache';
import { listCheckpoints } from '../engine/train/checkpoint';
import type { CaseTrainingResult } from '../engine/train/caseTraining';
import type { TrainerEvent } from '../engine/train/progress';
import type { TrainResult } from '../engine/train/trainer';
import { processStartedAt } from '../processIdentity';
import type { Store } from '../store/db';
import { RunRepository, type RunRow } from '../store/runs';
import type { DatasetService } from './datasets';
import type { EngineHostManager } from './engine-host';
import type { EventBus } from './events';
import type { ModelService } from './models';
import { idOrName, refuseOthersId } from './idOrName';
import { compareRuns } from './runsCompare';
import { estimateRun } from './runsEstimate';
import { StepTimings } from './runsTiming';
import { acquireTrainerLock, CHECKPOINT_COPIES, isRunOwnerAlive, liveRuns, trainingConflict } from './runsLock';
import { pickCheckpoint, readingCheckpoint, type CheckpointChoice } from './runsCheckpoint';
import { runCheckpointsFolder, runFolder } from './runFolders';
import { announceStatus, checkpointFolder, reconcileCheckpoints, RunRecording, runSummary } from './runsRecord';
import { resumeConfig } from './runsResume';
import { datasetGoneMessage, divergedMessage, failureMessage, interruptedMessage } from './runsFailure';
import { trainOnCaseInHost, type CaseTrainingRequest } from './runsCase';
import { configOfRequest, prepareRun, type PreparedRun } from './runsPrepare';
import type { SystemService } from './system';

export interface RunServiceDeps {
  readonly store: Store;
  readonly dataDir: string;
  readonly events: EventBus;
  readonly engine: EngineHostManager;
  readonly datasets: DatasetService;
  readonly models: ModelService;
  readonly system: SystemService;
}

/** How runs are spoken of where an id or a name goes (idOrName.ts). */
const RUN_KIND = { one: 'run', many: 'runs', command: 'spanfill runs' };

interface ActiveRun {
  stopAs: 'paused' | 'stopped' | null;
  done: Promise<RunSummary>;
}

export class RunService {
  readonly repo: RunRepository;
  private readonly active = new Map<string, ActiveRun>();
  /** Steps timed for estimates in this process, by shape. */
  private readonly timings = new StepTimings();

  constructor(private readonly deps: RunServiceDeps) {
    this.repo = new RunRepository(deps.store.db);
  }

  runDir(id: string): string {
    return runFolder(this.deps.dataDir, id);
  }

  checkpointDir(id: string): string {
    return runCheckpointsFolder(this.deps.dataDir, id);
  }

  /**
   * Runs marked running or queued whose owning process is gone become interrupted (resumable),
   * their checkpoint rows put right from their folders (its engine host may have finished a
   * checkpoint, and pruned, after the process died: reconcileCheckpoints). While the app is
   * open, only running ones are looked at (a queued run of another process has no owner yet
   * until it starts).
   */
  recoverInterrupted(statuses: readonly ('running' | 'queued')[] = ['running', 'queued']): string[] {
    const ids: string[] = [];
    for (const status of statuses) {
      for (const row of this.repo.listByStatus(status)) {
        if (this.active.has(row.id) || isRunOwnerAlive(row)) continue;
        const error = interruptedMessage(row);
        try {
          this.reconcile(row.id);
          this.setStatus(this.repo.setStatus(row.id, 'interrupted', { error, finishedAt: new Date().toISOString() }));
        } catch (failure) {
          // A full disk must not keep the store from opening (to list, or delete to free space):
          // the next open marks it.
          if (isDiskFull(failure)) continue;
          throw failure;
        }
        ids.push(row.id);
      }
    }
    return ids;
  }

  /**
   * Validates `request` (throws invalid_argument naming the field), then starts training. A
   * provider or thread count it leaves out comes from the saved settings (system.settings),
   * so the CLI, the Train screen and any other caller start the same run from the same request.
   */
  async start(request: RunRequest, signal?: AbortSignal): Promise<RunStarted> {
    const asked = await configOfRequest(this.deps, request);
    const prepared = await prepareRun(this.deps, asked.config, signal);
    const config = prepared.config; // with the micro-batch split, when memory needed one
    const release = acquireTrainerLock(this.deps.dataDir, this.repo);
    const id = `r-${randomUUID().slice(0, 8)}`;
    const datasetName = this.deps.datasets.get(config.datasetId, 0).name;
    const name = config.name ?? defaultRunName(this.deps.models.label(config.model), datasetName);
    const row = this.repo.add({ id, name, config, totalSteps: prepared.totalSteps, status: 'queued' });
    mkdirSync(this.checkpointDir(id), { recursive: true });
    this.setStatus(row);
    const started = await this.launch(row, prepared.payload, undefined, release).catch((error: unknown) => {
      // It never began (the engine host did not start, or Ctrl-C while it started): keep no
      // queued run behind, as "nothing half-done was kept" says.
      this.discard(id);
      throw error;
    });
    return { ...started, notices: asked.notice ? [asked.notice, ...prepared.notices] : prepared.notices };
  }

  /**
   * Checks `request` like start (same messages) and estimates its cost; starts nothing. With
   * `timeSteps`, times a few steps of its shape first (refused while a run trains: the two
   * would slow each other and the figure would say neither).
   */
  /** `onTiming`: called as the steps start being timed, once every check has passed (the CLI says so then). */
  async estimate(
    request: RunRequest,
    signal?: AbortSignal,
    options: { readonly timeSteps?: boolean; readonly onTiming?: () => void } = {},
  ) {
    const training = options.timeSteps ? liveRuns(this.repo)[0] : undefined;
    if (training)
      throw trainingConflict(
        training,
        'now',
        'Timing steps beside it would slow it and measure neither; its own ETA is on its run view.',
      );
    const { config } = await configOfRequest(this.deps, request);
    const prepared = await prepareRun(this.deps, config, signal, { isEstimate: true });
    if (options.timeSteps) options.onTiming?.();
    const timing = options.timeSteps
      ? await this.timings.measure(this.deps.engine, prepared, signal)
      : this.timings.of(prepared);
    return estimateRun(prepared, this.repo.list(), timing);
  }

  /** Continues a paused, stopped, interrupted or failed run from its last checkpoint. */
  async resume(id: string, signal?: AbortSignal): Promise<RunSummary> {
    const row = this.mustGet(id);
    if (this.active.has(id) || row.status === 'running') throw new ApiError('conflict', `Run ${id} is already running`);
    if (row.status === 'completed')
      throw new ApiError('conflict', `Run ${id} is completed; start a new run to train more`);
    const lastDir = (): string | undefined => listCheckpoints(this.checkpointDir(id)).at(-1)?.dir;
    if (row.datasetId === null) throw new ApiError('conflict', datasetGoneMessage(id, row.config.datasetId, lastDir()));
    if (hasDiverged(row)) throw new ApiError('conflict', divergedMessage(id, row.datasetId, lastDir()));
    const from = this.resumePoint(id);
    const config = resumeConfig(this.deps, { id, config: row.config, folder: this.runDir(id) }, from?.dir);
    const prepared = await prepareRun(this.deps, config, signal, { isResume: true });
    const release = acquireTrainerLock(this.deps.dataDir, this.repo);
    return this.launch(row, prepared.payload, from, release);
  }

  /**
   * The checkpoint to continue from: the last one whose losses are all in the store. A process
   * killed right after writing a checkpoint may not have stored the last steps' metrics yet;
   * continuing from an earlier checkpoint re-runs those steps (bit-exactly) and records them.
   * Without one, the last checkpoint (the series then has a gap).
   */
  private resumePoint(id: string) {
    const all = listCheckpoints(this.checkpointDir(id));
    const recorded = this.repo.metrics(id, ['loss']).get('loss')?.at(-1)?.step ?? 0;
    return all.filter((c) => c.step <= recorded).at(-1) ?? all.at(-1);
  }

  /** Puts run `id`'s checkpoint rows right from its checkpoint folder (runsRecord.ts reconcileCheckpoints). */
  private reconcile(id: string): void {
    reconcileCheckpoints(
      { repo: this.repo, events: this.deps.events, dataDir: this.deps.dataDir },
      id,
      this.checkpointDir(id),
    );
  }

  /** Resolves when the run started in this process ends (at once for one that is not running here). */
  wait(id: string): Promise<RunSummary> {
    return this.active.get(id)?.done ?? Promise.resolve(this.summary(this.mustGet(id)));
  }

  pause(id: string): Promise<RunSummary> {
    return this.halt(id, 'paused');
  }

  stop(id: string): Promise<RunSummary> {
    return this.halt(id, 'stopped');
  }

  /** Stops every run of this process with a checkpoint (Ctrl-C, app quit). */
  async stopAll(): Promise<void> {
    await Promise.all([...this.active.keys()].map((id) => this.stop(id).catch(() => undefined)));
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
    return this.repo.list().map((row) => this.summary(row));
  }

  /** The id `ref` names: an id, or a name only one run has (idOrName.ts). */
  idOf(ref: string): string {
    return idOrName(ref, this.repo.states(), RUN_KIND);
  }

  get(id: string): RunDetail {
    const row = this.mustGet(id);
    const last: Record<string, number> = {};
    for (const [name, points] of this.repo.metrics(id)) last[name] = points[points.length - 1].value;
    const diskBytes = directoryBytes(this.runDir(id));
    return { ...this.summary(row), config: row.config, checkpoints: this.checkpoints(id), last, diskBytes };
  }

  /** The folder of a run's checkpoint: the best by validation loss (else the last), the last, or one step. */
  checkpointPath(id: string, which: CheckpointChoice): string {
    return pickCheckpoint(id, this.checkpoints(id), which);
  }

  /** `read` of a run's checkpoint, picked again if the run deletes it meanwhile (readingCheckpoint). */
  readCheckpoint<T>(id: string, which: CheckpointChoice, read: (dir: string) => Promise<T>): Promise<T> {
    return readingCheckpoint(() => this.checkpointPath(id, which), read);
  }

  /** A run's checkpoints, each with its folder in this data directory (the store keeps it relative). */
  checkpoints(id: string): RunCheckpoint[] {
    this.mustGet(id);
    return this.repo.checkpoints(id).map((row) => ({ ...row, path: checkpointFolder(this.deps.dataDir, row.path) }));
  }

  metrics(ids: readonly string[], names?: readonly string[]): RunMetrics {
    const out: Record<string, Record<string, { step: number; value: number }[]>> = {};
    for (const id of ids) {
      this.mustGet(id);
      out[id] = Object.fromEntries(this.repo.metrics(id, names));
    }
    return out;
  }

  compare(ids: readonly string[]) {
    const rows = ids.map((id) => this.mustGet(id));
    return compareRuns(
      rows.map((row) => this.summary(row)),
      rows.map((row) => row.config),
      rows.map((row) => this.repo.metrics(row.id)),
    );
  }

  /** Whether this process trains run `id` now (its events come from here). */
  trainsHere(id: string): boolean {
    return this.active.has(id);
  }

  rename(id: string, name: string): RunSummary {
    this.mustGet(id); // not_found names the id
    refuseOthersId(id, name, this.repo.states(), RUN_KIND);
    this.repo.rename(id, name);
    this.deps.events.emit('runs.renamed', { runId: id, name });
    return this.summary(this.mustGet(id));
  }

  remove(id: string): { id: string; removed: boolean } {
    const row = this.mustGet(id);
    if (this.active.has(id) || (row.status === 'running' && isRunOwnerAlive(row)))
      throw new ApiError('conflict', `Run ${id} is running; stop it first (\`spanfill runs stop ${id}\`)`);
    const continuing = liveRuns(this.repo).find((run) => checkpointOrigin(run.baseModel)?.runId === id);
    if (continuing) throw trainingConflict(continuing, `from a checkpoint of run ${id}`, CHECKPOINT_COPIES);
    return { id, removed: this.discard(id) };
  }

  /** Deletes a run's folder and row and tells the screens; whether there was a row. */
  private discard(id: string): boolean {
    rmSync(this.runDir(id), { recursive: true, force: true });
    const removed = this.repo.remove(id);
    this.deps.events.emit('runs.removed', { runId: id });
    return removed;
  }

  mustGet(id: string): RunRow {
    const row = this.repo.get(id);
    if (!row) throw new ApiError('not_found', `No run ${id}; \`spanfill runs list\` shows the ids`);
    return row;
  }

  summary(row: RunRow): RunSummary {
    return runSummary(row);
  }

  private stopRequestPath(id: string): string {
    return path.join(this.runDir(id), 'stop-request');
  }

  /** Stops a run of this process, or asks the process that trains it (a stop-request file it checks). */
  private async halt(id: string, as: 'paused' | 'stopped'): Promise<RunSummary> {
    const row = this.mustGet(id);
    const active = this.active.get(id);
    if (active) {
      active.stopAs ??= as;
      await this.deps.engine.request('train.stop', { runId: id });
      return active.done;
    }
    if (row.status !== 'running' || !isRunOwnerAlive(row))
      throw new ApiError('conflict', `Run ${id} is ${row.status}, not running`);
    writeFileSync(this.stopRequestPath(id), as);
    for (let waited = 0; waited < 120_000; waited += 200) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      const now = this.mustGet(id);
      // Gone once read; still there when the run ended on its own before it looked.
      if (now.status !== 'running') {
        rmSync(this.stopRequestPath(id), { force: true });
        return this.summary(now);
      }
    }
    throw new ApiError('unavailable', `Run ${id} did not stop within 2 minutes (pid ${row.ownerPid}); try again`);
  }

  private async launch(
    row: RunRow,
    payload: PreparedRun['payload'],
    resumeFrom: { readonly dir: string; readonly step: number } | undefined,
    release: () => void,
  ): Promise<RunSummary> {
    const id = row.id;
    const recording = new RunRecording(
      { repo: this.repo, events: this.deps.events, dataDir: this.deps.dataDir },
      id,
      () =>
        // The store cannot be written (a full disk): stop it, with a checkpoint if one fits.
        void this.deps.engine.request('train.stop', { runId: id }).catch(() => undefined),
    );
    let unsubscribe: () => void = () => undefined;
    try {
      rmSync(this.stopRequestPath(id), { force: true });
      const host = await this.deps.engine.get();
      unsubscribe = host.onEvent((type, message) => {
        const event = message as { runId: string; event: TrainerEvent };
        if (type === 'train.event' && event.runId === id) this.onTrainerEvent(id, event.event, recording);
      });
      // Points stored past the step it goes on from (a process killed between checkpoints) are
      // of steps it trains again: drop them, so the curve and its last values end at its step.
      this.repo.dropMetricsAfter(id, resumeFrom?.step ?? 0);
      // Rows of checkpoints pruned, and folders written, after an earlier process died (its
      // events lost) are put right before the trainer adds its own.
      this.reconcile(id);
      const running = this.repo.setStatus(id, 'running', {
        // Where training goes on from: the checkpoint's step (or 0 without one), not the last step recorded.
        step: resumeFrom?.step ?? 0,
        startedAt: row.startedAt ?? new Date().toISOString(),
        finishedAt: null,
        error: null,
        ownerPid: process.pid,
        ownerStartedAt: processStartedAt(),
        hostPid: host.pid ?? null,
      });
      this.setStatus(running);
      const checkpointDir = this.checkpointDir(id);
      const request = this.deps.engine.request('train.run', {
        ...payload,
        runId: id,
        checkpointDir,
        resumeFrom: resumeFrom?.dir,
      });
      const active: ActiveRun = { stopAs: null, done: Promise.resolve(this.summary(running)) };
      active.done = request
        .then(
          (result) =>
            recording.failure === undefined ? this.finish(id, result, active.stopAs) : this.fail(id, recording.failure),
          (error: unknown) => this.fail(id, recording.failure ?? error),
        )
        .finally(() => {
          recording.buffer.flush();
          unsubscribe();
          this.active.delete(id);
          release();
        });
      this.active.set(id, active);
      return this.summary(running);
    } catch (error) {
      unsubscribe();
      release();
      throw error;
    }
  }

  private onTrainerEvent(id: string, event: TrainerEvent, recording: RunRecording): void {
    recording.record(event);
    const stopFile = this.stopRequestPath(id);
    if (event.kind === 'progress' && existsSync(stopFile)) {
      // What the other process asked for (halt writes it): paused or stopped.
      const as = readFileSync(stopFile, 'utf8').trim() === 'paused' ? 'paused' : 'stopped';
      unlinkSync(stopFile);
      void this.halt(id, as).catch(() => undefined);
    }
  }

  private finish(id: string, result: TrainResult, stopAs: 'paused' | 'stopped' | null): RunSummary {
    const status = result.status === 'completed' ? 'completed' : (stopAs ?? 'stopped');
    const row = this.repo.setStatus(id, status, { step: result.step, finishedAt: new Date().toISOString() });
    this.setStatus(row);
    return this.summary(row);
  }

  private fail(id: string, error: unknown): RunSummary {
    const message = failureMessage(error, id, listCheckpoints(this.checkpointDir(id)).length > 0);
    let row: RunRow;
    try {
      row = this.repo.setStatus(id, 'failed', { error: message, finishedAt: new Date().toISOString() });
    } catch {
      // The store cannot take it either (still full): the caller gets the cause; the run, left
      // 'running' by this process, is marked interrupted (resumable) by the next one to open it.
      throw new ApiError('internal', message);
    }
    this.setStatus(row);
    return this.summary(row);
  }

  private setStatus(row: RunRow): void {
    announceStatus(this.deps.events, row);
  }
}
