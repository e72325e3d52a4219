// Train › the form's number settings, by group, in the order they show: label, bounds for the
// browser's spinner (the schema still decides what is valid) and the e2e test id.

import { SETTING_LABELS as L } from '../../lib/settingLabels';
import type { TrainForm } from '../../lib/trainForm';

type NumberKey = { [K in keyof TrainForm]-?: TrainForm[K] extends number ? K : never }[keyof TrainForm];

export interface NumberFieldSpec {
  readonly key: NumberKey;
  readonly label: string;
  readonly min?: number;
  readonly step?: number | 'any';
  readonly testid: string;
}

/** After the length (steps, or passes over the data), which has a box of its own. */
export const BASIC_FIELDS: readonly NumberFieldSpec[] = [
  { key: 'batchSize', label: L.batchSize, min: 1, testid: 'train-batch' },
  { key: 'lr', label: L.lr, step: 'any', testid: 'train-lr' },
  { key: 'warmupSteps', label: L.warmupSteps, min: 0, testid: 'train-warmup' },
  { key: 'inputLength', label: L.inputLength, min: 4, testid: 'train-length' },
  { key: 'noiseDensity', label: L.noiseDensity, step: 'any', testid: 'train-density' },
  { key: 'meanSpanLength', label: L.meanSpanLength, step: 'any', testid: 'train-span' },
];

export const INTERVAL_FIELDS: readonly NumberFieldSpec[] = [
  { key: 'evalEvery', label: L.evalEvery, min: 0, testid: 'train-eval-every' },
  { key: 'checkpointEvery', label: L.checkpointEvery, min: 0, testid: 'train-checkpoint-every' },
];

/** Beside the provider: onnxruntime's CPU threads, from the saved settings. */
export const THREADS_FIELD: NumberFieldSpec = {
  key: 'threads',
  label: L.threads,
  min: 0,
  testid: 'train-threads',
};

/** Under "More settings", before the schedule. */
export const ADVANCED_FIELDS: readonly NumberFieldSpec[] = [
  { key: 'accumulation', label: L.accumulation, min: 1, testid: 'train-accumulation' },
  { key: 'stepsPerCall', label: L.stepsPerCall, min: 1, testid: 'train-steps-per-call' },
];

/** Under "More settings", after the schedule and the optimizer. */
export const TAIL_FIELDS: readonly NumberFieldSpec[] = [
  { key: 'weightDecay', label: L.weightDecay, min: 0, step: 'any', testid: 'train-weight-decay' },
  { key: 'clipNorm', label: `${L.clipNorm} (0: off)`, min: 0, step: 'any', testid: 'train-clip' },
  { key: 'keepLast', label: L.keepLast, min: 1, testid: 'train-keep' },
  { key: 'seed', label: `${L.seed} (dropout, new weights)`, min: 0, testid: 'train-seed' },
  { key: 'dataSeed', label: `${L.dataSeed} (masks, shuffle)`, min: 0, testid: 'train-data-seed' },
];
