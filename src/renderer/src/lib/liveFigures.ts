// A run's figures on the Runs screen between two reads of the server (runs.get for a row,
// runs.compare for the comparison, asked for again only when its status changes): its final
// training loss from a newer runs.progress, and its best validation loss the lowest of what was
// read and of the evaluations (runs.metrics' eval.loss points) heard since. As
// main/services/runsCompare.ts's metricSummary defines them: the loss at the last step, and the
// lowest eval.loss with the earliest step it came at. Never a question to the server.

import type { MetricPoint, RunComparison, RunDetail } from '../../../shared/contract/runs';

/** Each run's lowest validation loss heard since the screen opened, by run id. */
export type HeardEvaluations = Readonly<Record<string, MetricPoint>>;

/** A run's latest progress, as much of it as a loss needs. */
export interface LossProgress {
  readonly step: number;
  readonly loss: number | null;
}

const VALIDATION_LOSS = 'eval.loss';

/** The lower of two points, the earlier step on ties; either where the other is missing. */
export function lowerPoint(a: MetricPoint | null | undefined, b: MetricPoint | null | undefined): MetricPoint | null {
  if (!a || !b) return a ?? b ?? null;
  return b.value < a.value || (b.value === a.value && b.step < a.step) ? b : a;
}

/** `heard` with run `runId`'s evaluations among `points` taken in: the same object when none is lower. */
export function withEvaluations(
  heard: HeardEvaluations,
  runId: string,
  points: readonly { readonly step: number; readonly name: string; readonly value: number }[],
): HeardEvaluations {
  const known = heard[runId];
  let lowest: MetricPoint | null = known ?? null;
  for (const { step, name, value } of points)
    if (name === VALIDATION_LOSS) lowest = lowerPoint(lowest, { step, value });
  return lowest === null || lowest === known ? heard : { ...heard, [runId]: lowest };
}

/**
 * What is kept of each run (the lowest evaluation heard, the latest runs.progress), by run id,
 * once run `runId`'s status changed at `step`: the same object unless what is kept of that run is
 * of a later step, which is then forgotten. Such a run went back (resumed from an earlier checkpoint
 * or from step 0, its points after it dropped from the store by runsControl.ts, or so resumed and
 * stopped again elsewhere between two looks of the watcher): what came after `step` is of the course
 * it left, and the reads its status change brings say where it stands. A pause, stop, end or
 * failure at the step it reached keeps it: still the latest, until those reads come.
 */
export function afterStatusChange<T extends { readonly step: number }>(
  kept: Readonly<Record<string, T>>,
  runId: string,
  step: number,
): Readonly<Record<string, T>> {
  const known = kept[runId];
  if (!known || known.step <= step) return kept;
  const rest = { ...kept };
  delete rest[runId];
  return rest;
}

/** Each run's detail with the lower of runs.get's best evaluation and the one heard since (the same detail when not lower). */
export function withBestEval(
  details: Readonly<Record<string, RunDetail>>,
  heard: HeardEvaluations,
): Record<string, RunDetail> {
  const out = { ...details };
  for (const [id, point] of Object.entries(heard)) {
    const detail = out[id];
    if (!detail || lowerPoint(detail.bestEval, point) !== point) continue;
    out[id] = { ...detail, bestEval: point };
  }
  return out;
}

/** The loss of `progress` where it is newer than `step` (what was read) and a number; undefined otherwise. */
export function newerLoss(progress: LossProgress | undefined, step: number): number | undefined {
  return progress && progress.step > step && progress.loss !== null ? progress.loss : undefined;
}

/**
 * The comparison's metrics as they stand now: a run's final training loss from its progress
 * newer than the step compared, its best validation loss the lower of runs.compare's and the one
 * heard (a value: runs.compare gives no step).
 */
export function liveMetrics(
  comparison: RunComparison,
  progress: Readonly<Record<string, LossProgress>>,
  heard: HeardEvaluations,
): RunComparison['metrics'] {
  return comparison.metrics.map((metrics, index) => {
    const { id, step } = comparison.runs[index];
    const loss = newerLoss(progress[id], step);
    const compared = metrics.bestEvalLoss;
    const best = heard[id] && (compared === null || heard[id].value < compared) ? heard[id].value : compared;
    if (loss === undefined && best === compared) return metrics;
    return { final: loss === undefined ? metrics.final : { ...metrics.final, loss }, bestEvalLoss: best };
  });
}
