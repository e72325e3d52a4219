// Runs trained by another process on the same data directory — a `spanfill train` in a
// terminal while the app or `spanfill serve` is open — reach the store from that process, and
// this one's events never hear of them. The watcher reads the store every interval and
// announces what changed with the events this process's own runs send (runs.statusChanged,
// runs.progress, runs.metrics, runs.checkpoint), as they send them — a step in runs.progress, a
// status only when it changes — so the screens follow such a run live, and a
// run whose process died (killed, crashed, or killed while it prepared a start or resume) becomes
// interrupted as it would at start-up. Runs trained here are left to their own events. A run
// renamed or removed there is announced with runs.renamed or runs.removed. What this process
// announced itself (a run's own events as it trained and ended, a rename or removal by the runs
// service) the watcher hears, so it is not said twice. What runs.list answers is a look too
// (listedRows.ts), so a run a page was shown and another process removed is always said removed.
// Only the desktop app and `spanfill serve` watch.

import type { RunSummary } from '../../shared/contract/runResults';
import type { EventMap, EventName } from '../../shared/events';
import type { RunRepository, RunRow } from '../store/runs';
import type { EventBus } from './events';
import { watchListed } from './listedRows';
import { goneFrom, pollEvery } from './pollEvery';
import { METRIC_NAMES } from './runsMetrics';
import { announceStatus, checkpointFolder } from './runsRecord';

export interface RunsWatchDeps {
  readonly repo: RunRepository;
  readonly events: EventBus;
  readonly dataDir: string;
  /** Whether this process trains the run (its own events announce it). */
  readonly trainsHere: (id: string) => boolean;
  /**
   * Marks a run whose process is gone interrupted (or completed, killed after its final
   * checkpoint), as at start-up: a running one (killed, crashed),
   * or one queued by a start or resume killed as it prepared.
   */
  readonly recoverGone: () => void;
}

/** A run as a look compares it: the store's, or a list's. */
type RunState = Pick<RunRow, 'id' | 'status' | 'step' | 'name'>;

/** What the screens were last told of a run. */
interface Seen {
  status: string;
  step: number;
  name: string;
  readonly lastSteps: Map<string, number>;
  readonly checkpoints: Set<number>;
}

export class RunsWatcher {
  private readonly seen = new Map<string, Seen>();
  private timer: NodeJS.Timeout | undefined;
  private unlisten: (() => void) | undefined;
  private unwatchLists: (() => void) | undefined;

  constructor(private readonly deps: RunsWatchDeps) {}

  /** Takes what the store holds now as known, then looks again every `intervalMs`. */
  start(intervalMs = 1000): void {
    if (this.timer) return;
    for (const state of this.deps.repo.states()) this.seen.set(state.id, this.snapshot(state));
    this.unlisten = this.deps.events.subscribe((event, payload) => this.heard(event, payload));
    this.unwatchLists = watchListed<RunSummary>(this.deps.repo, (runs) => this.look(runs));
    this.timer = pollEvery(intervalMs, () => this.poll());
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.unlisten?.();
    this.unlisten = undefined;
    this.unwatchLists?.();
    this.unwatchLists = undefined;
  }

  /**
   * What this process announced (the runs service, a run's own events as it trains and ends, or
   * this watcher): known, so the first look after a run trained here ends does not say its last
   * points, checkpoint and status again.
   */
  private heard<E extends EventName>(event: E, payload: EventMap[E]): void {
    if (event === 'runs.removed') this.seen.delete((payload as EventMap['runs.removed']).runId);
    const seen = this.seen.get((payload as { readonly runId?: string }).runId ?? '');
    if (!seen) return;
    if (event === 'runs.renamed') seen.name = (payload as EventMap['runs.renamed']).name;
    if (event === 'runs.checkpoint') seen.checkpoints.add((payload as EventMap['runs.checkpoint']).step);
    if (event === 'runs.statusChanged') {
      const { status, step } = payload as EventMap['runs.statusChanged'];
      [seen.status, seen.step] = [status, step];
    }
    if (event === 'runs.metrics')
      for (const { name, step } of (payload as EventMap['runs.metrics']).points)
        seen.lastSteps.set(name, Math.max(seen.lastSteps.get(name) ?? 0, step));
  }

  /** One look at the store (the timer's; tests call it directly). */
  poll(): void {
    this.deps.recoverGone();
    this.look(this.deps.repo.states());
  }

  /** One look at `states`, every run there is: read by poll, or answered by a list. */
  private look(states: readonly RunState[]): void {
    for (const state of states) {
      const before = this.seen.get(state.id);
      if (before && before.name !== state.name)
        this.deps.events.emit('runs.renamed', { runId: state.id, name: state.name });
      if (this.deps.trainsHere(state.id)) {
        this.seen.set(state.id, this.snapshot(state));
        continue;
      }
      const seen = before ?? { status: '', step: 0, name: state.name, lastSteps: new Map(), checkpoints: new Set() };
      seen.name = state.name;
      this.seen.set(state.id, seen);
      const isNews = state.status === 'running' || state.status !== seen.status || state.step !== seen.step;
      const row = isNews ? this.deps.repo.get(state.id) : undefined;
      if (row) this.announce(row, seen); // (gone already: removed meanwhile, said at the next look)
    }
    for (const id of goneFrom(this.seen, states)) this.deps.events.emit('runs.removed', { runId: id });
  }

  /** A run as the store has it, all of it known already. */
  private snapshot(row: RunState): Seen {
    return {
      status: row.status,
      step: row.step,
      name: row.name,
      lastSteps: this.deps.repo.lastMetricSteps(row.id, METRIC_NAMES),
      checkpoints: new Set(this.deps.repo.checkpoints(row.id).map((checkpoint) => checkpoint.step)),
    };
  }

  private announce(row: RunRow, seen: Seen): void {
    const { repo, events } = this.deps;
    for (const [name, last] of repo.lastMetricSteps(row.id, METRIC_NAMES)) {
      const known = seen.lastSteps.get(name) ?? 0;
      if (last <= known) continue;
      const points = repo.metricAfter(row.id, name, known).map((point) => ({ ...point, name }));
      events.emit('runs.metrics', { runId: row.id, points });
      seen.lastSteps.set(name, last);
    }
    const hasMoved = row.step !== seen.step;
    const progress = hasMoved && row.status === 'running' ? progressOf(repo, row) : undefined;
    if (progress) events.emit('runs.progress', progress);
    for (const checkpoint of repo.checkpoints(row.id)) {
      if (seen.checkpoints.has(checkpoint.step)) continue;
      seen.checkpoints.add(checkpoint.step);
      const folder = checkpointFolder(this.deps.dataDir, checkpoint.path);
      events.emit('runs.checkpoint', { runId: row.id, step: checkpoint.step, path: folder, isBest: checkpoint.isBest });
    }
    // NOTE: a step alone is no status change: a run training says it in runs.progress (once its
    // points are stored; till then seen.step stays, so the next look says it). One not training
    // that moved between two looks (resumed and stopped again there) sends no progress: its
    // status, unchanged, says its new step then.
    const isStatusNews = row.status !== seen.status || (hasMoved && row.status !== 'running');
    if (isStatusNews) announceStatus(events, row);
    seen.status = row.status;
    if (isStatusNews || progress) seen.step = row.step;
  }
}

/**
 * A runs.progress event from the store: the step, and the last loss, learning rate and
 * throughput stored (none until that process has written its first points).
 */
function progressOf(repo: RunRepository, row: RunRow): EventMap['runs.progress'] | undefined {
  const [loss, learningRate, tokensPerSecond] = ['loss', 'lr', 'tokensPerSecond'].map((name) =>
    repo.lastMetric(row.id, name),
  );
  if (loss === undefined || learningRate === undefined || tokensPerSecond === undefined) return undefined;
  const perStep = row.elapsedMs / Math.max(1, row.step);
  const etaMs = row.step > 0 ? Math.round(perStep * (row.totalSteps - row.step)) : null;
  return {
    runId: row.id,
    step: row.step,
    totalSteps: row.totalSteps,
    loss,
    learningRate,
    tokensPerSecond,
    elapsedMs: row.elapsedMs,
    etaMs,
  };
}
