// Training handlers in the engine host: a run (engine/train train() over a dataset's token
// cache, its events pushed to main as 'train.event') and case training (trainOnCase on a case
// file's fixed batch). Main owns the store: it sends paths and settings, the host opens the
// token cache, the tokenizer and the model itself. A run is stopped with 'train.stop' (not by
// cancelling 'train.run', whose answer — status, final step — main still needs).

import { ApiError } from '../../../shared/errors';
import type { SpanCorruptionSettings } from '../../engine/data/examples';
import { openTokenCache } from '../../engine/data/tokenCache';
import { TokenizerRegistry } from '../../engine/data/tokenizerRegistry';
import { prepareTrainingData } from '../../engine/data/trainingData';
import type { CaseTrainingOptions, CaseTrainingResult, TrainingCase } from '../../engine/train/caseTraining';
import { trainOnCase } from '../../engine/train/caseTraining';
import type { TrainerEvent } from '../../engine/train/progress';
import type { TrainerSettings } from '../../engine/train/settings';
import type { TrainResult } from '../../engine/train/trainer';
import { train, trainerModelFromDir } from '../../engine/train/trainer';
import type { HostHandlerMap } from '../handler';

export interface TrainRunPayload {
  readonly runId: string;
  /** Absolute model folder (config.json, model.safetensors, tokenizer files). */
  readonly modelDir: string;
  /** The dataset's token cache for this model's tokenizer (built by main beforehand). */
  readonly tokenCache: { readonly file: string; readonly fingerprint: string };
  readonly split: { readonly validation: readonly number[]; readonly isSelfValidation: boolean };
  readonly span: SpanCorruptionSettings;
  readonly settings: TrainerSettings;
  readonly checkpointDir: string;
  readonly resumeFrom?: string;
}

export type TrainCasePayload = { readonly modelDir: string; readonly batch: TrainingCase } & Omit<
  CaseTrainingOptions,
  'signal' | 'onProgress'
>;

declare module '../protocol' {
  interface HostRequests {
    /** Trains until done or 'train.stop'; checkpoints under `checkpointDir`. */
    'train.run': { payload: TrainRunPayload; result: TrainResult };
    /** Stops the run after its current call, with a checkpoint; false if it is not running here. */
    'train.stop': { payload: { runId: string }; result: { stopping: boolean } };
    /** Trains `modelDir` on the case batch for `steps` steps; the losses before each update. */
    'train.case': { payload: TrainCasePayload; result: CaseTrainingResult };
  }
  interface HostEvents {
    'train.event': { runId: string; event: TrainerEvent };
    /** Case training's losses so far, after each call. */
    'train.caseProgress': { losses: number[] };
  }
}

const tokenizers = new TokenizerRegistry();
const running = new Map<string, AbortController>();

async function runTraining(payload: TrainRunPayload, signal: AbortSignal, emit: (e: TrainerEvent) => void) {
  const opened = openTokenCache(payload.tokenCache.file, payload.tokenCache.fingerprint);
  if (opened.status !== 'ok')
    throw new ApiError(
      'conflict',
      `The dataset's token cache ${payload.tokenCache.file} is ${opened.status}; start the run again`,
    );
  const cache = opened.cache;
  const controller = new AbortController();
  const onAbort = (): void => controller.abort();
  signal.addEventListener('abort', onAbort, { once: true });
  running.set(payload.runId, controller);
  try {
    const tokenizer = await tokenizers.load(payload.modelDir);
    const data = prepareTrainingData(cache, payload.split, payload.span, tokenizer);
    return await train({
      model: trainerModelFromDir(payload.modelDir),
      data: { train: data.train, validation: data.validation, tokenizer },
      settings: payload.settings,
      checkpointDir: payload.checkpointDir,
      resumeFrom: payload.resumeFrom,
      signal: controller.signal,
      onEvent: emit,
    });
  } finally {
    running.delete(payload.runId);
    signal.removeEventListener('abort', onAbort);
    cache.close();
  }
}

export const trainHostHandlers: HostHandlerMap = {
  'train.run': (payload, { signal, emit }) =>
    runTraining(payload, signal, (event) => emit('train.event', { runId: payload.runId, event })),
  'train.stop': async ({ runId }) => {
    const controller = running.get(runId);
    controller?.abort();
    return { stopping: controller !== undefined };
  },
  'train.case': ({ modelDir, batch, ...options }, { signal, emit }) =>
    trainOnCase(modelDir, batch, {
      ...options,
      signal,
      onProgress: (losses) => emit('train.caseProgress', { losses: [...losses] }),
    }),
};
