// Case training, the engine's reference check: train a model folder on the one fixed batch of a
// case file (the golden fixture format, test/fixtures/README.md; parsed by the caller) for N
// steps and return the loss before each update, as the reference curves (curve.json) record
// it. Plain data in and out; `train --case` and the runs service call it from an engine host.

import type { ProviderName } from '../onnx/session';
import type { OptimizerConfig } from '../optim/optimizer';
import type { ScheduleConfig } from '../optim/schedule';
import { checkIds } from '../t5/score';
import { t5BatchFeeds } from '../t5/training';
import { loadT5Model } from '../t5/weights';
import { compileT5Program } from './program';

/** The batch of a case file: (B, Te) ids and mask, (B, Td) labels with −100 ignored. */
export interface TrainingCase {
  readonly inputIds: readonly (readonly number[])[];
  readonly attentionMask: readonly (readonly number[])[];
  readonly labels: readonly (readonly number[])[];
}

/** Throws a RangeError naming the field unless the case's rows form one (B, Te) / (B, Td) batch. */
export function checkTrainingCase(batch: TrainingCase): void {
  const rows = batch.inputIds.length;
  const fields = { input_ids: batch.inputIds, attention_mask: batch.attentionMask, labels: batch.labels };
  for (const [name, m] of Object.entries(fields)) {
    if (m.length === 0 || m.length !== rows)
      throw new RangeError(`case ${name} has ${m.length} rows; expected ${rows} (as input_ids), at least 1`);
    if (m[0].length === 0 || m.some((r) => r.length !== m[0].length))
      throw new RangeError(`case ${name}: every row must have the same length ≥ 1`);
  }
  if (batch.attentionMask[0].length !== batch.inputIds[0].length)
    throw new RangeError(`case attention_mask rows must have input_ids' length ${batch.inputIds[0].length}`);
}

export interface CaseTrainingOptions {
  readonly steps: number;
  readonly optimizer: OptimizerConfig;
  readonly schedule: ScheduleConfig;
  readonly clipNorm?: number;
  /** Default 0 (the reference curves are recorded without dropout). */
  readonly dropoutRate?: number;
  readonly seed?: number;
  /** Steps per call; default the largest divisor of `steps` up to 10. */
  readonly k?: number;
  readonly providers?: readonly ProviderName[];
  readonly intraOpThreads?: number;
  readonly signal?: AbortSignal;
  /** Called after each call with the losses so far. */
  readonly onProgress?: (losses: readonly number[]) => void;
}

export interface CaseTrainingResult {
  /** losses[i]: the loss before update i. */
  readonly losses: number[];
  readonly gradNorms: number[];
  /** The provider that ran the steps. */
  readonly provider: ProviderName;
}

function defaultK(steps: number): number {
  for (let k = Math.min(10, steps); k > 1; k--) if (steps % k === 0) return k;
  return 1;
}

/** Trains the model in `modelDir` on `batch` for `options.steps` steps (fixed batch every step). */
export async function trainOnCase(
  modelDir: string,
  batch: TrainingCase,
  options: CaseTrainingOptions,
): Promise<CaseTrainingResult> {
  if (!(Number.isInteger(options.steps) && options.steps >= 1))
    throw new RangeError(`steps must be an integer ≥ 1, got ${options.steps}`);
  const k = options.k ?? defaultK(options.steps);
  if (!(Number.isInteger(k) && k >= 1 && options.steps % k === 0))
    throw new RangeError(`k must be an integer ≥ 1 that divides steps (${options.steps}), got ${k}`);
  checkTrainingCase(batch);
  const { config, weights } = loadT5Model(modelDir);
  // Before any graph: an id past the vocabulary was an onnxruntime Gather error (internal).
  checkIds('case input_ids', batch.inputIds, config.vocabSize, false);
  checkIds('case labels', batch.labels, config.vocabSize, true);
  const shapes = {
    batchSize: batch.inputIds.length,
    inputLength: batch.inputIds[0].length,
    targetLength: batch.labels[0].length,
  };
  const program = await compileT5Program(config, shapes, { ...options, dropoutRate: options.dropoutRate ?? 0, k });
  const repeat = (rows: readonly (readonly number[])[]): BigInt64Array => {
    const one = rows.flat().map(BigInt);
    return BigInt64Array.from({ length: k * one.length }, (_, i) => one[i % one.length]);
  };
  const feeds = t5BatchFeeds({
    inputIds: repeat(batch.inputIds),
    attentionMask: repeat(batch.attentionMask),
    labels: repeat(batch.labels),
  });
  const losses: number[] = [];
  const gradNorms: number[] = [];
  try {
    program.setParams(Object.fromEntries(weights.params));
    while (losses.length < options.steps) {
      options.signal?.throwIfAborted();
      const result = await program.step(feeds);
      losses.push(...result.losses);
      gradNorms.push(...result.gradNorms);
      options.onProgress?.(losses);
    }
    return { losses, gradNorms, provider: program.placement.provider };
  } finally {
    await program.release();
  }
}
