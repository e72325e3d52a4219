// The validation part of a run's time estimate (runsEstimate.ts): how many validation passes
// the trainer makes (engine/train/trainer.ts runLoop: every evalEvery steps and at the last
// step, none without validation examples) and what one pass costs from its parts timed in the
// engine host (engine/bench/validation.ts): the evaluation batches over min(validation
// examples, evalExamples) at the micro-batch, and the span exact-match's decoding of
// min(spanSample, validation examples) in groups of SPAN_GROUP, its decoder sessions built
// anew each pass. Not counted: building the evaluation session once per run and copying the
// parameters out of the training program for each pass (both small beside the decoding).

import { formatElapsed } from '../../shared/format';
import { EVAL_EXAMPLES, SPAN_GROUP, SPAN_SAMPLE } from '../engine/train/spanGroup';
import type { PreparedRun } from './runsPrepare';

/** A validation pass's parts as timed (bench.validation's result). */
export interface ValidationCost {
  /** One forward-only evaluation batch of the micro-batch's rows. */
  readonly evalBatchMs: number;
  /** Building the decoder's sessions and decoding one group. */
  readonly firstGroupMs: number;
  /** Decoding each further group of the pass. */
  readonly groupMs: number;
}

/** What sets a run's validation: its length and interval, its validation side, its micro-batch. */
export interface ValidationShape {
  readonly totalSteps: number;
  /** 0: only at the last step. */
  readonly evalEvery: number;
  readonly validationExamples: number;
  /** The micro-batch: the evaluation's batches have its rows. */
  readonly batchSize: number;
  readonly evalExamples?: number;
  readonly spanSample?: number;
}

/** A prepared run's validation shape: its steps and validation side, with its config's interval and micro-batch. */
export function validationShapeOf(prepared: PreparedRun): ValidationShape {
  const { totalSteps, validationExamples, config } = prepared;
  return { totalSteps, validationExamples, evalEvery: config.evalEvery, batchSize: config.batchSize };
}

/** Validation passes over a run: each multiple of evalEvery, and the last step when it is none. */
export function validationPasses(shape: Pick<ValidationShape, 'totalSteps' | 'evalEvery' | 'validationExamples'>) {
  const { totalSteps, evalEvery, validationExamples } = shape;
  if (validationExamples === 0 || totalSteps === 0) return 0;
  if (evalEvery === 0) return 1;
  return Math.floor(totalSteps / evalEvery) + (totalSteps % evalEvery === 0 ? 0 : 1);
}

/** Evaluation batches and decoding groups in one pass. */
export function passParts(shape: ValidationShape): { batches: number; groups: number } {
  const examples = Math.min(shape.validationExamples, shape.evalExamples ?? EVAL_EXAMPLES);
  const decoded = Math.min(shape.validationExamples, shape.spanSample ?? SPAN_SAMPLE);
  return { batches: Math.ceil(examples / shape.batchSize), groups: Math.ceil(decoded / SPAN_GROUP) };
}

/** Milliseconds of one pass: its batches, then its groups (the first one building the decoder). */
export function passMs(shape: ValidationShape, cost: ValidationCost): number {
  const { batches, groups } = passParts(shape);
  const decoding = groups === 0 ? 0 : cost.firstGroupMs + (groups - 1) * cost.groupMs;
  return batches * cost.evalBatchMs + decoding;
}

/** The run's validation in all: its passes, one pass's ms and their product. */
export function validationTime(shape: ValidationShape, cost: ValidationCost) {
  const passes = validationPasses(shape);
  const ms = passes === 0 ? 0 : passMs(shape, cost);
  return { passes, passMs: ms, totalMs: passes * ms };
}

/** "with 5 validation passes of about 3.5 s each (decoding timed to full length: an upper bound)". */
export function validationWords(time: { passes: number; passMs: number }): string {
  if (time.passes === 0) return 'no validation (the dataset has no validation examples)';
  const each = formatElapsed(time.passMs);
  const passes = time.passes === 1 ? '1 validation pass' : `${time.passes.toLocaleString('en')} validation passes`;
  return `with ${passes} of about ${each}${time.passes === 1 ? '' : ' each'} (its decoding timed to full length: an upper bound)`;
}
