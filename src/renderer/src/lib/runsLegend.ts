// What the Runs comparison's legend calls each run (screens/runs/RunsCompare.svelte): its name
// where it is short and no other run compared has it; otherwise (two runs of one model on one
// dataset share "MODEL on DATASET", 60 characters and more) its id and the settings that differ,
// as the comparison's table has them, so that four legend entries do not differ in an id alone.
// Runs with names of their own keep them, however the others are called.

import { distinctRunLabels } from '../../../shared/contract/runNames';

/** A name longer than this crowds the legend: the settings that differ say more. */
export const LEGEND_NAME_MAX = 40;

/** The settings the legend names at most (the table below has them all). */
export const LEGEND_SETTINGS_MAX = 3;

/** A setting whose values differ: its label and each run's value as the table shows it (runs' order). */
export interface DifferingSetting {
  readonly label: string;
  readonly values: readonly string[];
}

/** Each run's legend name; `differing` undefined while the comparison is still asked for. */
export function legendRunLabels(
  runs: readonly { readonly id: string; readonly name: string }[],
  differing: readonly DifferingSetting[] | undefined,
): string[] {
  const count = new Map<string, number>();
  for (const { name } of runs) count.set(name, (count.get(name) ?? 0) + 1);
  const isClear = (name: string): boolean => count.get(name) === 1 && name.length <= LEGEND_NAME_MAX;
  const shown = (differing ?? []).slice(0, LEGEND_SETTINGS_MAX);
  const withIds = distinctRunLabels(runs);
  return runs.map((run, index) => {
    if (isClear(run.name)) return run.name;
    if (shown.length === 0) return withIds[index];
    const settings = shown.map((setting) => `${setting.label} ${setting.values[index]}`).join(', ');
    return `${run.id} (${settings})`;
  });
}
