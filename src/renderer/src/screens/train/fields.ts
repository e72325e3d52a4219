// Train › the form's number settings, by group, in the order they show: label, the bounds a new
// run is checked against (runRequestSchema: the contract's, MASKING_BOUNDS for the masking) for
// the browser's spinner (the check as it is typed, with the same schema, is lib/trainForm.ts's
// validate), and the e2e test id.

import { runRequestSchema } from '../../../../shared/contract/runs';
import { numberBounds } from '../../lib/schemaBounds';
import { SETTING_LABELS as L } from '../../lib/settingLabels';
import type { TrainForm } from '../../lib/trainForm';

/** The form's number boxes (dropout's may be emptied: null, the model's own rate). */
type NumberKey = { [K in keyof TrainForm]-?: TrainForm[K] extends number | null ? K : never }[keyof TrainForm];

export interface NumberFieldSpec {
  readonly key: NumberKey;
  readonly label: string;
  readonly min?: number;
  readonly max?: number;
  readonly step?: number | 'any';
  readonly testid: string;
}

const field = (key: NumberKey, label: string, testid: string, step?: 'any'): NumberFieldSpec => ({
  key,
  label,
  testid,
  ...(step === undefined ? {} : { step }),
  ...numberBounds(runRequestSchema.shape[key]),
});

/** How long to train, in its own box beside the steps-or-passes choice. */
export const STEPS_FIELD = field('maxSteps', L.maxSteps, 'train-steps');
export const EPOCHS_FIELD = field('epochs', L.epochs, 'train-epochs', 'any');

/** After the length (steps, or passes over the data), which has a box of its own. */
export const BASIC_FIELDS: readonly NumberFieldSpec[] = [
  field('batchSize', L.batchSize, 'train-batch'),
  field('lr', L.lr, 'train-lr', 'any'),
  field('warmupSteps', L.warmupSteps, 'train-warmup'),
  field('inputLength', L.inputLength, 'train-length'),
  field('noiseDensity', L.noiseDensity, 'train-density', 'any'),
  field('meanSpanLength', L.meanSpanLength, 'train-span', 'any'),
];

export const INTERVAL_FIELDS: readonly NumberFieldSpec[] = [
  // 0 (or more than the run's steps): only at the end (engine/train/trainer.ts).
  field('evalEvery', `${L.evalEvery} (0: only at the end)`, 'train-eval-every'),
  field('checkpointEvery', `${L.checkpointEvery} (0: only at the end)`, 'train-checkpoint-every'),
];

/** Beside the provider: onnxruntime's CPU threads, from the saved settings. */
export const THREADS_FIELD = field('threads', L.threads, 'train-threads');

/** Under "More settings", before the schedule. */
export const ADVANCED_FIELDS: readonly NumberFieldSpec[] = [
  field('accumulation', L.accumulation, 'train-accumulation'),
  field('stepsPerCall', L.stepsPerCall, 'train-steps-per-call'),
];

/** Under "More settings", after the schedule and the optimizer. */
export const TAIL_FIELDS: readonly NumberFieldSpec[] = [
  field('weightDecay', L.weightDecay, 'train-weight-decay', 'any'),
  // The schema's clipNorm is > 0 or null (off); the box's 0 is off.
  field('clipNorm', `${L.clipNorm} (0: off)`, 'train-clip', 'any'),
  field('keepLast', L.keepLast, 'train-keep'),
  field('seed', `${L.seed} (dropout, new weights)`, 'train-seed'),
  field('dataSeed', `${L.dataSeed} (masks, shuffle)`, 'train-data-seed'),
];

/** Last under "More settings"; emptied, the model's own rate. */
export const DROPOUT_FIELD = field('dropout', `${L.dropout} (empty: the model's)`, 'train-dropout', 'any');

/** Every number box of the form (the steps and the passes both, though one shows at a time). */
export const ALL_NUMBER_FIELDS: readonly NumberFieldSpec[] = [
  STEPS_FIELD,
  EPOCHS_FIELD,
  ...BASIC_FIELDS,
  ...INTERVAL_FIELDS,
  THREADS_FIELD,
  ...ADVANCED_FIELDS,
  ...TAIL_FIELDS,
  DROPOUT_FIELD,
];
