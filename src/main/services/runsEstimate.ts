// runs.estimate: what a run configuration would cost before it starts — its steps and
// examples, the trainer's memory figure, the budget and the micro-batch split it would train
// (from runsPrepare.ts, which plans it exactly as runs.start does), and a time when one was
// measured: steps of this shape and a validation pass's parts timed in this process
// (runsTiming.ts; the passes counted by runsValidationTime.ts), or else the seconds per step of
// the latest run with the same model, provider, input and target shape, batch split, steps per
// call and validation (a completed one first; none that failed or trained too few steps to be
// past its start-up), scaled to these steps.
import type { RunConfig, RunEstimate } from '../../shared/contract/runs';
import type { RunRow } from '../store/runs';
import type { PreparedRun } from './runsPrepare';
import type { StepTiming } from './runsTiming';
import { validationShapeOf, validationTime, validationWords } from './runsValidationTime';

/**
 * The steps a run must have trained for its time to set an estimate. A run's elapsed time holds
 * its first call's start-up (building the graph, loading the model), which timing steps leaves
 * out with a warm-up step (runsTiming.ts) and which can take as long as dozens of steps: a run
 * of a few steps is mostly start-up, and its ms per step says little of the next run's.
 */
const STEPS_PAST_START_UP = 10;

/**
 * Same model, provider and step shape: its seconds per step carry over, from a run that got
 * past start-up (STEPS_PAST_START_UP) and did not fail (a failed run's time may hold the
 * failure: a crashed host's wait, a NaN caught late). The target
 * length is part of the shape: the noise density and mean span set it (density 0.99 makes
 * targets about six times longer than 0.15); so are the steps per call (a call of K steps
 * costs less than K calls of one). A run's elapsed time is wall time: it holds its validation
 * passes (at the Train form's quick settings a fifth of the run) and checkpoints, which its
 * ms per step carries over: right for a run that validates alike (validatesAlike), taken
 * first; from one that does not, the basis says so and how to get a figure that counts this
 * run's own passes (timing a few steps). Splitting that run's validation out would need its
 * pass times, which it does not record.
 */
function isComparable(row: RunRow, config: RunConfig): boolean {
  const other = row.config;
  return (
    other.model === config.model &&
    other.provider === config.provider &&
    other.inputLength === config.inputLength &&
    other.noiseDensity === config.noiseDensity &&
    other.meanSpanLength === config.meanSpanLength &&
    other.batchSize === config.batchSize &&
    other.accumulation === config.accumulation &&
    other.stepsPerCall === config.stepsPerCall &&
    row.status !== 'failed' &&
    row.step >= STEPS_PAST_START_UP &&
    row.elapsedMs > 0
  );
}

/**
 * The same dataset (so the same validation examples) and evalEvery (so about the same passes
 * per step, the last step's pass aside): the earlier run's validation per step is this one's.
 */
function validatesAlike(row: RunRow, config: RunConfig): boolean {
  return row.config.datasetId === config.datasetId && row.config.evalEvery === config.evalEvery;
}

/** "validation every 50 steps" or "validation at its end". */
const validationOf = (config: RunConfig): string =>
  config.evalEvery === 0 ? 'validation at its end' : `validation every ${config.evalEvery} steps`;

/** Steps and validation timed now: the run's ms, the validation's part and the words for both. */
function timedTime(prepared: PreparedRun, timing: StepTiming) {
  const { config, totalSteps } = prepared;
  const ran = timing.provider === config.provider ? '' : ` (it ran on ${timing.provider})`;
  const when = new Date(timing.at).toLocaleTimeString('en-GB');
  const steps =
    `${Math.round(timing.msPerStep).toLocaleString('en')} ms per step, from ${timing.timedSteps} steps of this shape ` +
    `timed at ${when}${ran}`;
  // Not timed: the run makes no pass (StepTimings.of gives a timing with one to a run that makes some).
  const validation =
    timing.validation === null
      ? { passes: 0, passMs: 0, totalMs: 0 }
      : validationTime(validationShapeOf(prepared), timing.validation);
  return {
    ms: timing.msPerStep * totalSteps + validation.totalMs,
    validationMs: validation.totalMs,
    basis: `${steps}; ${validationWords(validation)}; checkpoints add to it`,
  };
}

/** The milliseconds the run takes and where that figure comes from, in words; null without one. */
function runTime(
  prepared: PreparedRun,
  earlier: readonly RunRow[],
  timing: StepTiming | undefined,
  reader: EstimateReader,
) {
  const { config } = prepared;
  if (timing) return timedTime(prepared, timing);
  // Validated alike first, then the latest completed one: it trained its steps to the end, the others may not have.
  const comparable = [...earlier].reverse().filter((row) => isComparable(row, config));
  const rank = (row: RunRow) => (validatesAlike(row, config) ? 0 : 2) + (row.status === 'completed' ? 0 : 1);
  const basis = comparable.sort((a, b) => rank(a) - rank(b))[0];
  if (!basis) return null;
  const ms = basis.elapsedMs / basis.step;
  const measured = `measured by run ${basis.name} (${basis.id}): ${Math.round(ms)} ms per step`;
  const other = validatesAlike(basis, config)
    ? ''
    : `; this run validates ${basis.config.datasetId !== config.datasetId ? 'on other data' : config.evalEvery === 0 ? 'only at its end' : `every ${config.evalEvery} steps`}: ` +
      (reader === 'cli' ? 'add --time-steps for a time' : 'time a few steps now for a time') +
      ' that counts its own';
  return {
    ms: ms * prepared.totalSteps,
    validationMs: null,
    basis: `${measured}, its ${validationOf(basis.config)} and checkpoints included${other}`,
  };
}

/** Who reads an estimate: the Train screen (its button times steps) or the command line (`train --estimate`). */
export type EstimateReader = 'screen' | 'cli';

/** Why an estimate has no time, and how `reader` gets one: the screen's button, or --time-steps. */
export function untimedBasis(reader: EstimateReader): string {
  const how =
    reader === 'cli'
      ? "add --time-steps to time a few steps now, or a run's progress line shows its ETA after its first steps"
      : 'time a few steps now, or the run view shows an ETA after its first steps';
  return `no earlier run of this model, provider, masking shape, batch and steps per call has been timed yet: ${how}`;
}

/**
 * Why steps are not timed while run `runId` trains, and where `reader` sees that run's own ETA:
 * its run view on the screen; in a terminal, the progress line of the one training it.
 */
export function timingBesideWhy(reader: EstimateReader, runId: string): string {
  const where =
    reader === 'cli'
      ? `its ETA is on the progress line of the terminal training it (or on its run view in the app); \`spanfill runs show ${runId}\` shows its step`
      : 'its own ETA is on its run view';
  return `Timing steps beside it would slow it and measure neither; ${where}.`;
}

export function estimateRun(
  prepared: PreparedRun,
  earlier: readonly RunRow[],
  timing?: StepTiming,
  reader: EstimateReader = 'screen',
): RunEstimate {
  const { config, memory } = prepared;
  const time = runTime(prepared, earlier, timing, reader);
  return {
    totalSteps: prepared.totalSteps,
    trainingExamples: prepared.trainingExamples,
    tokensPerStep: (config.inputLength + prepared.targetLength) * config.batchSize * config.accumulation,
    memoryBytes: memory.stepBytes,
    memoryBudget: memory.budget,
    batchSize: config.batchSize,
    accumulation: config.accumulation,
    memoryNotice: memory.notice,
    // What runs.start would say besides the memory line (it says that in memoryNotice).
    notices: prepared.notices.filter((notice) => notice !== memory.notice),
    seconds: time === null ? null : time.ms / 1000,
    // The part of seconds its validation passes take, where they were timed apart.
    ...(time?.validationMs != null ? { validationSeconds: time.validationMs / 1000 } : {}),
    timeBasis: time?.basis ?? untimedBasis(reader),
    isTimed: timing !== undefined,
  };
}
