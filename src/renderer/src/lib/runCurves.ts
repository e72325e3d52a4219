// Metric curves of training runs for the charts: per run and metric, steps and values in two
// append-only arrays (a live run adds points as `runs.metrics` events arrive), and the
// alignment uPlot needs — one shared x array with a y array per series, null where a series
// has no point (several runs overlaid, or validation loss only every N steps).

/** One metric of one run, in step order; a point at or before the last step is a repeat and is dropped. */
export class MetricSeries {
  readonly steps: number[] = [];
  readonly values: number[] = [];

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
  load(stored: Readonly<Record<string, readonly { step: number; value: number }[]>>): void {
    this.byName.clear();
    for (const [name, points] of Object.entries(stored)) {
      const series = this.series(name);
      for (const p of points) series.push(p.step, p.value);
    }
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

/** [x, y1, y2, …] for uPlot: the sorted union of every series' x, null where a series has none. */
export function alignCurves(curves: readonly CurveInput[]): [number[], ...(number | null)[][]] {
  if (curves.length === 1) {
    const only = curves[0];
    const steps = only.series?.steps ?? [];
    return [only.xScale === 1 ? steps.slice() : steps.map((s) => s * only.xScale), (only.series?.values ?? []).slice()];
  }
  const xs = new Set<number>();
  for (const c of curves) for (const s of c.series?.steps ?? []) xs.add(s * c.xScale);
  const x = [...xs].sort((a, b) => a - b);
  const at = new Map(x.map((value, index) => [value, index]));
  const ys = curves.map((c) => {
    const y: (number | null)[] = new Array<number | null>(x.length).fill(null);
    const { steps = [], values = [] } = c.series ?? {};
    for (let i = 0; i < steps.length; i++) y[at.get(steps[i] * c.xScale) as number] = values[i];
    return y;
  });
  return [x, ...ys];
}
