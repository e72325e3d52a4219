// Engine-level checks of the trainer's settings, before anything is compiled or written: each
// message names the field, the value and what would be accepted. (The runs service validates
// the user-facing configuration; this guards the engine API itself.)

import { validateOptimizer } from '../optim/optimizer';
import { validateSchedule } from '../optim/schedule';
import { MASK_SCHEDULES } from './batchStream';
import type { ProviderName } from '../onnx/session';
import type { OptimizerConfig } from '../optim/optimizer';
import type { ScheduleConfig } from '../optim/schedule';
import type { MaskSchedule } from './batchStream';

export interface TrainerSettings {
  readonly batchSize: number;
  /** Micro-batches per optimizer step (default 1). */
  readonly accumulation?: number;
  /** Optimizer steps per call of the fused step, K (default 1). */
  readonly stepsPerCall?: number;
  readonly mask: MaskSchedule;
  readonly optimizer: OptimizerConfig;
  readonly schedule: ScheduleConfig;
  readonly clipNorm?: number;
  /** Default: the model config's dropout_rate. */
  readonly dropoutRate?: number;
  /** Seeds dropout; the data's own seed (plan settings) seeds masks and shuffling. */
  readonly seed: number;
  readonly maxSteps: number;
  /** Evaluate every N steps (0: only at the end). */
  readonly evalEvery?: number;
  /** Validation examples evaluated (the first ones; default 256). */
  readonly evalExamples?: number;
  /** Validation examples greedy-decoded for span exact-match (default 16; 0: off). */
  readonly spanSample?: number;
  /** Checkpoint every N steps (0: only at the end and on stop). */
  readonly checkpointEvery?: number;
  /** Checkpoints kept besides the best by validation loss (default 3). */
  readonly keepLast?: number;
  /** Steps whose checkpoints are never pruned, whatever keepLast (a model registered on one lives in its folder). */
  readonly keepSteps?: readonly number[];
  readonly providers?: readonly ProviderName[];
  readonly intraOpThreads?: number;
}

export class TrainerSettingsError extends Error {
  override name = 'TrainerSettingsError';
}

function integer(field: string, value: number | undefined, min: number): void {
  if (value === undefined) return;
  if (!(Number.isSafeInteger(value) && value >= min))
    throw new TrainerSettingsError(`${field} must be an integer ≥ ${min}, got ${value}`);
}

function multipleOfK(field: string, value: number | undefined, k: number): void {
  if (value === undefined || value === 0 || value % k === 0) return;
  throw new TrainerSettingsError(
    `${field} (${value}) must be a multiple of stepsPerCall (${k}): steps run ${k} at a time; ` +
      `use ${Math.max(k, Math.round(value / k) * k)} or change stepsPerCall`,
  );
}

/** Throws TrainerSettingsError for the first bad field. */
export function validateSettings(settings: TrainerSettings, trainingExamples: number): void {
  if (trainingExamples < 1)
    throw new TrainerSettingsError('The training data has no examples; add text to the dataset or lower inputLength');
  integer('batchSize', settings.batchSize, 1);
  integer('accumulation', settings.accumulation, 1);
  integer('stepsPerCall', settings.stepsPerCall, 1);
  integer('maxSteps', settings.maxSteps, 1);
  integer('evalEvery', settings.evalEvery, 0);
  integer('checkpointEvery', settings.checkpointEvery, 0);
  integer('keepLast', settings.keepLast, 1);
  integer('evalExamples', settings.evalExamples, 1);
  integer('spanSample', settings.spanSample, 0);
  integer('seed', settings.seed, 0);
  const k = settings.stepsPerCall ?? 1;
  multipleOfK('maxSteps', settings.maxSteps, k);
  multipleOfK('evalEvery', settings.evalEvery, k);
  multipleOfK('checkpointEvery', settings.checkpointEvery, k);
  if (!MASK_SCHEDULES.includes(settings.mask))
    throw new TrainerSettingsError(`mask must be one of ${MASK_SCHEDULES.join(', ')}, got '${String(settings.mask)}'`);
  const rate = settings.dropoutRate;
  if (rate !== undefined && !(rate >= 0 && rate < 1))
    throw new TrainerSettingsError(`dropoutRate must be in [0, 1), got ${rate}`);
  if (settings.clipNorm !== undefined && !(settings.clipNorm > 0))
    throw new TrainerSettingsError(`clipNorm must be > 0, got ${settings.clipNorm}`);
  validateOptimizer(settings.optimizer);
  validateSchedule(settings.schedule);
}
