// What the Playground's model picker offers, as plain data: a model choice, and a run's
// checkpoints as choices — its best and last as ready-made ticks, and every kept checkpoint
// (step, validation loss, best/last) for the run and checkpoint selectors. One checkpoint
// makes the same choice either way, so the two lists can be merged by key.

import type { PlaygroundModelChoice } from '../../../shared/contract/playground';
import type { RunCheckpoint, RunCheckpoints, RunSummary } from '../../../shared/contract/runs';
import { checkpointOrigin, checkpointRoles, lastCheckpoint } from '../../../shared/contract/runNames';
import { formatMetric } from './format';

/**
 * A model the Playground can run: `ref` is what models.resolve turns into a folder (a
 * checkpoint's is its folder). The contract's shape: the screen as it was left keeps them.
 */
export type ModelChoice = PlaygroundModelChoice;

/** One line of the checkpoint selector: the choice it adds and what the option says. */
export interface CheckpointOption {
  readonly choice: ModelChoice;
  readonly text: string;
}

/** The picker's key for a checkpoint folder (also what "Open in Playground" links carry). */
export function checkpointKey(path: string): string {
  return `checkpoint:${path}`;
}

/** "run NAME · step N (best, last)", the same whichever list offers it. */
function choiceOf(run: RunSummary, checkpoint: RunCheckpoint, last: RunCheckpoint | undefined): ModelChoice {
  const roles = checkpointRoles(checkpoint, last);
  const loss = checkpoint.eval?.loss;
  return {
    key: checkpointKey(checkpoint.path),
    label: `run ${run.name} · step ${checkpoint.step.toLocaleString('en')}${roles.length > 0 ? ` (${roles.join(', ')})` : ''}`,
    detail: loss === undefined ? `checkpoint of ${run.model}` : `checkpoint, eval loss ${loss.toFixed(3)}`,
    ref: checkpoint.path,
    source: 'checkpoint',
  };
}

/**
 * A run's best and last checkpoints as choices, labelled "run NAME · step N (best)"; one choice
 * when the best is the last. A run with no checkpoints yet offers none.
 */
export function checkpointChoices(run: RunSummary, checkpoints: readonly RunCheckpoint[]): ModelChoice[] {
  const last = lastCheckpoint(checkpoints);
  if (last === undefined) return [];
  const best = checkpoints.find((c) => c.isBest);
  const picked = best === undefined || best.step === last.step ? [last] : [best, last];
  return picked.map((c) => choiceOf(run, c, last));
}

/** Every kept checkpoint of a run, by step: "step 20 · validation loss 2.31 · best, last". */
export function everyCheckpoint(run: RunSummary, checkpoints: readonly RunCheckpoint[]): CheckpointOption[] {
  const last = lastCheckpoint(checkpoints);
  return [...checkpoints]
    .sort((a, b) => a.step - b.step)
    .map((c) => {
      const loss = c.eval?.loss;
      const roles = checkpointRoles(c, last);
      const parts = [
        `step ${c.step.toLocaleString('en')}`,
        loss === undefined ? 'not validated' : `validation loss ${formatMetric(loss)}`,
        ...(roles.length > 0 ? [roles.join(', ')] : []),
      ];
      return { choice: choiceOf(run, c, last), text: parts.join(' · ') };
    });
}

/**
 * The choice a kept checkpoint key makes now, with the run's name and roles as they are now: its
 * folder's, or — a key kept from before the data directory moved — the same run's same step in
 * its new place. Undefined when that checkpoint is kept no more (its run removed, or pruned).
 */
export function currentCheckpointChoice(key: string, runs: readonly RunCheckpoints[]): ModelChoice | undefined {
  const origin = checkpointOrigin(key);
  for (const { run, checkpoints } of runs) {
    const found =
      checkpoints.find((c) => checkpointKey(c.path) === key) ??
      (origin?.runId === run.id ? checkpoints.find((c) => c.step === origin.step) : undefined);
    if (found) return choiceOf(run, found, lastCheckpoint(checkpoints));
  }
  return undefined;
}

/**
 * The checkpoint columns among `columns` whose checkpoints are kept no more in `runs` (their run
 * removed, or the step pruned), in a sentence; undefined when every one is still there.
 */
export function goneColumns(columns: readonly ModelChoice[], runs: readonly RunCheckpoints[]): string | undefined {
  const gone = columns.filter((c) => c.source === 'checkpoint' && currentCheckpointChoice(c.key, runs) === undefined);
  if (gone.length === 0) return undefined;
  const labels = gone.map((c) => c.label).join('; ');
  return gone.length === 1
    ? `The column ${labels} went: its run was removed, or that checkpoint deleted.`
    : `The columns ${labels} went: their runs were removed, or those checkpoints deleted.`;
}

/** The first choice of each key, in order (a checkpoint added by step may also be a best/last tick). */
export function uniqueByKey(choices: readonly ModelChoice[]): ModelChoice[] {
  const seen = new Set<string>();
  return choices.filter((choice) => !seen.has(choice.key) && seen.add(choice.key));
}
