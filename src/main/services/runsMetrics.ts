// What the runs service stores of the trainer's events, as metric points: the loss of every
// step (step s = the loss before update s, 1-based like the progress step), the learning rate,
// gradient norm and throughput per call, and the validation metrics (eval.*). The buffer
// batches them into one store transaction per interval, so a slow disk never holds up the
// events that carry progress.

import type { TrainerEvent } from '../engine/train/progress';

export interface MetricPointRow {
  readonly step: number;
  readonly name: string;
  readonly value: number;
}

/** Every metric pointsOf writes (what a watcher of the store looks for). */
export const METRIC_NAMES = [
  'loss',
  'lr',
  'gradNorm',
  'tokensPerSecond',
  'eval.loss',
  'eval.tokenAccuracy',
  'eval.spanExactMatch',
] as const;

/** `value` when it is a finite number, else null (JSON has no NaN; it reads NaN as null anyway). */
export function finiteOrNull(value: number | undefined): number | null {
  return value !== undefined && Number.isFinite(value) ? value : null;
}

/**
 * The points of `event`, finite ones only. A loss or gradient norm of NaN or ±Infinity (a run
 * that diverged; its failure says at which step) is not a point: SQLite stores NaN as NULL,
 * which the metrics table refuses, and that failed the batch with every finite point before
 * it, so a diverged run showed no curve at all.
 */
export function pointsOf(event: TrainerEvent): MetricPointRow[] {
  return eventPoints(event).filter((point) => Number.isFinite(point.value));
}

function eventPoints(event: TrainerEvent): MetricPointRow[] {
  if (event.kind === 'progress') {
    const first = event.step - event.losses.length + 1;
    return [
      ...event.losses.map((value, i) => ({ step: first + i, name: 'loss', value })),
      { step: event.step, name: 'lr', value: event.learningRate },
      { step: event.step, name: 'gradNorm', value: event.gradNorm },
      { step: event.step, name: 'tokensPerSecond', value: event.tokensPerSecond },
    ];
  }
  if (event.kind === 'evaluation') {
    const { loss, tokenAccuracy, spanExactMatch } = event.metrics;
    const points = [
      { step: event.step, name: 'eval.loss', value: loss },
      { step: event.step, name: 'eval.tokenAccuracy', value: tokenAccuracy },
    ];
    if (spanExactMatch !== null) points.push({ step: event.step, name: 'eval.spanExactMatch', value: spanExactMatch });
    return points;
  }
  return [];
}

/**
 * Collects points and hands them to `write` at most every `intervalMs`, and on flush(). Points
 * that come once an interval has passed since the last write (or since it was made) are written
 * at once: a run's first steps follow seconds of loading, so its charts start with its status
 * line (runs.progress) rather than up to an interval of steps behind it.
 */
export class MetricBuffer {
  private pending: MetricPointRow[] = [];
  private timer: NodeJS.Timeout | undefined;
  private lastWriteAt = Date.now();

  constructor(
    private readonly write: (points: MetricPointRow[]) => void,
    private readonly intervalMs = 1000,
  ) {}

  add(points: readonly MetricPointRow[]): void {
    this.pending.push(...points);
    if (this.timer !== undefined) return;
    const wait = this.lastWriteAt + this.intervalMs - Date.now();
    if (wait <= 0) this.flush();
    else this.timer = setTimeout(() => this.flush(), wait);
  }

  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.length === 0) return;
    const points = this.pending;
    this.pending = [];
    this.lastWriteAt = Date.now();
    this.write(points);
  }
}
