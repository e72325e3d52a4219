// What a learning-rate schedule asks of a run's length, said once for `spanfill train` (the runs
// service's checkWarmup, services/runsSchedule.ts) and for an accelerate export's settings
// (contract/export.ts): a schedule that decays to an end needs its warm-up within the run's
// steps. Adafactor's relative steps ignore the schedule (engine/optim/adafactor.ts), so its
// warm-up is held to nothing.

import type { RunConfig } from './runs';

/** The schedule decays to an end (linear, cosine): it needs the run's steps, and its warm-up within them. */
export function scheduleHasEnd(schedule: RunConfig['schedule']): boolean {
  return schedule === 'linear' || schedule === 'cosine';
}

/**
 * Adafactor as the engine runs it (engine/optim/adafactor.ts, HF's defaults) takes relative step
 * sizes, min(10⁻², 1/√step) times each parameter's RMS, whatever lr, schedule and warmupSteps say.
 */
export function hasRelativeSteps(optimizer: RunConfig['optimizer']['kind']): boolean {
  return optimizer === 'adafactor';
}

/** The settings Adafactor's relative steps leave unused (hasRelativeSteps). */
export const RELATIVE_STEP_UNUSED = ['lr', 'schedule', 'warmupSteps'] as const;

/**
 * Why setting `key` (a dotted key, as settingEntries writes it) does nothing in a run with
 * `optimizer`, or null where it counts: the run view's settings, the comparison of runs and
 * `spanfill runs compare` say it beside the value, so no value reads as if the run trained at it.
 */
export function unusedSettingReason(key: string, optimizer: RunConfig['optimizer']['kind']): string | null {
  const isUnused = hasRelativeSteps(optimizer) && (RELATIVE_STEP_UNUSED as readonly string[]).includes(key);
  return isUnused ? `${optimizer} sets its own step sizes` : null;
}

/** A setting's value in words with why it does nothing beside it ("0.003 (not used: …)"), where it does nothing. */
export const withUnusedReason = (text: string, reason: string | null | undefined): string =>
  reason ? `${text} (not used: ${reason})` : text;

/**
 * Why `warmupSteps` cannot go with a run of `maxSteps` steps, or null: on a schedule with an end
 * the learning rate would still be rising when training stops (not Adafactor's: it has none).
 */
export function warmupProblem(
  settings: {
    readonly schedule: RunConfig['schedule'];
    readonly optimizer: RunConfig['optimizer']['kind'];
    readonly warmupSteps: number;
  },
  maxSteps: number,
): string | null {
  const { schedule, optimizer, warmupSteps } = settings;
  if (!scheduleHasEnd(schedule) || hasRelativeSteps(optimizer) || warmupSteps <= maxSteps) return null;
  return (
    `warmupSteps (${warmupSteps}) is more than the run's ${maxSteps} steps: the learning rate would still ` +
    'be warming up when training stops; lower warmupSteps or train longer'
  );
}

/** The settings a run takes that do less than they seem when they are longer than the run. */
export type LengthSetting = 'warmupSteps' | 'evalEvery' | 'checkpointEvery';

/**
 * What each setting longer than a run of `steps` steps does then, in words (the Train form's notes
 * under its boxes, `spanfill train`'s notes): a warm-up the learning rate never climbs out of on a
 * schedule with no end (with an end, warmupProblem refuses it; Adafactor has no warm-up), and
 * validation or checkpoints that then come only at the run's end, as with 0 (engine/train/trainer.ts).
 */
export function lengthConsequences(
  settings: {
    readonly schedule: RunConfig['schedule'];
    readonly optimizer: RunConfig['optimizer']['kind'];
    readonly lr: number;
  } & Readonly<Record<LengthSetting, number>>,
  steps: number,
): Partial<Record<LengthSetting, string>> {
  const said: Partial<Record<LengthSetting, string>> = {};
  const hasWarmup = !scheduleHasEnd(settings.schedule) && !hasRelativeSteps(settings.optimizer);
  if (hasWarmup && settings.warmupSteps > steps) said.warmupSteps = `the learning rate never reaches ${settings.lr}`;
  if (settings.evalEvery > steps) said.evalEvery = 'it validates only at the end';
  if (settings.checkpointEvery > steps)
    said.checkpointEvery = 'it saves a checkpoint only at the end (or when stopped)';
  return said;
}
