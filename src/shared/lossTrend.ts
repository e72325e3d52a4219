// Whether a run's training loss ended worse than it started, and what to say about it: one rule
// for `spanfill train`'s end and `runs show` (src/main/cli/commands/) and for the Train and Runs
// screens. A loss that stops being finite already fails the run (engine/train/trainer.ts,
// services/runsFailure.ts); this is the divergence that stays finite and ends "completed".
// Not a judge of a good run: it says nothing of a loss that merely stopped falling.

import { hasDiverged, type RunCheckpoint, type RunStatusName } from './contract/runResults';

/**
 * How many losses each end averages. One batch's loss is noisy (its documents, its masked spans);
 * the mean of k has 1/√k of that noise, and 10 steps are a sliver of any real run. A loss that
 * shoots up within the first window lifts the early mean with it: LOSS_TREND_FIRST_FACTOR.
 */
export const LOSS_TREND_WINDOW = 10;
/**
 * Under this many finite losses it says nothing. A shorter run gets two windows of half its
 * losses each (never overlapping), so 8 gives at least 4 a window: half a batch's noise. Fewer
 * would let one odd batch decide, and a run of so few steps has barely left its starting weights
 * (a warm-up alone is usually longer), so there is no trend to speak of.
 */
export const LOSS_TREND_MIN_POINTS = 8;
/**
 * How much higher the late mean must be than the early one. From scratch the loss starts at about
 * ln V (the model guesses uniformly over its vocabulary), so a model ending at twice that does
 * worse than guessing: broken. A fine-tune starts from the base model's loss on the data; ending
 * over twice that means training made the model worse. A warm-up bump or a noisy stretch lifts a
 * 10-step mean by tens of percent, well under 2× (the unit tests hold both shapes).
 */
export const LOSS_TREND_FACTOR = 2;
/**
 * How much higher the late mean must be than the first loss alone: the rule's second test. A loss
 * that shoots up within the first window (a huge lr with no warm-up: 6 → 5,000 at step 2) lifts
 * the early mean as high as the late one, and the windows say nothing. The first loss is the one
 * taken at the starting weights (every later one follows an update), so it still shows the start;
 * but it is one batch. From scratch that does not matter (it is ln V whatever the batch); in a
 * fine-tune a lucky batch can come in low, so it needs a wider margin than the windows' 2×. A
 * batch's loss is a mean over its target tokens (about 114 a sequence at 512 inputs), so it
 * strays by a fraction of the loss: the tests let single batches stray ±60 %, and a first batch at
 * that worst, 0.4× the typical loss, under a 1.6× warm-up bump ends 4× below the late mean. At 5×,
 * a level, falling or warmed-up run is named only if its first batch came in under a fifth of its
 * typical loss, far past the noise of a mean of so many tokens, while an explosion (hundreds or
 * thousands of times) clears it at whatever step of the window it comes.
 * NOTE: a rise of 2–5× within the first window is still named only when it comes near its end
 * (from step 8 of 10, the later the smaller): the windows' test needs most of the early losses
 * from before it, and this one needs 5×.
 */
export const LOSS_TREND_FIRST_FACTOR = 5;

/** A run whose loss got worse: the mean of its first and of its last `window` finite losses. */
export interface LossWorsening {
  readonly earlyMean: number;
  readonly lateMean: number;
  readonly window: number;
  /**
   * Only where the windows did not tell (the loss rose within the first one): the first loss,
   * which the late mean is over LOSS_TREND_FIRST_FACTOR times.
   */
  readonly firstLoss?: number;
}

const mean = (values: readonly number[]): number => values.reduce((sum, v) => sum + v, 0) / values.length;

/**
 * The rule: the mean of the last LOSS_TREND_WINDOW training losses over LOSS_TREND_FACTOR times
 * the mean of the first (a shorter run: half its losses at each end), or else over
 * LOSS_TREND_FIRST_FACTOR times the first loss (a loss that exploded within the first window);
 * undefined when neither is so or there are too few losses (LOSS_TREND_MIN_POINTS). `losses` in
 * step order, one a step; a loss that is not a finite number (null: NaN sent as JSON) is left out.
 */
export function lossWorsening(losses: readonly (number | null)[]): LossWorsening | undefined {
  const finite = losses.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  if (finite.length < LOSS_TREND_MIN_POINTS) return undefined;
  const window = Math.min(LOSS_TREND_WINDOW, Math.floor(finite.length / 2));
  const earlyMean = mean(finite.slice(0, window));
  const lateMean = mean(finite.slice(-window));
  if (earlyMean > 0 && lateMean > LOSS_TREND_FACTOR * earlyMean) return { earlyMean, lateMean, window };
  const firstLoss = finite[0];
  return firstLoss > 0 && lateMean > LOSS_TREND_FIRST_FACTOR * firstLoss
    ? { earlyMean, lateMean, window, firstLoss }
    : undefined;
}

/** Where the run started, as the rule found it: the early mean, or the first loss where that rose. */
export const startOf = (w: LossWorsening): number => w.firstLoss ?? w.earlyMean;

/** A loss in a sentence: four significant digits, thousands separated ("6.516", "14,460"). */
export const lossFigure = (value: number): string => Number(value.toPrecision(4)).toLocaleString('en');

/** What the rule found, in one sentence. */
export function worseningWords(w: LossWorsening): string {
  const late = `a mean of ${lossFigure(w.lateMean)} over its last ${w.window} steps`;
  if (w.firstLoss === undefined)
    return (
      `The training loss ended over ${LOSS_TREND_FACTOR}× where it started: ${late} ` +
      `against ${lossFigure(w.earlyMean)} over its first ${w.window}.`
    );
  return (
    `The training loss ended over ${LOSS_TREND_FIRST_FACTOR}× where it started: ${late} against ` +
    `${lossFigure(w.firstLoss)} at its first step; it shot up within its first ${w.window} ` +
    `(a mean of ${lossFigure(w.earlyMean)}).`
  );
}

/** The settings the advice follows (a run's RunConfig has them). */
export interface GentlerSettings {
  readonly lr: number;
  readonly clipNorm: number | null;
  readonly optimizer: { readonly kind: string };
}

/** The advice for a run whose settings are not known. */
const GENTLER_RUN = 'a new run with a lower learning rate (lr) and gradient clipping on (clipNorm)';

/**
 * The run to start instead when the learning rate was too high, changing what `settings` point
 * at: the one wording of it, for a run that got worse (here) and one whose loss stopped being
 * finite (services/runsFailure.ts, which says an eps flushed to 0 instead where that was the
 * cause). Adafactor sets its own step sizes (lr does not apply to it), so it is told only of
 * clipping.
 */
export function gentlerRunWords(settings: GentlerSettings | undefined): string {
  if (settings === undefined) return GENTLER_RUN;
  const clipping =
    settings.clipNorm === null
      ? 'gradient clipping on (clipNorm, off in this run; 1 is the default)'
      : `gradient clipping was on, clipNorm ${settings.clipNorm}`;
  if (settings.optimizer.kind === 'adafactor')
    return settings.clipNorm === null
      ? `a new run with ${clipping}`
      : `a new run with other settings (Adafactor sets its own step sizes, so lr does not apply; ${clipping})`;
  const lr = `a lower learning rate (lr, ${settings.lr} in this run`;
  return settings.clipNorm === null ? `a new run with ${lr}) and ${clipping}` : `a new run with ${lr}; ${clipping})`;
}

/** The checkpoint with the lowest validation loss, where the run has one. */
export interface BestCheckpoint {
  readonly step: number;
  readonly evalLoss: number;
}

/**
 * What to do about it: use the best checkpoint by validation loss when it is no worse than the
 * rule allows (one over LOSS_TREND_FACTOR × the start, startOf, was spoilt too), and, to train on,
 * a gentler run (gentlerRunWords; a run whose settings are not known is told of lr and clipping).
 */
export function worseningAdvice(
  w: LossWorsening,
  best: BestCheckpoint | undefined,
  settings: GentlerSettings | undefined,
  howToUse = '',
): string {
  const train = `To train on, start ${gentlerRunWords(settings)}.`;
  if (best === undefined) return `No checkpoint of it has a validation loss to choose by. ${train}`;
  const at = `step ${best.step.toLocaleString('en')} (validation loss ${lossFigure(best.evalLoss)})`;
  return best.evalLoss > LOSS_TREND_FACTOR * startOf(w)
    ? `Its best checkpoint by validation loss, ${at}, is over ${LOSS_TREND_FACTOR}× where training started too. ${train}`
    : `Its best checkpoint by validation loss, ${at}, is kept: use that one${howToUse}. ${train}`;
}

/** What runLossWarning reads of a run (RunDetail has it all). */
export interface RunForTrend {
  readonly status: RunStatusName;
  readonly error: string | null;
  readonly config: GentlerSettings;
  readonly checkpoints: readonly RunCheckpoint[];
}

/**
 * The warning for `run` with training losses `losses` (in step order): worseningWords and
 * worseningAdvice, or undefined when the rule does not hold. Said once a run is not training
 * (a live run's last window still moves; the screens and `runs show` say it once it ends, is
 * paused or stopped), and not for one that failed with a loss that stopped being finite (its
 * error says that, with the same advice). `howToUse`: how this place takes the best checkpoint,
 * after "use that one" (the CLI's `--checkpoint best`).
 */
export function runLossWarning(
  run: RunForTrend,
  losses: readonly (number | null)[],
  howToUse = '',
): string | undefined {
  if (run.status === 'running' || run.status === 'queued' || hasDiverged(run)) return undefined;
  const found = lossWorsening(losses);
  if (!found) return undefined;
  const best = run.checkpoints.find((c) => c.isBest && c.eval?.loss !== undefined);
  const bestLoss = best?.eval?.loss;
  const bestAt = best && bestLoss !== undefined ? { step: best.step, evalLoss: bestLoss } : undefined;
  return `${worseningWords(found)} ${worseningAdvice(found, bestAt, run.config, howToUse)}`;
}
