// Case training, the engine's reference check: train a model folder on the one fixed batch of a
// case file (the golden fixture format, test/fixtures/README.md) for N steps and return the
// loss before each update, as the reference curves (curve.json) record it. Plain data in and
// out; the CLI's `train --case` and the runs service call it from an engine host.

import { readFileSync } from 'node:fs';
import type { ProviderName } from '../onnx/session';
import type { OptimizerConfig } from '../optim/optimizer';
import type { ScheduleConfig } from '../optim/schedule';
import { t5BatchFeeds } from '../t5/training';
import { loadT5Model } from '../t5/weights';
import { compileT5Program } from './program';

/** The batch of a case file: (B, Te) ids and mask, (B, Td) labels with −100 ignored. */
export interface TrainingCase {
  readonly inputIds: readonly (readonly number[])[];
  readonly attentionMask: readonly (readonly number[])[];
  readonly labels: readonly (readonly number[])[];
}

export class CaseFileError extends Error {
  override name = 'CaseFileError';
}

function matrix(raw: Record<string, unknown>, key: string, file: string, rows?: number): number[][] {
  const value = raw[key];
  const isMatrix =
    Array.isArray(value) &&
    value.length > 0 &&
    value.every((r) => Array.isArray(r) && r.length > 0 && r.every((x) => Number.isInteger(x)));
  if (!isMatrix) throw new CaseFileError(`${file}: '${key}' must be a non-empty array of rows of integers`);
  const m = value as number[][];
  if (m.some((r) => r.length !== m[0].length))
    throw new CaseFileError(`${file}: the rows of '${key}' differ in length`);
  if (rows !== undefined && m.length !== rows)
    throw new CaseFileError(`${file}: '${key}' has ${m.length} rows but input_ids has ${rows}`);
  return m;
}

/** Parses a case file's batch (input_ids, attention_mask, labels); other keys are ignored. */
export function parseTrainingCase(json: string, file = 'case file'): TrainingCase {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (e) {
    throw new CaseFileError(`${file} is not valid JSON: ${(e as Error).message}`);
  }
  if (raw === null || typeof raw !== 'object') throw new CaseFileError(`${file} must hold a JSON object`);
  const record = raw as Record<string, unknown>;
  const inputIds = matrix(record, 'input_ids', file);
  const attentionMask = matrix(record, 'attention_mask', file, inputIds.length);
  const labels = matrix(record, 'labels', file, inputIds.length);
  if (attentionMask[0].length !== inputIds[0].length)
    throw new CaseFileError(`${file}: attention_mask rows must have input_ids' length ${inputIds[0].length}`);
  return { inputIds, attentionMask, labels };
}

export function readTrainingCase(file: string): TrainingCase {
  return parseTrainingCase(readFileSync(file, 'utf8'), file);
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
  const { config, weights } = loadT5Model(modelDir);
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
