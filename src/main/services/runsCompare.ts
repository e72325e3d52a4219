// Comparing runs: which configuration keys differ (with each run's value) and, per run, the
// final value of every metric and the best validation loss — the table `runs compare` prints
// and the Runs screen shows beside the curves. A run's name is compared as shown (its default,
// "MODEL on DATASET", where it was given none), not as the configuration holds it (absent); its
// dataset goes with its name (or null once removed), which both write in place of the id.

import type { RunComparison, RunConfig, RunSummary } from '../../shared/contract/runs';
import { settingEntries } from '../../shared/contract/runSettings';

type Series = ReadonlyMap<string, readonly { step: number; value: number }[]>;

export function compareRuns(
  runs: readonly RunSummary[],
  configs: readonly RunConfig[],
  series: readonly Series[],
  datasetName: (id: string) => string | null,
): RunComparison {
  const flat = configs.map((config, i) => new Map([...settingEntries(config), ['name', runs[i].name]]));
  const keys = [...new Set(flat.flatMap((m) => [...m.keys()]))].sort();
  const differences = keys
    .map((key) => ({ key, values: flat.map((m) => m.get(key) ?? null) }))
    .filter(({ values }) => new Set(values.map((v) => JSON.stringify(v))).size > 1);
  const metrics = series.map((s) => {
    const final: Record<string, number> = {};
    for (const [name, points] of s) if (points.length > 0) final[name] = points[points.length - 1].value;
    const evals = s.get('eval.loss') ?? [];
    return { final, bestEvalLoss: evals.length > 0 ? Math.min(...evals.map((p) => p.value)) : null };
  });
  const datasetIds = [...new Set(configs.map((config) => config.datasetId))];
  const datasets = Object.fromEntries(datasetIds.map((id) => [id, datasetName(id)]));
  return { runs, differences, metrics, datasets };
}
