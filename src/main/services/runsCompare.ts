// Comparing runs: which configuration keys differ (with each run's value, and where a value does
// nothing in its run, why: an Adafactor run's lr) and, per run, the
// final value of every metric and the best validation loss — the table `runs compare` prints
// and the Runs screen shows beside the curves. A run's name is compared as shown (its default,
// "MODEL on DATASET", where it was given none), not as the configuration holds it (absent); its
// dataset goes with its name (or null once removed), which both write in place of the id.
// The metrics come from the store by index seeks (metricSummary), not from every point.

import type { MetricPoint, RunComparison, RunConfig, RunSummary } from '../../shared/contract/runs';
import { settingEntries } from '../../shared/contract/runSettings';
import { unusedSettingReason } from '../../shared/contract/schedule';
import type { RunRepository } from '../store/runs';

/** What a comparison and a run's detail say of its metrics. */
export interface MetricSummary {
  /** The value at its last step of each metric, in name order. */
  readonly final: Readonly<Record<string, number>>;
  /** The lowest validation loss (eval.loss) of every evaluation and its earliest step; null before one. */
  readonly bestEval: MetricPoint | null;
}

/** Run `id`'s MetricSummary, read by index seeks (store/runMetrics.ts), not from every point. */
export function metricSummary(repo: RunRepository, id: string): MetricSummary {
  return { final: repo.lastMetrics(id), bestEval: repo.lowestMetric(id, 'eval.loss') ?? null };
}

export function compareRuns(
  runs: readonly RunSummary[],
  configs: readonly RunConfig[],
  summaries: readonly MetricSummary[],
  datasetName: (id: string) => string | null,
): RunComparison {
  const flat = configs.map((config, i) => new Map([...settingEntries(config), ['name', runs[i].name]]));
  const keys = [...new Set(flat.flatMap((m) => [...m.keys()]))].sort();
  const differences = keys
    .map((key) => ({ key, values: flat.map((m) => m.get(key) ?? null) }))
    .filter(({ values }) => new Set(values.map((v) => JSON.stringify(v))).size > 1)
    .map((d) => ({ ...d, unused: configs.map((config) => unusedSettingReason(d.key, config.optimizer.kind)) }));
  const metrics = summaries.map(({ final, bestEval }) => ({ final, bestEvalLoss: bestEval?.value ?? null }));
  const datasetIds = [...new Set(configs.map((config) => config.datasetId))];
  const datasets = Object.fromEntries(datasetIds.map((id) => [id, datasetName(id)]));
  return { runs, differences, metrics, datasets };
}
