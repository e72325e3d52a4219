// Turning a run request into its configuration (the preset and the saved provider and threads
// filled in), and that into what the engine host trains with, refusing impossible
// combinations before anything starts — each message names the field: a model that cannot be
// found or read, an input length over the model's limit, a provider this machine cannot load,
// a dataset with no training example at these settings, a batch whose estimated memory is over
// this machine's, settings the trainer refuses (engine/train/settings.ts). Builds the
// dataset's token cache for the model's tokenizer on the way (datasets service).

import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { RunConfig, RunRequest } from '../../shared/contract/runs';
import { resolveRunRequest, runConfigSchema } from '../../shared/contract/runs';
import type { AppSettings } from '../../shared/contract/system';
import { ApiError } from '../../shared/errors';
import type { SpanCorruptionSettings } from '../engine/data/examples';
import { prepareTrainingData } from '../engine/data/trainingData';
import {
  isBuiltinModelName,
  isPresetModelName,
  materializeBuiltinModel,
  materializePresetModel,
  PresetTokenizerError,
} from '../engine/t5/builtin';
import type { T5Config } from '../engine/t5/config';
import { loadT5Config } from '../engine/t5/config';
import { checkInputLength } from '../engine/t5/input-limits';
import type { TrainerSettings } from '../engine/train/settings';
import { TrainerSettingsError, validateSettings } from '../engine/train/settings';
import type { TrainRunPayload } from '../host/handlers/train';
import type { DatasetService } from './datasets';
import { describeIssues } from './dispatch';
import type { ModelService } from './models';
import type { SystemService } from './system';

export interface RunPrepareDeps {
  readonly dataDir: string;
  readonly datasets: DatasetService;
  readonly models: ModelService;
  readonly system: SystemService;
}

/** A prepared run: the host payload without run id and checkpoint paths, and its length. */
export interface PreparedRun {
  readonly payload: Omit<TrainRunPayload, 'runId' | 'checkpointDir' | 'resumeFrom'>;
  readonly totalSteps: number;
  readonly trainingExamples: number;
  /** Input + target tokens per example, and estimateStepBytes at these settings (runs.estimate). */
  readonly exampleTokens: number;
  readonly stepBytes: number;
}

const bad = (message: string): ApiError => new ApiError('invalid_argument', message);

/** The configuration a request starts: its preset under it, the saved provider and threads where it names none. */
export function configOfRequest(request: RunRequest, saved: AppSettings): RunConfig {
  const parsed = runConfigSchema.safeParse(resolveRunRequest(request, saved));
  if (!parsed.success) throw new ApiError('invalid_argument', describeIssues('runs.start', parsed.error.issues));
  return parsed.data;
}

/** The base model's folder: a built-in preset (written on first use), a folder, or a registered model. */
export function resolveRunModel(deps: RunPrepareDeps, model: string): string {
  if (isBuiltinModelName(model)) {
    try {
      return materializeBuiltinModel(deps.dataDir, model);
    } catch (error) {
      throw bad(`model: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  if (model.includes(':'))
    throw bad(
      `model '${model}' is not a built-in model; use builtin:byt5-tiny, preset:NAME with a tokenizer, a folder or a model id`,
    );
  if (existsSync(model)) return path.resolve(model);
  return deps.models.resolve(model).path;
}

/** resolveRunModel, or for `preset:NAME` a from-scratch folder with `run.tokenizer` under <dataDir>/models/preset. */
async function resolveRunBase(deps: RunPrepareDeps, run: RunConfig): Promise<string> {
  if (!isPresetModelName(run.model)) {
    if (run.tokenizer !== undefined)
      throw bad(`tokenizer: only a model preset:NAME takes a tokenizer; model ${run.model} brings its own`);
    return resolveRunModel(deps, run.model);
  }
  if (run.tokenizer === undefined)
    throw bad(
      `tokenizer: model ${run.model} starts from scratch and needs one: a model folder holding tokenizer.json, or bytes`,
    );
  try {
    return await materializePresetModel(
      path.join(deps.dataDir, 'models', 'preset'),
      run.model,
      run.tokenizer,
      run.seed,
    );
  } catch (error) {
    const field = error instanceof PresetTokenizerError ? 'tokenizer' : 'model';
    throw bad(`${field}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function readModelConfig(dir: string, model: string): T5Config {
  try {
    return loadT5Config(dir);
  } catch (error) {
    throw bad(`model '${model}' cannot be read: ${error instanceof Error ? error.message : String(error)}`);
  }
}

async function checkProvider(deps: RunPrepareDeps, provider: string): Promise<void> {
  if (provider === 'cpu') return;
  const info = await deps.system.info();
  const probe = info.providers.find((p) => p.name === provider);
  if (probe?.available) return;
  throw bad(
    `provider '${provider}' is not available on this machine${probe?.reason ? ` (${probe.reason})` : ''}; ` +
      `use provider cpu${info.providers.some((p) => p.available && p.name !== 'cpu') ? ' or one `spanfill system` lists as available' : ''}`,
  );
}

/**
 * Rough bytes one training step needs: parameters with gradients and two optimizer slots,
 * plus activations kept for the backward pass (per token and layer: a few d_model and d_ff
 * vectors, and the attention scores). An estimate to refuse the hopeless, not a promise.
 */
export function estimateStepBytes(
  config: T5Config,
  batchSize: number,
  inputLength: number,
  targetLength: number,
): number {
  const { dModel, dFf, numHeads, numLayers, numDecoderLayers, vocabSize } = config;
  const params = 2 * vocabSize * dModel + (numLayers + 2 * numDecoderLayers) * (4 * dModel * dModel + 2 * dModel * dFf);
  const perLayer = (len: number) => len * (12 * dModel + 3 * dFf) + 3 * numHeads * len * len;
  const activations =
    batchSize *
    (numLayers * perLayer(inputLength) +
      numDecoderLayers * (perLayer(targetLength) + 3 * numHeads * targetLength * inputLength) +
      targetLength * vocabSize * 3);
  return 4 * (4 * params + activations);
}

function checkMemory(config: T5Config, run: RunConfig, targetLength: number): void {
  const need = estimateStepBytes(config, run.batchSize, run.inputLength, targetLength);
  const have = run.provider === 'cpu' ? os.totalmem() * 0.8 : Number.POSITIVE_INFINITY;
  if (need <= have) return;
  const gib = (n: number) => (n / 2 ** 30).toFixed(1);
  throw bad(
    `batchSize ${run.batchSize} at inputLength ${run.inputLength} needs about ${gib(need)} GiB, more than this ` +
      `machine's ${gib(os.totalmem())} GiB allows; lower batchSize (raise accumulation to keep the effective batch) or inputLength`,
  );
}

function stepsOf(run: RunConfig, examples: number): number {
  if ((run.maxSteps === undefined) === (run.epochs === undefined))
    throw bad('give exactly one of maxSteps and epochs (how long to train)');
  if (run.maxSteps !== undefined) return run.maxSteps;
  const perStep = run.batchSize * run.accumulation;
  const steps = Math.max(1, Math.ceil(((run.epochs as number) * examples) / perStep));
  return Math.ceil(steps / run.stepsPerCall) * run.stepsPerCall;
}

export function trainerSettings(run: RunConfig, maxSteps: number): TrainerSettings {
  const hasEnd = run.schedule === 'linear' || run.schedule === 'cosine';
  return {
    batchSize: run.batchSize,
    accumulation: run.accumulation,
    stepsPerCall: run.stepsPerCall,
    mask: run.mask,
    optimizer: { ...run.optimizer, weightDecay: run.weightDecay },
    schedule: {
      kind: run.schedule,
      peakLr: run.lr,
      warmupSteps: run.warmupSteps,
      ...(hasEnd ? { totalSteps: maxSteps } : {}),
    },
    clipNorm: run.clipNorm ?? undefined,
    dropoutRate: run.dropout ?? undefined,
    seed: run.seed,
    maxSteps,
    evalEvery: run.evalEvery,
    checkpointEvery: run.checkpointEvery,
    keepLast: run.keepLast,
    providers: [run.provider],
    intraOpThreads: run.threads > 0 ? run.threads : undefined,
  };
}

/** Validates `run` against its model, dataset and this machine; throws invalid_argument naming the field. */
export async function prepareRun(deps: RunPrepareDeps, run: RunConfig, signal?: AbortSignal): Promise<PreparedRun> {
  const modelDir = await resolveRunBase(deps, run);
  const config = readModelConfig(modelDir, run.model);
  try {
    checkInputLength(config, run.inputLength, `inputLength ${run.inputLength}:`);
  } catch (error) {
    throw bad(error instanceof Error ? `inputLength: ${error.message}` : String(error));
  }
  await checkProvider(deps, run.provider);
  const span: SpanCorruptionSettings = {
    inputLength: run.inputLength,
    noiseDensity: run.noiseDensity,
    meanNoiseSpanLength: run.meanSpanLength,
    mode: run.masking,
    seed: run.dataSeed,
  };
  const tokens = await deps.datasets.tokens(run.datasetId, modelDir, signal);
  let examples: number;
  let targetLength: number;
  try {
    const split = await deps.datasets.validationOrdinals(run.datasetId);
    const data = prepareTrainingData(tokens.cache, split, span, tokens.tokenizer);
    examples = data.train.plan.exampleCount;
    targetLength = data.train.plan.lengths.targetLength;
    if (examples === 0)
      throw bad(
        `dataset ${run.datasetId} is too small: it makes no training example at inputLength ${run.inputLength} ` +
          `(${data.messages.join('; ') || 'documents too short'}); add text or lower inputLength`,
      );
    const maxSteps = stepsOf(run, examples);
    checkMemory(config, run, targetLength);
    const settings = trainerSettings(run, maxSteps);
    try {
      validateSettings(settings, examples);
    } catch (error) {
      if (error instanceof TrainerSettingsError || error instanceof Error) throw bad(error.message);
      throw error;
    }
    return {
      payload: { modelDir, tokenCache: tokens.location, split, span, settings },
      totalSteps: maxSteps,
      trainingExamples: examples,
      exampleTokens: run.inputLength + targetLength,
      stepBytes: estimateStepBytes(config, run.batchSize, run.inputLength, targetLength),
    };
  } catch (error) {
    if (error instanceof RangeError) throw bad(error.message);
    throw error;
  } finally {
    tokens.cache.close();
  }
}
