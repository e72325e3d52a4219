// What a run's length, schedule and intervals mean for its trainer, and the combinations refused
// before anything starts (each message names the field): the steps from maxSteps or epochs, a
// warm-up longer than the run, evaluation and checkpoint intervals that never meet; the notice
// for Adafactor, whose relative steps ignore lr, schedule and warm-up; and the TrainerSettings
// the engine host trains with. Split from runsPrepare.ts, which calls these in prepareRun.

import type { RunConfig } from '../../shared/contract/runs';
import { hasRelativeSteps, RELATIVE_STEP_UNUSED, scheduleHasEnd, warmupProblem } from '../../shared/contract/schedule';
import { ApiError } from '../../shared/errors';
import type { TrainerSettings } from '../engine/train/settings';

const bad = (message: string): ApiError => new ApiError('invalid_argument', message);

/** The optimizer steps `run` trains for over `examples` training examples (maxSteps, or epochs rounded up to calls). */
export function stepsOf(run: RunConfig, examples: number): number {
  if ((run.maxSteps === undefined) === (run.epochs === undefined))
    throw bad('give exactly one of maxSteps and epochs (how long to train)');
  if (run.maxSteps !== undefined) return run.maxSteps;
  const perStep = run.batchSize * run.accumulation;
  const steps = Math.max(1, Math.ceil(((run.epochs as number) * examples) / perStep));
  return Math.ceil(steps / run.stepsPerCall) * run.stepsPerCall;
}

const hasEnd = (run: RunConfig): boolean => scheduleHasEnd(run.schedule);
const isRelativeStep = (run: RunConfig): boolean => hasRelativeSteps(run.optimizer.kind);

/** The settings Adafactor leaves unused, with `run`'s values: "lr (0.3), schedule (cosine) and warmupSteps (4)". */
function unusedNow(run: RunConfig): string {
  const said = RELATIVE_STEP_UNUSED.map((key) => `${key} (${run[key]})`);
  return `${said.slice(0, -1).join(', ')} and ${said[said.length - 1]}`;
}

/** What to tell whoever starts (or estimates) `run` about settings it keeps but does not train with; null: nothing. */
export function settingsNotice(run: RunConfig): string | null {
  if (!isRelativeStep(run)) return null;
  return (
    `optimizer adafactor sets its own step sizes (relative steps: min(0.01, 1/√step), scaled by each ` +
    `parameter's size): ${unusedNow(run)} do not apply to it; the lr curve shows that relative step`
  );
}

/** A warm-up longer than the run, refused (shared/contract/schedule.ts warmupProblem: the accelerate export's rule too). */
export function checkWarmup(run: RunConfig, maxSteps: number): void {
  const problem = warmupProblem({ ...run, optimizer: run.optimizer.kind }, maxSteps);
  if (problem !== null) throw bad(problem);
}

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

/**
 * The best checkpoint is the one with the lowest validation loss, so only a checkpoint at a step
 * with an evaluation can be it: unless one interval is a multiple of the other (or either is 0:
 * then both happen at the end), evaluations and checkpoints meet only at their least common
 * multiple, and best would mean last. Refused rather than told: like the intervals' multiples
 * of stepsPerCall (engine/train/settings.ts), a setting that cannot do what it says.
 */
export function checkIntervals(run: RunConfig): void {
  const { evalEvery, checkpointEvery } = run;
  if (evalEvery === 0 || checkpointEvery === 0 || evalEvery % checkpointEvery === 0) return;
  if (checkpointEvery % evalEvery === 0) return;
  const meet = (evalEvery / gcd(evalEvery, checkpointEvery)) * checkpointEvery;
  throw bad(
    `evalEvery (${evalEvery}) and checkpointEvery (${checkpointEvery}) do not line up: a checkpoint is the best by ` +
      `validation loss only at a step with an evaluation, and these meet only every ${meet} steps; make one a ` +
      `multiple of the other (e.g. evalEvery ${checkpointEvery} or checkpointEvery ${meet}), or set either to 0`,
  );
}

export function trainerSettings(run: RunConfig, maxSteps: number): TrainerSettings {
  return {
    batchSize: run.batchSize,
    accumulation: run.accumulation,
    stepsPerCall: run.stepsPerCall,
    mask: run.mask,
    optimizer: { ...run.optimizer, weightDecay: run.weightDecay },
    // Adafactor's relative steps ignore the schedule (settingsNotice): its warm-up is not checked against the run.
    schedule: isRelativeStep(run)
      ? { kind: 'constant', peakLr: run.lr, warmupSteps: 0 }
      : {
          kind: run.schedule,
          peakLr: run.lr,
          warmupSteps: run.warmupSteps,
          ...(hasEnd(run) ? { totalSteps: maxSteps } : {}),
        },
    clipNorm: run.clipNorm ?? undefined,
    dropoutRate: run.dropout ?? undefined,
    seed: run.seed,
    maxSteps,
    evalEvery: run.evalEvery,
    checkpointEvery: run.checkpointEvery,
    keepLast: run.keepLast,
    providers: [run.provider],
    intraOpThreads: run.threads > 0 ? run.threads : undefined,
  };
}
