// Runs domain: a training run's configuration (validated here, at every transport boundary,
// with messages that name the field), its lifecycle calls and what they return. Backs
// `spanfill train`, `spanfill runs` and the Train/Runs screens; the service is
// src/main/services/runs.ts, the loop runs in the engine host (host/handlers/train.ts →
// engine/train). Checks that need the model, the dataset or the machine are the service's.
// What the calls answer (summaries, metrics, comparisons, estimates) is in runResults.ts.

import { displayNameSchema } from './displayName';
import { z } from 'zod';
import { call } from './define';
import {
  dataSeedSchema,
  inputLengthSchema,
  MASKING_DEFAULTS,
  meanSpanLengthSchema,
  noiseDensitySchema,
} from './masking';
import type { AppSettings, ProviderStatus } from './system';
import { idText, keyText, pathText } from './bounded';
import type {
  ListedCheckpoint,
  MetricPoint,
  RunCheckpointProblem,
  RunComparison,
  RunEstimate,
  RunMetrics,
  RunStarted,
  RunSummary,
} from './runResults';

export type {
  CheckpointUseProblem,
  ListedCheckpoint,
  MetricColumns,
  MetricPoint,
  RunCheckpoint,
  RunCheckpointProblem,
  RunComparison,
  RunEstimate,
  RunMetrics,
  RunStarted,
  RunStatusName,
  RunSummary,
} from './runResults';
export {
  canResume,
  comparedDatasetValue,
  DIVERGED_WORDS,
  hasDiverged,
  NO_READABLE_CHECKPOINT_WORDS,
  RESUMABLE_STATUSES,
  unusableWords,
} from './runResults';

const int = (min: number, max: number) => z.number().int().min(min).max(max);

/** Checkpoints kept (the last N, and the best): a run's keepLast, and what a resume may change it to. */
export const keepLastSchema = int(1, 1000);

/** AdamW or Adafactor and their settings (the engine's defaults when left out). */
export const optimizerSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('adamw'),
    beta1: z.number().min(0).lt(1).optional(),
    beta2: z.number().min(0).lt(1).optional(),
    eps: z.number().positive().optional(),
  }),
  z.strictObject({
    kind: z.literal('adafactor'),
    beta1: z.number().min(0).lt(1).optional(),
    clipThreshold: z.number().positive().optional(),
    decayRate: z.number().lt(0).optional(),
    scaleParameter: z.boolean().optional(),
  }),
]);

export const PROVIDER_NAMES = ['cpu', 'cuda', 'webgpu', 'dml'] as const;
export const RUN_PRESETS = ['quick', 'standard'] as const;
export type RunPresetName = (typeof RUN_PRESETS)[number];

const threadsSchema = z
  .number()
  .int('threads must be a whole number')
  .min(0, 'threads must be ≥ 0 (0: onnxruntime picks one per core)')
  .max(1024, 'threads must be ≤ 1024');

/** Most micro-batches one optimizer step accumulates (the schema's limit on accumulation). */
export const ACCUMULATION_MAX = 1024;

const memoryBudgetSchema = z
  .number()
  .int('memoryBudgetMiB must be a whole number of MiB')
  .min(64, 'memoryBudgetMiB must be at least 64 (MiB); leave it out to use the free memory less a margin')
  .max(16_777_216, 'memoryBudgetMiB must be at most 16777216 (16 TiB)');

/**
 * Recorded when the asked batch did not fit the memory budget and the run trains smaller
 * micro-batches with more accumulation instead (the same examples per optimizer step).
 */
export const memorySplitSchema = z.strictObject({
  askedBatchSize: z.number().int().min(1),
  askedAccumulation: z.number().int().min(1),
  /** The estimate of one step at the asked batch, and the budget it was over (bytes). */
  neededBytes: z.number().nonnegative(),
  budgetBytes: z.number().nonnegative(),
  /** Where the budget comes from: memoryBudgetMiB, or free memory less a margin. */
  basis: z.string(),
});

export type MemorySplit = z.output<typeof memorySplitSchema>;

/** The T5 shapes a run can start from scratch as `preset:NAME` (engine/t5/config.ts holds their sizes). */
export const T5_SHAPE_NAMES = ['t5-small', 't5-base', 't5-v1_1-small', 'flan-t5-small', 'flan-t5-base'] as const;
export type T5ShapeName = (typeof T5_SHAPE_NAMES)[number];
/** How a run's model names a shape from scratch: `preset:t5-small`. */
export const PRESET_PREFIX = 'preset:';

export function isPresetModelName(model: string): boolean {
  return model.startsWith(PRESET_PREFIX);
}

/** Everything a run is started with; stored as the run's config JSON and parsed with this schema. */
export const runConfigSchema = z.strictObject({
  name: z.string().min(1).max(200).optional(),
  /**
   * A model folder, a registered model id, a pulled repo id, a built-in model (builtin:byt5-tiny),
   * or `preset:NAME` — a T5 shape (t5-small, …) initialised from scratch with `tokenizer`.
   */
  model: pathText('model is required: a model folder, a model id, builtin:byt5-tiny or preset:NAME'),
  /** Only with model preset:NAME: a model folder or model id whose tokenizer.json to use, or `bytes`. */
  tokenizer: pathText().optional(),
  datasetId: idText('datasetId is required (`spanfill datasets list` shows the ids)'),
  inputLength: inputLengthSchema.default(MASKING_DEFAULTS.inputLength),
  /** Any share in (0, 1), so runs stored before MASKING_BOUNDS stay readable; a new run's is bounded (runRequestSchema). */
  noiseDensity: z
    .number()
    .gt(0, 'noiseDensity must be > 0')
    .lt(1, 'noiseDensity must be < 1')
    .default(MASKING_DEFAULTS.noiseDensity),
  meanSpanLength: meanSpanLengthSchema.default(MASKING_DEFAULTS.meanSpanLength),
  masking: z.enum(['packed', 'per-document']).default('packed'),
  mask: z.enum(['dynamic', 'fixed']).default('dynamic'),
  /** The data's seed (span masks, shuffle); dropout uses `seed`. */
  dataSeed: dataSeedSchema.default(MASKING_DEFAULTS.seed),
  batchSize: int(1, 4096).default(8),
  accumulation: int(1, ACCUMULATION_MAX).default(1),
  /** Optimizer steps per engine call (K); maxSteps and intervals must be multiples of it. */
  stepsPerCall: int(1, 100).default(1),
  optimizer: optimizerSchema.default({ kind: 'adamw' }),
  lr: z.number().positive('lr must be > 0').max(10).default(1e-3),
  schedule: z.enum(['constant', 'linear', 'cosine', 'inverseSqrt']).default('linear'),
  warmupSteps: int(0, 10_000_000).default(0),
  weightDecay: z.number().min(0).max(10).default(0),
  /** Global gradient-norm clipping; null: off. */
  clipNorm: z.number().positive('clipNorm must be > 0 (or null: off)').nullable().default(1),
  /** null: the model config's dropout_rate. */
  dropout: z.number().min(0).lt(1, 'dropout must be < 1').nullable().default(null),
  /** Exactly one of maxSteps and epochs (epochs become steps once the dataset is known). */
  maxSteps: int(1, 100_000_000).optional(),
  epochs: z.number().positive('epochs must be > 0').max(100_000).optional(),
  evalEvery: int(0, 100_000_000).default(0),
  checkpointEvery: int(0, 100_000_000).default(0),
  keepLast: keepLastSchema.default(3),
  seed: int(0, 2 ** 32 - 1).default(0),
  provider: z.enum(PROVIDER_NAMES).default('cpu'),
  /** onnxruntime's intra-op CPU threads; 0: onnxruntime's default (one per core). */
  threads: threadsSchema.default(0),
  /**
   * Memory one training step may use, in MiB; left out: the free memory (RAM on the CPU, GPU
   * memory by nvidia-smi on cuda and webgpu) less a margin. A batch over it trains as smaller
   * micro-batches with more accumulation (memorySplit).
   */
  memoryBudgetMiB: memoryBudgetSchema.optional(),
  /** Set by the service, never by a caller: batchSize and accumulation were split to fit memory. */
  memorySplit: memorySplitSchema.optional(),
});

export type RunConfigInput = z.input<typeof runConfigSchema>;
export type RunConfig = z.output<typeof runConfigSchema>;

/** The presets' settings, under what the caller passes. */
export const runPresets: Readonly<Record<RunPresetName, Partial<RunConfigInput>>> = {
  /** A few minutes on a laptop CPU: short inputs, small batches. */
  quick: {
    inputLength: 64,
    batchSize: 8,
    stepsPerCall: 10,
    maxSteps: 200,
    evalEvery: 50,
    checkpointEvery: 100,
    provider: 'cpu',
    lr: 1e-3,
    schedule: 'linear',
    warmupSteps: 20,
  },
  /** A GPU run of T5's usual shape. */
  standard: {
    inputLength: 512,
    batchSize: 32,
    stepsPerCall: 10,
    maxSteps: 10_000,
    evalEvery: 500,
    checkpointEvery: 1000,
    provider: 'webgpu',
    lr: 1e-3,
    schedule: 'linear',
    warmupSteps: 500,
  },
};

/**
 * A preset's settings under the caller's own (the caller's win; a field present but undefined is
 * not given). How long to train is one choice: passes over the data asked for (epochs) replace
 * the preset's steps rather than meeting them as a second answer.
 */
export function withPreset(preset: RunPresetName | undefined, config: RunConfigInput): RunConfigInput {
  if (preset === undefined) return config;
  const given = Object.entries(config).filter(([, value]) => value !== undefined);
  const { maxSteps, ...others } = runPresets[preset];
  const under = config.epochs === undefined ? { ...others, maxSteps } : others;
  return { ...under, ...(Object.fromEntries(given) as RunConfigInput) };
}

export type RunProviderName = (typeof PROVIDER_NAMES)[number];

type WithoutDefaults<T extends z.ZodRawShape> = {
  [K in keyof T]: T[K] extends z.ZodDefault<infer Inner> ? z.ZodOptional<Inner> : T[K];
};

/** The same fields, checked the same way, but left out where not given (a default becomes optional). */
function withoutDefaults<T extends z.ZodRawShape>(shape: T): WithoutDefaults<T> {
  const entries = Object.entries(shape).map(([key, field]) => [
    key,
    field instanceof z.ZodDefault ? z.optional(field.unwrap()) : field,
  ]);
  return Object.fromEntries(entries) as WithoutDefaults<T>;
}

/**
 * What runs.start and runs.estimate take: the configuration's fields with nothing filled in
 * yet, and a preset. resolveRunRequest puts the preset's settings under the caller's and fills
 * a provider and threads left out from the saved settings; the schema's defaults come last.
 * The stored configuration (runConfigSchema) always names every field.
 */
export const runRequestSchema = z.strictObject({
  ...withoutDefaults(runConfigSchema.omit({ memorySplit: true }).shape),
  /** Within MASKING_BOUNDS, as the Masking screen and `spanfill mask` take it. */
  noiseDensity: noiseDensitySchema.optional(),
  preset: z.enum(RUN_PRESETS).optional(),
});

export type RunRequestInput = z.input<typeof runRequestSchema>;
export type RunRequest = z.output<typeof runRequestSchema>;

/**
 * The provider a new run takes when its caller names none: the saved one (system.settings);
 * under 'auto', the preset's (quick: cpu, standard: webgpu) where `providers` (the machine's
 * probe, when known) has it available and not on a software driver (WebGPU with no GPU found,
 * far slower than the CPU), else the CPU. 'auto' does not otherwise rank the providers that load.
 */
export function defaultRunProvider(
  saved: AppSettings['provider'],
  preset: RunPresetName | undefined,
  providers?: readonly ProviderStatus[],
): RunProviderName {
  if (saved !== 'auto') return saved;
  const wanted = (preset === undefined ? undefined : runPresets[preset].provider) ?? 'cpu';
  if (providers === undefined || wanted === 'cpu') return wanted;
  const probe = providers.find((p) => p.name === wanted);
  return probe?.available && !probe.isSoftware ? wanted : 'cpu';
}

/**
 * Why 'auto' trains `preset` on the CPU instead of its own provider on this machine, in words;
 * undefined when it does not (or the settings are not 'auto').
 */
export function autoFallbackNote(
  saved: AppSettings['provider'],
  preset: RunPresetName | undefined,
  providers: readonly ProviderStatus[] | undefined,
): string | undefined {
  const wanted = defaultRunProvider(saved, preset);
  if (wanted === 'cpu' || defaultRunProvider(saved, preset, providers) !== 'cpu') return undefined;
  const probe = providers?.find((p) => p.name === wanted);
  const why = probe?.reason ?? `${wanted} is not available here`;
  return `provider auto takes the CPU here, not ${wanted}: ${why}`;
}

/**
 * A request as a configuration (still to be checked): the preset under the caller's settings,
 * the saved provider (under 'auto' as `providers` allow, defaultRunProvider) and threads where
 * it names none.
 */
export function resolveRunRequest(
  request: RunRequest,
  saved: AppSettings,
  providers?: readonly ProviderStatus[],
): RunConfigInput {
  const { preset, ...given } = request;
  return {
    ...withPreset(preset, given),
    provider: given.provider ?? defaultRunProvider(saved.provider, preset, providers),
    threads: given.threads ?? saved.cpuThreads,
  };
}

/** runs.get's answer: the summary with the configuration it trains with, its checkpoints and latest metrics. */
export interface RunDetail extends RunSummary {
  readonly config: RunConfig;
  /** In step order, each that cannot be used for a fill or an export with what keeps it from use. */
  readonly checkpoints: readonly ListedCheckpoint[];
  /** Its checkpoints that cannot be used, unreadable (resuming from them included) or missing, in step order. */
  readonly checkpointProblems: readonly RunCheckpointProblem[];
  /** The latest value of each metric. */
  readonly last: Readonly<Record<string, number>>;
  /**
   * The lowest validation loss (eval.loss) of all its evaluations, kept checkpoint or not, and the
   * earliest step it came at; null before the first. What runs.compare gives as bestEvalLoss.
   */
  readonly bestEval: MetricPoint | null;
  /** What the run's folder takes on disk (its checkpoints, mostly): what deleting it frees. */
  readonly diskBytes: number;
}

/**
 * A run and the checkpoints it keeps, in step order (runs.checkpoints), each that cannot be used
 * with what keeps it from use (as in runs.get: its folder deleted, its model not reading).
 */
export interface RunCheckpoints {
  readonly run: RunSummary;
  readonly checkpoints: readonly ListedCheckpoint[];
}

const id = z.strictObject({ id: idText() });

/** The most runs one comparison takes (the Runs screen's chart draws each its own way, lib/seriesStyle.ts). */
export const MAX_COMPARED_RUNS = 20;

export const runCalls = {
  /**
   * Validates the configuration (provider and threads default to the saved settings), then
   * starts the run in the engine host; returns once it is queued or running, with what to tell
   * the person who started it (a batch split to fit memory, memory not checked).
   */
  start: call<RunStarted>()(z.strictObject({ config: runRequestSchema })),
  /**
   * Checks the configuration like start, then says its steps, memory and (when known) time;
   * starts nothing. `timeSteps` also times a few training steps of its shape now (seconds to
   * a minute in the engine host) for the time; without it the time comes from such a timing
   * or an earlier run of the same shape, when there is one.
   */
  estimate: call<RunEstimate>()(z.strictObject({ config: runRequestSchema, timeSteps: z.boolean().optional() })),
  list: call<RunSummary[]>()(z.strictObject({})),
  get: call<RunDetail>()(id),
  /**
   * Metric series of a set of runs, each as columns (MetricColumns: steps and values); `names`
   * limits which (an empty list: none). An unknown run is not_found.
   */
  metrics: call<RunMetrics>()(
    z.strictObject({ ids: z.array(idText()).min(1).max(50), names: z.array(keyText).max(64).optional() }),
  ),
  compare: call<RunComparison>()(z.strictObject({ ids: z.array(idText()).min(2).max(MAX_COMPARED_RUNS) })),
  /** Stops after the current call with a checkpoint; status paused. */
  pause: call<RunSummary>()(id),
  /**
   * Continues a paused, stopped, interrupted or failed run from its newest checkpoint that reads
   * whole; the notices name each newer one that does not and what is wrong with it. A run whose
   * checkpoints all fail to read is refused (NO_READABLE_CHECKPOINT_WORDS) unless `fromStart`,
   * which starts it again from step 0. `keepLast` changes the run's Checkpoints kept (stored in
   * its configuration) from the first checkpoint it saves on: fewer for a disk that filled up.
   */
  resume: call<RunStarted>()(
    z.strictObject({ id: idText(), fromStart: z.boolean().optional(), keepLast: keepLastSchema.optional() }),
  ),
  /** Stops with a final checkpoint; status stopped. */
  stop: call<RunSummary>()(id),
  /** A new display name (the id, settings and files stay); any time, also while it trains. */
  rename: call<RunSummary>()(z.strictObject({ id: idText(), name: displayNameSchema })),
  /** Deletes the run, its metrics and its checkpoint files (confirming is the UI's job). */
  remove: call<{ id: string; removed: boolean }>()(id),
  /**
   * Every run that keeps a checkpoint, with them, in runs.list's order: what the model lists that
   * offer checkpoints show, in one call however many runs there are. Each that cannot be used says
   * why (ListedCheckpoint.problem), from a look at its files' headers, as runs.get says it.
   */
  checkpoints: call<RunCheckpoints[]>()(z.strictObject({})),
};
