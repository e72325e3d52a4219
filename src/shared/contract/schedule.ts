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
