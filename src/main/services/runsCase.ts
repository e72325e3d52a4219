// Case training for the runs service: reads the batch of a case file (the golden fixture
// format: input_ids, attention_mask and labels as rows of ids, -100 ignored; bad files are
// invalid_input naming the file and the field, the engine checks the shapes) and trains on it
// in the engine host ('train.case'), passing its per-call losses on.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ApiError } from '../../shared/errors';
import type { CaseTrainingResult, TrainingCase } from '../engine/train/caseTraining';
import type { EngineHostManager } from './engine-host';

export interface CaseTrainingRequest {
  readonly modelDir: string;
  /** The case file (JSON). */
  readonly case: string;
  readonly steps: number;
  readonly lr: number;
  readonly beta1?: number;
  readonly beta2?: number;
  readonly eps?: number;
  readonly weightDecay?: number;
  readonly seed?: number;
}

const isRows = (value: unknown): value is number[][] =>
  Array.isArray(value) && value.every((row) => Array.isArray(row) && row.every((x) => Number.isInteger(x)));

export function readCaseBatch(file: string): TrainingCase {
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(readFileSync(path.resolve(file), 'utf8')) as Record<string, unknown>;
  } catch (error) {
    throw new ApiError('invalid_input', `Case file ${file} cannot be read as JSON: ${(error as Error).message}`);
  }
  for (const field of ['input_ids', 'attention_mask', 'labels'])
    if (!isRows(raw[field]))
      throw new ApiError('invalid_input', `Case file ${file}: ${field} must be rows of integer ids`);
  return {
    inputIds: raw.input_ids as number[][],
    attentionMask: raw.attention_mask as number[][],
    labels: raw.labels as number[][],
  };
}

export async function trainOnCaseInHost(
  engine: EngineHostManager,
  request: CaseTrainingRequest,
  onProgress?: (losses: readonly number[]) => void,
  signal?: AbortSignal,
): Promise<CaseTrainingResult> {
  const batch = readCaseBatch(request.case);
  const { beta1, beta2, eps, weightDecay } = request;
  const host = await engine.get();
  const off = host.onEvent((type, payload) => {
    if (type === 'train.caseProgress') onProgress?.((payload as { losses: number[] }).losses);
  });
  try {
    return await engine.request(
      'train.case',
      {
        modelDir: path.resolve(request.modelDir),
        batch,
        steps: request.steps,
        optimizer: { kind: 'adamw', beta1, beta2, eps, weightDecay },
        schedule: { kind: 'constant', peakLr: request.lr },
        seed: request.seed,
      },
      { signal },
    );
  } finally {
    off();
  }
}
