// T5 in the training compiler: HF config and weights, graphs (training, evaluation,
// inference), the generation runtime and sentinel rendering. Dimension letters: dims.ts.
export * from './config';
export { t5ParamShapes, randomT5Params, countParams, isNormParam } from './params';
export {
  loadT5Model,
  loadT5Weights,
  saveT5Model,
  saveT5Weights,
  weightsFromParams,
  T5WeightsError,
  DEFAULT_LAYOUT,
} from './weights';
export type { T5Weights, WeightLayout } from './weights';
export { SafetensorsError } from './safetensors';
export { buildTrainingGraph, t5Forward, IGNORE_INDEX, BATCH_INPUT_NAMES } from './model';
export type { T5Shapes, T5BatchTensors, T5TrainingGraph } from './model';
export { t5TrainingSpec, t5BatchFeeds, buildEvalGraph, EVAL_OUTPUTS } from './training';
export type { T5TrainingSpec } from './training';
export { checkInferenceSize, inferenceInitializerBytes, T5InferenceSizeError } from './inference';
export { T5Runtime } from './runtime';
export type { T5RuntimeOptions } from './runtime';
export { generate, GenerationError } from './generate';
export type {
  DecodingStrategy,
  GenerationOptions,
  GenerationResult,
  Seq2SeqGenerator,
  DecodingSession,
} from './generate';
export { fillSentinels, parseSpans } from './sentinels';
export type { FilledText, FilledSpan } from './sentinels';
export { scoreBatch } from './score';
export type { ScoreBatch, ScoreResult } from './score';
export { scoreModelCase } from './case';
export { fillPrompt } from './fill';
export { benchT5 } from './bench';
