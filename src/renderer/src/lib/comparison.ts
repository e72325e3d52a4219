// The Runs screen's comparison in words and curves: which loss curves of the compared runs the
// chart draws (only those with points, so the legend names no line that is not there: a run
// stopped or failed before its first evaluation has no validation loss) and a differing
// setting's value as the table shows it (a dataset by name, as the runs table names it).

import { comparedDatasetValue, type RunComparison } from '../../../shared/contract/runs';
import { formatSetting } from '../../../shared/contract/runSettings';
import { withUnusedReason } from '../../../shared/contract/schedule';
import type { CurveKind } from './seriesStyle';

/** The metric each kind of curve draws. */
export const CURVE_METRICS: Readonly<Record<CurveKind, string>> = { training: 'loss', validation: 'eval.loss' };

/** One curve the comparison draws: run `run` (its index among the compared) and which of its losses. */
export interface ComparedCurve {
  readonly run: number;
  readonly kind: CurveKind;
}

/** Each run's training then validation loss, in run order, where the run has points of it. */
export function comparedCurves(pointCounts: readonly ((metric: string) => number)[]): ComparedCurve[] {
  return pointCounts.flatMap((pointsOf, run) =>
    (['training', 'validation'] as const)
      .filter((kind) => pointsOf(CURVE_METRICS[kind]) > 0)
      .map((kind) => ({ run, kind })),
  );
}

/**
 * A differing setting's value as the table shows it: the dataset by its name ('removed' once it
 * is gone, as the runs table says), from the comparison's `datasets`; anything else as the run's
 * settings list writes it; with why the value does nothing in its run beside it, where it does
 * nothing (`unused`: RunComparison's unusedSettingReason).
 */
export function comparedValue(
  key: string,
  value: unknown,
  datasets: RunComparison['datasets'],
  unused: string | null = null,
): string {
  return withUnusedReason(comparedDatasetValue(datasets, key, value) ?? formatSetting(value, key), unused);
}
