// Case training for the runs service: reads the batch of a case file (the golden fixture
// format: input_ids, attention_mask and labels as rows of ids, -100 ignored; bad files are
// invalid_input naming the file and the field, the engine checks the shapes) and trains on it
// in the engine host ('train.case'), passing its per-call losses on.

import path from 'node:path';
import { ApiError, errorMessage } from '../../shared/errors';
import { parseScoreCase, readCaseJson } from '../engine/t5/caseFile';
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

/** A case file's batch, checked as `spanfill score` checks it (engine/t5/case.ts's parseScoreCase). */
export function readCaseBatch(file: string): TrainingCase {
  try {
    const raw = readCaseJson(path.resolve(file));
    const { inputIds, attentionMask, labels } = parseScoreCase(raw, `Case file ${file}`);
    return { inputIds, attentionMask, labels };
  } catch (error) {
    throw new ApiError('invalid_input', errorMessage(error));
  }
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
