// What a run's trainer events become: its status, progress and checkpoints in the store
// (store/runs.ts) and the runs.* events the screens follow. The runs service (runs.ts, its
// training in runsControl.ts) owns the lifecycle; this module only records. A checkpoint's evaluation metrics are the eval.*
// points stored at its step, so a checkpoint row and the curve agree. A store that cannot be
// written is caught here and handed to the service (RunRecording). The checkpoint rows of a run
// whose events stopped arriving (its process killed while the host still wrote, renamed and
// pruned a checkpoint) are put right from its folder (reconcileCheckpoints), and a checkpoint's
// evaluation that never reached the metrics is stored from it (restoreEvaluations).

import path from 'node:path';
import type { RunSummary } from '../../shared/contract/runs';
import type { RunStatus } from '../../shared/events';
import { bestCheckpoint, listCheckpoints, readTrainerState } from '../engine/train/checkpoint';
import type { TrainerEvent } from '../engine/train/progress';
import type { RunRepository, RunRow } from '../store/runs';
import type { EventBus } from './events';
import { finiteOrNull, METRIC_NAMES, MetricBuffer, type MetricPointRow, pointsOf } from './runsMetrics';

export interface RunRecorder {
  readonly repo: RunRepository;
  readonly events: EventBus;
  /** Checkpoint folders are stored relative to it (store/runs.ts CheckpointRow). */
  readonly dataDir: string;
}

/** `dir` relative to the data directory, '/'-separated, as the store keeps a checkpoint's folder. */
function inDataDir(dataDir: string, dir: string): string {
  return path.relative(dataDir, dir).split(path.sep).join('/');
}

/** A checkpoint's folder in this data directory, from the path the store keeps (inDataDir's). */
export function checkpointFolder(dataDir: string, stored: string): string {
  return path.resolve(dataDir, stored);
}

/** A stored run as the contract's summary of it. */
export function runSummary(row: RunRow): RunSummary {
  return {
    id: row.id,
    name: row.name,
    status: row.status,
    datasetId: row.datasetId,
    model: row.baseModel,
    step: row.step,
    totalSteps: row.totalSteps,
    createdAt: row.createdAt,
    startedAt: row.startedAt,
    finishedAt: row.finishedAt,
    elapsedMs: row.elapsedMs,
    error: row.error,
    provider: row.provider,
  };
}

function statusOf(row: RunRow): RunStatus {
  const step = row.step;
  switch (row.status) {
    case 'running':
      return { status: 'running', step, totalSteps: row.totalSteps, provider: row.provider };
    case 'failed':
    case 'interrupted':
      return { status: row.status, step, error: row.error ?? '' };
    default:
      return { status: row.status, step };
  }
}

export function announceStatus(events: EventBus, row: RunRow): void {
  events.emit('runs.statusChanged', { runId: row.id, ...statusOf(row) });
}

/** Stores and announces one trainer event of run `id`; metric points go through `buffer`. */
export function recordTrainerEvent(to: RunRecorder, id: string, event: TrainerEvent, buffer: MetricBuffer): void {
  const points = pointsOf(event);
  if (points.length > 0) buffer.add(points);
  // The host writes the checkpoint of an evaluation's step right after it: store it first.
  if (event.kind === 'evaluation') buffer.flush();
  if (event.kind === 'started') {
    announceStatus(to.events, to.repo.setStatus(id, 'running', { provider: event.provider, step: event.step }));
  } else if (event.kind === 'progress') {
    to.repo.setProgress(id, event.step, event.elapsedMs);
    // A checkpoint follows: store its steps' metrics first, so a crash cannot outrun them.
    const every = to.repo.mustGet(id).config.checkpointEvery;
    if (event.step === event.maxSteps || (every > 0 && event.step % every === 0)) buffer.flush();
    to.events.emit('runs.progress', {
      runId: id,
      step: event.step,
      totalSteps: event.maxSteps,
      loss: finiteOrNull(event.losses[event.losses.length - 1]),
      learningRate: event.learningRate,
      tokensPerSecond: event.tokensPerSecond,
      elapsedMs: event.elapsedMs,
      etaMs: event.etaMs,
    });
  } else if (event.kind === 'checkpoint') {
    buffer.flush();
    to.repo.addCheckpoint(
      id,
      {
        step: event.step,
        path: inDataDir(to.dataDir, event.dir),
        eval: evalAt(to.repo, id, event.step),
        isBest: event.isBest,
      },
      event.removed.map((dir) => inDataDir(to.dataDir, dir)),
    );
    to.events.emit('runs.checkpoint', { runId: id, step: event.step, path: event.dir, isBest: event.isBest });
  }
}

/**
 * Makes run `id`'s checkpoint rows say what its checkpoint folder `root` holds (listCheckpoints):
 * a row whose folder is gone is dropped (but one deleted by hand, see below), a folder without a
 * row gets one, and the best is the
 * trainer's (bestCheckpoint of the folders, as each checkpoint event says it). The host may
 * write, rename and prune a checkpoint after the process recording its events died (a kill -9
 * mid-checkpoint): then the store lists a deleted checkpoint and misses the new one. A new row's
 * evaluation is the eval.* metrics stored at its step, as recordTrainerEvent's, else the
 * validation its trainer_state.json keeps (the dead process may not have stored them). The
 * steps whose rows were added and dropped.
 */
export function reconcileCheckpoints(
  to: RunRecorder,
  id: string,
  root: string,
): { readonly added: number[]; readonly dropped: number[] } {
  const onDisk = listCheckpoints(root);
  const best = bestCheckpoint(onDisk);
  const folders = new Set(onDisk.map((c) => path.resolve(c.dir)));
  const rows = to.repo.checkpoints(id);
  const newest = onDisk.at(-1)?.step ?? 0;
  const lastLoss = to.repo.lastMetricSteps(id, ['loss']).get('loss') ?? 0;
  // NOTE: pruning never removes the newest checkpoint, so a row past the newest folder whose
  // losses are stored was deleted by hand: kept, as missing (runs show; a resume refuses to
  // start again over it unasked). A resume's launch drops the points past its step first.
  const gone = rows.filter(
    (row) => !folders.has(checkpointFolder(to.dataDir, row.path)) && (row.step < newest || row.step > lastLoss),
  );
  to.repo.removeCheckpoints(
    id,
    gone.map((row) => row.path),
  );
  const kept = new Map(rows.filter((row) => !gone.includes(row)).map((row) => [row.step, row]));
  const added: number[] = [];
  for (const c of onDisk) {
    const isBest = best?.dir === c.dir;
    const row = kept.get(c.step);
    if (row && row.isBest === isBest) continue;
    const stored = inDataDir(to.dataDir, c.dir);
    const evaluation = row ? row.eval : (evalAt(to.repo, id, c.step) ?? validationOf(c.dir));
    to.repo.addCheckpoint(id, { step: c.step, path: row?.path ?? stored, eval: evaluation, isBest }, []);
    if (row) continue;
    added.push(c.step);
    to.events.emit('runs.checkpoint', { runId: id, step: c.step, path: c.dir, isBest });
  }
  restoreEvaluations(to, id, lastLoss);
  return { added, dropped: gone.map((row) => row.step) };
}

/**
 * Stores the evaluation of each checkpoint of run `id` whose eval.* points are missing at its
 * step, from the checkpoint's row (its trainer state's validation, reconcileCheckpoints). A
 * process killed as the host wrote a checkpoint may have stored that step's losses but not its
 * evaluation; a resume goes on from that checkpoint, so nothing would store it again, and the
 * curve and the run's final validation loss missed it. Only checkpoints at or before the last
 * stored loss: later steps are trained again, their points dropped (runsControl.ts launch).
 */
function restoreEvaluations(to: RunRecorder, id: string, lastLoss: number): void {
  const stored = to.repo.metrics(
    id,
    METRIC_NAMES.filter((name) => name.startsWith('eval.')),
  );
  const evaluated = new Set([...stored.values()].flatMap((series) => series.steps));
  const points: MetricPointRow[] = [];
  for (const row of to.repo.checkpoints(id)) {
    if (row.eval === null || row.step > lastLoss || evaluated.has(row.step)) continue;
    for (const [name, value] of Object.entries(row.eval)) points.push({ step: row.step, name: `eval.${name}`, value });
  }
  if (points.length === 0) return;
  to.repo.addMetrics(id, points);
  to.events.emit('runs.metrics', { runId: id, points });
}

/** The validation metrics a checkpoint's trainer_state.json keeps, named as the eval.* points; null without. */
function validationOf(dir: string): Record<string, number> | null {
  const metrics = readTrainerState(dir).validation;
  if (!metrics) return null;
  const { loss, tokenAccuracy, spanExactMatch } = metrics;
  return { loss, tokenAccuracy, ...(spanExactMatch === null ? {} : { spanExactMatch }) };
}

/** The eval.* metrics stored at `step` (without the prefix), or null when none were. */
function evalAt(repo: RunRepository, id: string, step: number): Record<string, number> | null {
  const out: Record<string, number> = {};
  let any = false;
  for (const [name, { steps, values }] of repo.metrics(id)) {
    const at = steps.indexOf(step);
    if (name.startsWith('eval.') && at >= 0) {
      out[name.slice(5)] = values[at];
      any = true;
    }
  }
  return any ? out : null;
}

/**
 * What one launch of run `id` records: its trainer events and, through `buffer`, its metric
 * points. A store that cannot be written (a full disk) is not thrown out of an event handler or
 * the buffer's timer: the first such error is kept in `failure`, `onFailure` runs once (the
 * service stops the run) and nothing more is recorded.
 */
export class RunRecording {
  failure: unknown;
  readonly buffer: MetricBuffer;

  constructor(
    private readonly to: RunRecorder,
    private readonly id: string,
    private readonly onFailure: () => void,
  ) {
    this.buffer = new MetricBuffer((points) =>
      this.guard(() => {
        to.repo.addMetrics(id, points);
        to.events.emit('runs.metrics', { runId: id, points });
      }),
    );
  }

  record(event: TrainerEvent): void {
    this.guard(() => recordTrainerEvent(this.to, this.id, event, this.buffer));
  }

  private guard(work: () => void): void {
    if (this.failure !== undefined) return;
    try {
      work();
    } catch (error) {
      this.failure = error;
      this.onFailure();
    }
  }
}
