// `spanfill bench train`: ms per fused training step (AdamW, or Adafactor as T5 trained) of a
// randomly initialised T5 of a real shape (a preset) on one execution provider, with tokens/s,
// peak RSS, the provider that ran and whether every node was placed on it (from ORT's profile
// of the warm-up step, see onnx/placement.ts). Measurements for the notes; never a
// timed test.

import type { NodePlacement } from '../onnx/placement';
import type { OpProfile } from '../onnx/profile';
import type { ProviderName, WebGpuBufferCache } from '../onnx/session';
import type { FusedMode } from '../optim/fused';
import { compile, STEP_BUFFER_CACHE } from '../optim/program';
import type { TrainingProgram } from '../optim/trainingProgram';
import type { BuildDevice } from '../optim/spec';
import type { StepMode } from '../optim/stepMode';
import { Rng } from '../rng';
import type { T5Config, T5PresetName } from '../t5/config';
import { t5Preset } from '../t5/config';
import { countParams, randomT5Params, t5ParamShapes } from '../t5/params';
import { t5BatchFeeds, t5TrainingSpec } from '../t5/training';
import { now, peakRssMb, randomTokenIds, timingStats } from './measure';

export interface TrainBenchOptions {
  readonly preset: T5PresetName;
  /** A config to use instead of the preset's (a model folder's, or a tiny one in tests). */
  readonly config?: T5Config;
  /** What the result calls the model when `config` is given (default: the preset's name). */
  readonly modelName?: string;
  readonly batchSize: number;
  readonly inputLength: number;
  readonly targetLength: number;
  /** Steps timed after the warm-up steps (rounded up to whole calls of stepsPerCall). */
  readonly steps: number;
  /**
   * Untimed steps first (default 1; rounded up to whole calls): the first steps of a process
   * also grow ORT's arena and the heap (page faults), so a steady-state figure wants a few.
   */
  readonly warmupSteps?: number;
  /** Optimizer steps per call of the program, K (default 1), as the trainer's stepsPerCall. */
  readonly stepsPerCall?: number;
  /** How a call runs its K steps (CompileSpec.mode; default 'auto', as the trainer). */
  readonly stepMode?: StepMode;
  /** Keep ORT's profile on through the timed calls and sum it by op type (TrainBenchResult.profile). */
  readonly profile?: boolean;
  readonly provider?: ProviderName;
  readonly threads?: number;
  /** The device the step's graph is shaped for; default the provider's kind (CompileSpec.graphDevice). */
  readonly graphDevice?: BuildDevice;
  /** Where the optimizer's update runs on the CPU (CompileSpec.update; default 'auto', as the trainer). */
  readonly update?: 'auto' | 'graph';
  /** WebGPU's buffer cache (CompileSpec.webgpuBufferCache; default the trainer's, STEP_BUFFER_CACHE). */
  readonly bufferCache?: WebGpuBufferCache;
  /**
   * The optimizer (default 'adamw', weight decay 0.01 at a constant 1e-4); 'adafactor' with
   * HF's defaults, relative step sizes as T5 trained (the demo's), state stacked by shape.
   */
  readonly optimizer?: BenchOptimizer;
  /** Dropout rate; default the preset's. */
  readonly dropoutRate?: number;
  readonly seed?: number;
  readonly signal?: AbortSignal;
}

export type BenchOptimizer = 'adamw' | 'adafactor';

export interface TrainBenchResult {
  /** The preset's name, or `modelName` (a model folder). */
  readonly preset: string;
  readonly parameters: number;
  readonly batchSize: number;
  readonly inputLength: number;
  readonly targetLength: number;
  readonly requestedProvider: ProviderName;
  /** The provider whose session ran the step. */
  readonly provider: ProviderName;
  /** Set when the options asked for a graph shaped for a device other than the provider's kind. */
  readonly graphDevice?: BuildDevice;
  /** WebGPU's buffer cache, when WebGPU ran the step. */
  readonly bufferCache?: WebGpuBufferCache;
  /** Every node on `provider` (Memcpy nodes aside). */
  readonly isFullyPlaced: boolean;
  /** Op type → nodes that ran elsewhere. */
  readonly fallbacks: Readonly<Record<string, number>>;
  readonly placementMessage: string;
  readonly compileMs: number;
  /** Optimizer steps per call (K) and how the calls ran them: one Loop, or K one-step runs. */
  readonly stepsPerCall: number;
  readonly stepMode: FusedMode;
  /** Where the optimizer's update ran: graph nodes, or WebAssembly on the host (optim/hostProgram.ts). */
  readonly update: 'graph' | 'host';
  readonly optimizer: BenchOptimizer;
  /** Untimed steps run first (whole calls). */
  readonly warmupSteps: number;
  /** The first call's time over K. */
  readonly firstStepMs: number;
  /** Each timed call's time over K, averaged (min and max likewise). */
  readonly msPerStep: number;
  readonly minMsPerStep: number;
  readonly maxMsPerStep: number;
  /** (input + target tokens per step) / mean step time. */
  readonly tokensPerSecond: number;
  readonly losses: number[];
  /**
   * With `profile`: kernel time per op type and step over the timed calls. Profiling costs
   * time per node, so msPerStep is then higher than without.
   */
  readonly profile?: OpProfile;
  /** Peak RSS of the process that ran the bench: the engine host under `spanfill bench`. */
  readonly peakRssMb: number;
}

/** Random ids in [2, V) as the data module's int64 rows. */
function randomIds(config: T5Config, rng: Rng, n: number): BigInt64Array {
  return BigInt64Array.from(randomTokenIds(config.vocabSize, rng, n), BigInt);
}

/** `rows` examples of random ids, every input position attended. */
function randomBatch(config: T5Config, rows: number, te: number, td: number, seed: number) {
  const rng = Rng.fromWords(seed);
  return t5BatchFeeds({
    inputIds: randomIds(config, rng, rows * te),
    attentionMask: new BigInt64Array(rows * te).fill(1n),
    labels: randomIds(config, rng, rows * td),
  });
}

/** The training program the bench times: random-data shapes, a constant schedule, placement recorded. */
function compileBench(
  config: T5Config,
  options: TrainBenchOptions,
  k: number,
  provider: ProviderName,
): Promise<TrainingProgram> {
  const { batchSize, inputLength, targetLength } = options;
  return compile({
    ...t5TrainingSpec(config, { batchSize, inputLength, targetLength }, { dropoutRate: options.dropoutRate }),
    optimizer: options.optimizer === 'adafactor' ? { kind: 'adafactor' } : { kind: 'adamw', weightDecay: 0.01 },
    schedule: { kind: 'constant', peakLr: 1e-4, warmupSteps: 0 }, // Adafactor's relative steps ignore it
    k,
    mode: options.stepMode,
    providers: [provider],
    intraOpThreads: options.threads,
    graphDevice: options.graphDevice,
    update: options.update,
    webgpuBufferCache: options.bufferCache,
    recordPlacement: true,
  });
}

export async function benchTrain(options: TrainBenchOptions): Promise<TrainBenchResult> {
  const config = options.config ?? t5Preset(options.preset);
  const { batchSize: b, inputLength: te, targetLength: td } = options;
  const k = options.stepsPerCall ?? 1;
  if (!(Number.isSafeInteger(k) && k >= 1))
    throw new Error(`benchTrain: stepsPerCall must be an integer ≥ 1, got ${k}`);
  const batch = randomBatch(config, k * b, te, td, options.seed ?? 1);
  const requested = options.provider ?? 'cpu';
  const start = now();
  const program = await compileBench(config, options, k, requested);
  const compileMs = now() - start;
  const warmupCalls = Math.ceil((options.warmupSteps ?? 1) / k);
  const calls = { warmup: warmupCalls, timed: Math.ceil(options.steps / k) };
  const stepMode = program.mode;
  const { losses, times, placement, profile } = await timeCalls(program, config, options, calls, batch);
  const perStep = times.map((t) => t / k);
  const timed = timingStats(perStep.length > warmupCalls ? perStep.slice(warmupCalls) : perStep);
  const msPerStep = timed.mean;
  return {
    preset: options.modelName ?? options.preset,
    parameters: countParams(t5ParamShapes(config)),
    batchSize: b,
    inputLength: te,
    targetLength: td,
    requestedProvider: requested,
    provider: program.placement.provider,
    ...(options.graphDevice ? { graphDevice: options.graphDevice } : {}),
    ...(program.placement.provider === 'webgpu' ? { bufferCache: options.bufferCache ?? STEP_BUFFER_CACHE } : {}),
    isFullyPlaced: placement.isFullyPlaced,
    fallbacks: placement.fallbacks,
    placementMessage: program.placement.message,
    compileMs,
    stepsPerCall: k,
    stepMode,
    update: program.update,
    optimizer: options.optimizer ?? 'adamw',
    warmupSteps: warmupCalls * k,
    firstStepMs: perStep[0],
    msPerStep,
    minMsPerStep: timed.min,
    maxMsPerStep: timed.max,
    tokensPerSecond: (b * (te + td) * 1000) / msPerStep,
    losses,
    ...(profile ? { profile } : {}),
    peakRssMb: peakRssMb(),
  };
}

/**
 * Runs the warm-up calls and the timed ones (each of K steps). Placement is read after the
 * first call (which ends ORT's profiling, so the timed calls run without it), or with
 * `options.profile` after the last, with the op profile of the timed calls.
 */
async function timeCalls(
  program: TrainingProgram,
  config: T5Config,
  options: TrainBenchOptions,
  calls: { readonly warmup: number; readonly timed: number },
  batch: ReturnType<typeof t5BatchFeeds>,
): Promise<{ losses: number[]; times: number[]; placement: NodePlacement; profile?: OpProfile }> {
  const losses: number[] = [];
  const times: number[] = [];
  let placement: NodePlacement | undefined;
  let profile: OpProfile | undefined;
  try {
    program.setParams(Object.fromEntries(randomT5Params(config, options.seed ?? 0)));
    for (let i = 0; i < calls.warmup + calls.timed; i++) {
      options.signal?.throwIfAborted();
      const start = now();
      losses.push(...(await program.step(batch)).losses);
      times.push(now() - start);
      if (!options.profile) placement ??= program.nodePlacement();
    }
    if (options.profile) profile = program.opProfile(calls.warmup);
    placement ??= program.nodePlacement();
  } finally {
    await program.release();
  }
  return { losses, times, placement, ...(profile ? { profile } : {}) };
}
