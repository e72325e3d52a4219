// What the Playground's model picker offers, as plain data: a model choice, and a run's
// checkpoints as choices — its best and last as ready-made ticks, and every kept checkpoint
// (step, validation loss, best/last) for the run and checkpoint selectors. One checkpoint
// makes the same choice either way, so the two lists can be merged by key. A checkpoint that
// cannot be used (runs.checkpoints' problem: its folder deleted, its model not reading) says so
// with why in both: its tick's detail, and its option, which is not to be chosen.

import type { PlaygroundModelChoice } from '../../../shared/contract/playground';
import {
  type CheckpointUseProblem,
  type ListedCheckpoint,
  type RunCheckpoint,
  type RunCheckpoints,
  type RunSummary,
  unusableWords,
} from '../../../shared/contract/runs';
import { checkpointOrigin, checkpointRoles, lastCheckpoint } from '../../../shared/contract/runNames';
import { formatMetric } from './format';

/**
 * A model the Playground can run: `ref` is what models.resolve turns into a folder (a
 * checkpoint's is its folder). The contract's shape: the screen as it was left keeps them.
 */
export type ModelChoice = PlaygroundModelChoice;

/** One line of the checkpoint selector: the choice it adds and what the option says (why it cannot be used, too). */
export interface CheckpointOption {
  readonly choice: ModelChoice;
  readonly text: string;
  /** It cannot be used (the text says why): the option is offered disabled. */
  readonly isUnusable: boolean;
}

/** The picker's key for a checkpoint folder (also what "Open in Playground" links carry). */
export function checkpointKey(path: string): string {
  return `checkpoint:${path}`;
}

/** "run NAME · step N (best, last)", the same whichever list offers it; its detail says why it cannot be used, if so. */
function choiceOf(run: RunSummary, checkpoint: ListedCheckpoint, last: RunCheckpoint | undefined): ModelChoice {
  const roles = checkpointRoles(checkpoint, last);
  const loss = checkpoint.eval?.loss;
  const detail = loss === undefined ? `checkpoint of ${run.model}` : `checkpoint, eval loss ${loss.toFixed(3)}`;
  return {
    key: checkpointKey(checkpoint.path),
    label: `run ${run.name} · step ${checkpoint.step.toLocaleString('en')}${roles.length > 0 ? ` (${roles.join(', ')})` : ''}`,
    detail: checkpoint.problem ? unusableWords(checkpoint.problem) : detail,
    ref: checkpoint.path,
    source: 'checkpoint',
  };
}

/** A run's best and last checkpoints, best first; one when the best is the last, none without checkpoints. */
function bestAndLast(checkpoints: readonly ListedCheckpoint[]): ListedCheckpoint[] {
  const last = checkpoints.find((c) => c.step === lastCheckpoint(checkpoints)?.step);
  if (last === undefined) return [];
  const best = checkpoints.find((c) => c.isBest);
  return best === undefined || best.step === last.step ? [last] : [best, last];
}

/**
 * A run's best and last checkpoints as choices, labelled "run NAME · step N (best)"; one choice
 * when the best is the last. A run with no checkpoints yet offers none.
 */
export function checkpointChoices(run: RunSummary, checkpoints: readonly ListedCheckpoint[]): ModelChoice[] {
  const last = lastCheckpoint(checkpoints);
  return bestAndLast(checkpoints).map((c) => choiceOf(run, c, last));
}

/**
 * The checkpoint a first visit opens of a run: its best, or its last when the best cannot be
 * used; undefined when neither can (or it has none).
 */
export function openingCheckpoint(run: RunSummary, checkpoints: readonly ListedCheckpoint[]): ModelChoice | undefined {
  const usable = bestAndLast(checkpoints).find((c) => c.problem === undefined);
  return usable && choiceOf(run, usable, lastCheckpoint(checkpoints));
}

/**
 * Every kept checkpoint of a run, by step: "step 20 · validation loss 2.31 · best, last", and
 * "· cannot be used: WHY" after one that cannot be.
 */
export function everyCheckpoint(run: RunSummary, checkpoints: readonly ListedCheckpoint[]): CheckpointOption[] {
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
        ...(c.problem ? [unusableWords(c.problem)] : []),
      ];
      return { choice: choiceOf(run, c, last), text: parts.join(' · '), isUnusable: c.problem !== undefined };
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

/**
 * The checkpoints of `runs` that cannot be used, by choice key, with why: for a list of choices
 * (ticks, a base model's options) to offer them disabled, as the checkpoint selector does.
 */
export function unusableCheckpoints(runs: readonly RunCheckpoints[]): ReadonlyMap<string, CheckpointUseProblem> {
  const found = runs.flatMap(({ checkpoints }) => checkpoints.map((c) => [checkpointKey(c.path), c.problem] as const));
  return new Map(found.flatMap(([key, problem]) => (problem ? [[key, problem] as const] : [])));
}

/** The first choice of each key, in order (a checkpoint added by step may also be a best/last tick). */
export function uniqueByKey(choices: readonly ModelChoice[]): ModelChoice[] {
  const seen = new Set<string>();
  return choices.filter((choice) => !seen.has(choice.key) && seen.add(choice.key));
}
