// The runs that train, and how their training ends: a run launched into the engine host
// (host/handlers/train.ts) from this process, queued until its trainer has started; its pause or
// stop (the host stops after its current call and checkpoints, or before its first one while it
// starts; a run another process trains or starts is asked with a stop-request file in its
// folder, which that process reads before it launches and then while it trains), its end (finished or
// failed), and a run whose process is gone without saying, marked interrupted (resumable), or
// completed when that process was killed after the run's final checkpoint. The runs service
// (runs.ts) checks what is asked and prepares a run; this module runs it.

import { rmSync, statSync } from 'node:fs';
import path from 'node:path';
import type { RunSummary } from '../../shared/contract/runs';
import { ApiError, errorMessage, isDiskFull } from '../../shared/errors';
import {
  type CheckpointInfo,
  listCheckpoints,
  readTrainerState,
  TRAINER_STATE_FILE,
  UNLOADABLE_CHECKPOINT_WORDS,
} from '../engine/train/checkpoint';
import type { TrainerEvent } from '../engine/train/progress';
import type { TrainResult } from '../engine/train/trainer';
import type { RunRepository, RunRow } from '../store/runs';
import type { EngineHostManager } from './engine-host';
import type { EventBus } from './events';
import { runCheckpointsFolder, runStopRequestPath } from './runFolders';
import { failureMessage, interruptedMessage, resumeAdvice, unloadableCheckpointMessage } from './runsFailure';
import { isRunOwnerAlive, thisProcessAsOwner } from './runsLock';
import { askToStop, type HaltedAs, isLive, notRunning, notStoppedYet, takeStopRequest } from './runsStopRequest';
import type { PreparedRun } from './runsPrepare';
import { announceStatus, reconcileCheckpoints, RunRecording, runSummary } from './runsRecord';

export interface RunControlDeps {
  readonly repo: RunRepository;
  readonly dataDir: string;
  readonly events: EventBus;
  readonly engine: EngineHostManager;
  /** The run's row, or not_found naming the id (RunService.mustGet). */
  readonly mustGet: (id: string) => RunRow;
}

interface ActiveRun {
  stopAs: HaltedAs | null;
  done: Promise<RunSummary>;
}

export class RunControl {
  /** Runs this process trains now, by id. */
  private readonly active = new Map<string, ActiveRun>();

  constructor(private readonly deps: RunControlDeps) {}

  /** Whether this process trains run `id` now (its events come from here). */
  trainsHere(id: string): boolean {
    return this.active.has(id);
  }

  /** Whether run `row` trains now, here or in a process that still runs. */
  isTraining(row: RunRow): boolean {
    return this.active.has(row.id) || (row.status === 'running' && isRunOwnerAlive(row));
  }

  /** When the run this process trains ends; undefined for one it does not train. */
  done(id: string): Promise<RunSummary> | undefined {
    return this.active.get(id)?.done;
  }

  /**
   * Runs marked running or queued whose owning process is gone become interrupted (resumable),
   * or completed where nothing is left to train (markInterrupted); their ids. Their checkpoint
   * rows are put right from their folders first (its engine host may have finished a
   * checkpoint, and pruned, after the process died: reconcileCheckpoints). While the app is open
   * (the runs watcher), `shouldSkipOwnerless` leaves a queued run with no owner alone: an older
   * version's process records its owner only once it trains; a queued one with a dead owner (a
   * start or resume killed as it prepared) is marked. A run another process queued or started
   * meanwhile (a resume of it) stays as that process has it.
   */
  recoverInterrupted(
    statuses: readonly ('running' | 'queued')[] = ['running', 'queued'],
    options: { readonly shouldSkipOwnerless?: boolean } = {},
  ): string[] {
    const ids: string[] = [];
    for (const status of statuses) {
      for (const row of this.deps.repo.listByStatus(status)) {
        if (this.active.has(row.id) || isRunOwnerAlive(row)) continue;
        if (options.shouldSkipOwnerless && row.ownerPid === null) continue;
        if (this.markInterrupted(row)) ids.push(row.id);
      }
    }
    return ids;
  }

  /**
   * Run `row` (its process gone) marked interrupted and told to the screens, unless it changed
   * meanwhile; one whose final checkpoint is saved with every step's loss is completed instead
   * (completeSaved). Either is one statement that takes it only while it is as seen: a resume
   * elsewhere that queued it keeps it, and nobody finds it interrupted on its way to completed.
   */
  private markInterrupted(row: RunRow): boolean {
    const saved = this.finalCheckpointSaved(row);
    const error = this.whyInterrupted(row, saved?.step);
    const interrupt = () => this.deps.repo.interrupt(row.id, row, error, new Date().toISOString());
    try {
      this.reconcile(row.id);
      const ended = saved ? this.completeSaved(row, saved, interrupt) : interrupt();
      if (ended === undefined) return false;
      announceStatus(this.deps.events, ended);
      return true;
    } catch (failure) {
      // A full disk must not keep the store from opening (to list, or delete to free space):
      // the next open marks it.
      if (isDiskFull(failure)) return false;
      throw failure;
    }
  }

  /**
   * Why run `row`, whose process is gone, is interrupted: a resume's process ended while it
   * prepared (queued again by RunService.resume, having trained before), or interruptedMessage.
   */
  private whyInterrupted(row: RunRow, finalStep: number | undefined): string {
    const hasCheckpoint = this.hasCheckpoint(row.id);
    if (row.status !== 'queued' || row.startedAt === null || row.ownerPid === null)
      return interruptedMessage(row, hasCheckpoint, finalStep);
    const from = hasCheckpoint ? 'its last checkpoint' : 'the beginning';
    return `The process resuming it (pid ${row.ownerPid}) ended before it trained again; ${resumeAdvice(row.id, from)}`;
  }

  /**
   * Stops a run of this process, or asks the process that trains or starts it (a stop-request
   * file it reads: before it launches, and while its trainer runs). One still queued (preparing,
   * its trainer starting) ends before it trains a step, at the step it was at.
   */
  async halt(id: string, as: HaltedAs): Promise<RunSummary> {
    const row = this.deps.mustGet(id);
    const active = this.active.get(id);
    if (active) {
      active.stopAs ??= as;
      await this.deps.engine.request('train.stop', { runId: id });
      return active.done;
    }
    if (!isLive(row)) throw new ApiError('conflict', notRunning(row, as));
    askToStop(this.deps.dataDir, id, as);
    for (let waited = 0; waited < 120_000; waited += 200) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      const now = this.deps.mustGet(id);
      // Gone once read; still there when the run ended on its own before it looked.
      if (!isLive(now)) {
        rmSync(runStopRequestPath(this.deps.dataDir, id), { force: true });
        return runSummary(now);
      }
    }
    throw new ApiError('unavailable', notStoppedYet(this.deps.mustGet(id), as));
  }

  /** Stops every run of this process with a checkpoint (Ctrl-C, app quit). */
  async stopAll(): Promise<void> {
    await Promise.all([...this.active.keys()].map((id) => this.halt(id, 'stopped').catch(() => undefined)));
  }

  /**
   * Trains run `row` in the engine host, from `resumeFrom` where given; resolves once it runs
   * (done(id) resolves when it ends). `release` gives back the trainer lock when it ends, or
   * at once if it cannot start.
   */
  async launch(
    row: RunRow,
    payload: PreparedRun['payload'],
    resumeFrom: { readonly dir: string; readonly step: number } | undefined,
    release: () => void,
  ): Promise<RunSummary> {
    const id = row.id;
    const asked = takeStopRequest(this.deps.dataDir, id);
    if (asked !== undefined) {
      release();
      return this.haltedBeforeTraining(row, asked);
    }
    const recording = new RunRecording(
      { repo: this.deps.repo, events: this.deps.events, dataDir: this.deps.dataDir },
      id,
      () =>
        // The store cannot be written (a full disk): stop it, with a checkpoint if one fits.
        void this.deps.engine.request('train.stop', { runId: id }).catch(() => undefined),
    );
    let unsubscribe: () => void = () => undefined;
    const active: ActiveRun = { stopAs: null, done: Promise.resolve(runSummary(row)) };
    try {
      const host = await this.deps.engine.get();
      const startedAt = row.startedAt ?? new Date().toISOString();
      unsubscribe = host.onEvent((type, message) => {
        const event = message as { runId: string; event: TrainerEvent };
        if (type === 'train.event' && event.runId === id) this.onTrainerEvent(id, event.event, recording, startedAt);
      });
      // Points stored past the step it goes on from (a process killed between checkpoints) are
      // of steps it trains again: drop them, so the curve and its last values end at its step.
      this.deps.repo.dropMetricsAfter(id, resumeFrom?.step ?? 0);
      // Rows of checkpoints pruned, and folders written, after an earlier process died (its
      // events lost) are put right before the trainer adds its own.
      this.reconcile(id);
      // Queued until its trainer says it has started ('started': runsRecord.ts marks it running),
      // so that what is refused meanwhile says it is starting, and a stop ends it untrained.
      const queued = this.deps.repo.setStatus(id, 'queued', {
        // Where training goes on from: the checkpoint's step (or 0 without one), not the last step recorded.
        step: resumeFrom?.step ?? 0,
        finishedAt: null,
        error: null,
        ...thisProcessAsOwner(),
        hostPid: host.pid ?? null,
      });
      // Here before it is asked to train: a stop from now on reaches the host before its first call.
      this.active.set(id, active);
      const request = this.deps.engine.request('train.run', {
        ...payload,
        runId: id,
        checkpointDir: runCheckpointsFolder(this.deps.dataDir, id),
        resumeFrom: resumeFrom?.dir,
      });
      const asking = setInterval(() => this.readStopRequest(id), 200);
      active.done = request
        .then(
          (result) =>
            recording.failure === undefined ? this.finish(id, result, active.stopAs) : this.fail(id, recording.failure),
          (error: unknown) => this.fail(id, recording.failure ?? error, resumeFrom),
        )
        .finally(() => {
          clearInterval(asking);
          recording.buffer.flush();
          unsubscribe();
          this.active.delete(id);
          release();
        });
      return runSummary(queued);
    } catch (error) {
      this.active.delete(id);
      unsubscribe();
      release();
      throw error;
    }
  }

  /** Halts run `id`, which this process trains or starts, where another process asked it to (halt). */
  private readStopRequest(id: string): void {
    const as = takeStopRequest(this.deps.dataDir, id);
    if (as !== undefined) void this.halt(id, as).catch(() => undefined);
  }

  /**
   * Run `row`, asked to stop as it prepared (a stop-request file found at its launch), ended so
   * without its trainer: at the step and with the checkpoints it had.
   */
  private haltedBeforeTraining(row: RunRow, as: HaltedAs): RunSummary {
    const finishedAt = row.finishedAt ?? new Date().toISOString();
    const halted = this.deps.repo.setStatus(row.id, as, { finishedAt, error: null });
    announceStatus(this.deps.events, halted);
    return runSummary(halted);
  }

  /** Puts run `id`'s checkpoint rows right from its checkpoint folder (runsRecord.ts reconcileCheckpoints). */
  private reconcile(id: string): void {
    reconcileCheckpoints(
      { repo: this.deps.repo, events: this.deps.events, dataDir: this.deps.dataDir },
      id,
      runCheckpointsFolder(this.deps.dataDir, id),
    );
  }

  /**
   * Stores trainer event `event` of run `id` (its 'started' marks it running, from `startedAt`
   * on, unless it is being halted: its trainer then ends before its first call), then reads a
   * stop another process asked for: at 'started' too, as its first call is under way by then (a
   * stop read only at the next look or progress event would let it begin its second).
   */
  private onTrainerEvent(id: string, event: TrainerEvent, recording: RunRecording, startedAt: string): void {
    if (event.kind === 'started') {
      if (this.active.get(id)?.stopAs) return;
      this.deps.repo.setStatus(id, 'running', { startedAt });
    }
    recording.record(event);
    if (event.kind === 'started' || event.kind === 'progress') this.readStopRequest(id);
  }

  private finish(id: string, result: TrainResult, stopAs: HaltedAs | null): RunSummary {
    const status = result.status === 'completed' ? 'completed' : (stopAs ?? 'stopped');
    const row = this.deps.repo.setStatus(id, status, { step: result.step, finishedAt: new Date().toISOString() });
    announceStatus(this.deps.events, row);
    return runSummary(row);
  }

  /**
   * A failed run's stored error: when the checkpoint it resumed from did not load, which folder
   * to remove to go back to the checkpoint before it; else the cause and what to try.
   */
  private failureOf(id: string, error: unknown, resumedFrom?: { readonly dir: string; readonly step: number }): string {
    // The newest checkpoint before the one resumed from: where going back would continue.
    const previous =
      resumedFrom &&
      listCheckpoints(runCheckpointsFolder(this.deps.dataDir, id))
        .filter((c) => c.step < resumedFrom.step)
        .at(-1)?.step;
    if (resumedFrom && errorMessage(error).includes(`${resumedFrom.dir} ${UNLOADABLE_CHECKPOINT_WORDS}`))
      return unloadableCheckpointMessage(error, id, resumedFrom.dir, previous);
    const config = this.deps.repo.get(id)?.config;
    return failureMessage(error, id, this.hasCheckpoint(id), config?.provider, {
      settings: config,
      resumedFrom: resumedFrom && { ...resumedFrom, previous },
    });
  }

  /**
   * Run `row`'s final checkpoint where it is in its folder and reads whole (listCheckpoints) and
   * every step's loss is recorded (a resume then has nothing to train, resumePoint); else undefined.
   */
  private finalCheckpointSaved(row: RunRow): CheckpointInfo | undefined {
    const last = listCheckpoints(runCheckpointsFolder(this.deps.dataDir, row.id)).at(-1);
    if (last === undefined || last.step < row.totalSteps) return undefined;
    const recorded = this.deps.repo.lastMetricSteps(row.id, ['loss']).get('loss') ?? 0;
    return recorded >= last.step ? last : undefined;
  }

  /**
   * Run `row`, its process gone after its final checkpoint `saved` (finalCheckpointSaved),
   * completed as its own end (finish) would have, in one write while it is as seen (completeGone):
   * at that step, with no error, its training time the one the checkpoint keeps, finished when the
   * checkpoint was written (no later than now). Its final evaluation is stored from the checkpoint
   * (reconcile, before). Should the store take no more (a full disk), `interrupt` marks it
   * interrupted instead, its error saying Resume completes it at once. The row, or undefined when
   * it changed meanwhile.
   */
  private completeSaved(row: RunRow, saved: CheckpointInfo, interrupt: () => RunRow | undefined): RunRow | undefined {
    const state = trainerStateOf(saved.dir);
    const trained = state?.elapsedMs;
    const elapsedMs = typeof trained === 'number' && Number.isFinite(trained) ? Math.round(trained) : undefined;
    const finishedAt = new Date(Math.min(state?.writtenAt ?? Date.now(), Date.now())).toISOString();
    try {
      return this.deps.repo.completeGone(row.id, row, { step: saved.step, finishedAt, elapsedMs });
    } catch (failure) {
      if (isDiskFull(failure)) return interrupt();
      throw failure;
    }
  }

  /** Whether run `id` has a checkpoint in its folder to resume from (its rows may lag behind). */
  private hasCheckpoint(id: string): boolean {
    return listCheckpoints(runCheckpointsFolder(this.deps.dataDir, id)).length > 0;
  }

  /** Marks run `id` failed with `error` and what to try; `resumedFrom`: the checkpoint it resumed from. */
  private fail(id: string, error: unknown, resumedFrom?: { readonly dir: string; readonly step: number }): RunSummary {
    const message = this.failureOf(id, error, resumedFrom);
    let row: RunRow;
    try {
      row = this.deps.repo.setStatus(id, 'failed', { error: message, finishedAt: new Date().toISOString() });
    } catch {
      // The store cannot take it either (still full): the caller gets the cause; the run, left
      // 'running' by this process, is marked interrupted (resumable) by the next one to open it.
      throw new ApiError('internal', message);
    }
    announceStatus(this.deps.events, row);
    return runSummary(row);
  }
}

/**
 * Checkpoint `dir`'s trainer state's training time and when it was written (its file's time);
 * undefined when it no longer reads (pruned or changed since it was listed).
 */
function trainerStateOf(dir: string): { elapsedMs: unknown; writtenAt: number } | undefined {
  try {
    const writtenAt = statSync(path.join(dir, TRAINER_STATE_FILE)).mtimeMs;
    return { elapsedMs: readTrainerState(dir).elapsedMs, writtenAt };
  } catch {
    return undefined;
  }
}
