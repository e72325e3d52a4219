// Metric curves of training runs for the charts: per run and metric, steps and values in two
// append-only arrays (a live run adds points as `runs.metrics` events arrive), and the
// alignment uPlot needs — one shared x array with a y array per series, null where a series
// has no point (several runs overlaid, or validation loss only every N steps). The stored
// points come as columns (runs.metrics' MetricColumns) and are taken as such, one copy each.

import type { MetricColumns } from '../../../shared/contract/runs';

/** One metric of one run, in step order; a point at or before the last step is a repeat and is dropped. */
export class MetricSeries {
  readonly steps: number[];
  readonly values: number[];

  /** Empty, or starting with `stored` (runs.metrics: in step order, each step once), copied. */
  constructor(stored?: MetricColumns) {
    this.steps = stored ? stored.steps.slice() : [];
    this.values = stored ? stored.values.slice() : [];
  }

  push(step: number, value: number): void {
    const last = this.steps[this.steps.length - 1];
    if (last !== undefined && step <= last) return;
    this.steps.push(step);
    this.values.push(value);
  }

  get length(): number {
    return this.steps.length;
  }
}

export interface MetricPointLike {
  readonly step: number;
  readonly name: string;
  readonly value: number;
}

/** Every metric of one run. Points that arrive while the stored ones load are kept and applied after. */
export class RunCurves {
  readonly byName = new Map<string, MetricSeries>();
  private pending: MetricPointLike[] | undefined = [];

  series(name: string): MetricSeries {
    let series = this.byName.get(name);
    if (!series) {
      series = new MetricSeries();
      this.byName.set(name, series);
    }
    return series;
  }

  get isLoaded(): boolean {
    return this.pending === undefined;
  }

  add(points: readonly MetricPointLike[]): void {
    if (this.pending) this.pending.push(...points);
    else for (const p of points) this.series(p.name).push(p.step, p.value);
  }

  /** The stored series (from runs.metrics), then whatever arrived meanwhile. */
  load(stored: Readonly<Record<string, MetricColumns>>): void {
    this.byName.clear();
    for (const [name, columns] of Object.entries(stored)) this.byName.set(name, new MetricSeries(columns));
    const pending = this.pending ?? [];
    this.pending = undefined;
    this.add(pending);
  }
}

export interface CurveInput {
  readonly series: MetricSeries | undefined;
  /** x of a point = its step × this (1: by step; tokens per step: by tokens). */
  readonly xScale: number;
}

/** Aligned curves: the shared x, then one y array per series (null: no point there). */
export type CurveData = [number[], ...(number | null)[][]];

/**
 * [x, y1, y2, …] for uPlot: the sorted union of every series' x, null where a series has none.
 * Each series is already in step order, so one merging pass does it (no sort): O(points × series).
 */
export function alignCurves(curves: readonly CurveInput[]): CurveData {
  const inputs = curves.map((c) => ({ steps: c.series?.steps ?? [], values: c.series?.values ?? [], scale: c.xScale }));
  if (inputs.length === 1) {
    const [only] = inputs;
    return [only.scale === 1 ? only.steps.slice() : only.steps.map((s) => s * only.scale), only.values.slice()];
  }
  const x: number[] = [];
  const ys: (number | null)[][] = inputs.map(() => []);
  const at = inputs.map(() => 0);
  for (;;) {
    let next = Infinity;
    for (let k = 0; k < inputs.length; k++) {
      if (at[k] < inputs[k].steps.length) next = Math.min(next, inputs[k].steps[at[k]] * inputs[k].scale);
    }
    if (next === Infinity) break;
    x.push(next);
    for (let k = 0; k < inputs.length; k++) {
      const hit = at[k] < inputs[k].steps.length && inputs[k].steps[at[k]] * inputs[k].scale === next;
      ys[k].push(hit ? inputs[k].values[at[k]++] : null);
    }
  }
  return [x, ...ys];
}

/**
 * An exponential moving average of `values` with `weight` in [0, 1) given to the past, bias
 * corrected (each point divides by 1 − weight^n, n the points so far) so that the curve starts
 * at the data rather than rising from 0; null points stay null and do not count. Weight 0
 * returns the values. The smoothing TensorBoard offers for noisy losses, written for here.
 */
export function smoothed(values: readonly (number | null)[], weight: number): (number | null)[] {
  if (!(weight >= 0 && weight < 1)) throw new RangeError(`smoothing weight must be in [0, 1), got ${weight}`);
  let average = 0;
  let kept = 1; // weight^n
  return values.map((value) => {
    if (value === null) return null;
    average = average * weight + (1 - weight) * value;
    kept *= weight;
    return average / (1 - kept);
  });
}
