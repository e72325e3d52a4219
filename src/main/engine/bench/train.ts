// `spanfill bench train`: ms per fused AdamW training step of a randomly initialised T5 of a
// real shape (a preset) on one execution provider, with tokens/s, peak RSS, the provider that
// ran and whether every node was placed on it (from ORT's profile of the warm-up step, see
// onnx/placement.ts). Measurements for the notes; never a timed test.

import type { NodePlacement } from '../onnx/placement';
import type { ProviderName } from '../onnx/session';
import { compile, type TrainingProgram } from '../optim/program';
import type { BuildDevice } from '../optim/spec';
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
  /** Steps timed after the warm-up steps. */
  readonly steps: number;
  /**
   * Untimed steps first (default 1): the first steps of a process also grow ORT's arena and
   * the heap (page faults), so a steady-state figure wants a few.
   */
  readonly warmupSteps?: number;
  readonly provider?: ProviderName;
  readonly threads?: number;
  /** The device the step's graph is shaped for; default the provider's kind (CompileSpec.graphDevice). */
  readonly graphDevice?: BuildDevice;
  /** Dropout rate; default the preset's. */
  readonly dropoutRate?: number;
  readonly seed?: number;
  readonly signal?: AbortSignal;
}

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
  /** Every node on `provider` (Memcpy nodes aside). */
  readonly isFullyPlaced: boolean;
  /** Op type → nodes that ran elsewhere. */
  readonly fallbacks: Readonly<Record<string, number>>;
  readonly placementMessage: string;
  readonly compileMs: number;
  readonly warmupSteps: number;
  readonly firstStepMs: number;
  readonly msPerStep: number;
  readonly minMsPerStep: number;
  readonly maxMsPerStep: number;
  /** (input + target tokens per step) / mean step time. */
  readonly tokensPerSecond: number;
  readonly losses: number[];
  /** Peak RSS of the process that ran the bench: the engine host under `spanfill bench`. */
  readonly peakRssMb: number;
}

/** Random ids in [2, V) as the data module's int64 rows. */
function randomIds(config: T5Config, rng: Rng, n: number): BigInt64Array {
  return BigInt64Array.from(randomTokenIds(config.vocabSize, rng, n), BigInt);
}

export async function benchTrain(options: TrainBenchOptions): Promise<TrainBenchResult> {
  const config = options.config ?? t5Preset(options.preset);
  const { batchSize: b, inputLength: te, targetLength: td } = options;
  const rng = Rng.fromWords(options.seed ?? 1);
  const batch = t5BatchFeeds({
    inputIds: randomIds(config, rng, b * te),
    attentionMask: new BigInt64Array(b * te).fill(1n),
    labels: randomIds(config, rng, b * td),
  });
  const requested = options.provider ?? 'cpu';
  const start = now();
  const program = await compile({
    ...t5TrainingSpec(
      config,
      { batchSize: b, inputLength: te, targetLength: td },
      { dropoutRate: options.dropoutRate },
    ),
    optimizer: { kind: 'adamw', weightDecay: 0.01 },
    schedule: { kind: 'constant', peakLr: 1e-4, warmupSteps: 0 },
    k: 1,
    providers: [requested],
    intraOpThreads: options.threads,
    graphDevice: options.graphDevice,
    recordPlacement: true,
  });
  const compileMs = now() - start;
  const warmup = options.warmupSteps ?? 1;
  const { losses, times, placement } = await timeSteps(program, config, { ...options, warmupSteps: warmup }, batch);
  const timed = timingStats(times.length > warmup ? times.slice(warmup) : times);
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
    isFullyPlaced: placement.isFullyPlaced,
    fallbacks: placement.fallbacks,
    placementMessage: program.placement.message,
    compileMs,
    warmupSteps: warmup,
    firstStepMs: times[0],
    msPerStep,
    minMsPerStep: timed.min,
    maxMsPerStep: timed.max,
    tokensPerSecond: (b * (te + td) * 1000) / msPerStep,
    losses,
    peakRssMb: peakRssMb(),
  };
}

/** Runs the warm-up steps and `options.steps` timed ones; placement is read after the first step. */
async function timeSteps(
  program: TrainingProgram,
  config: T5Config,
  options: TrainBenchOptions & { readonly warmupSteps: number },
  batch: ReturnType<typeof t5BatchFeeds>,
): Promise<{ losses: number[]; times: number[]; placement: NodePlacement }> {
  const losses: number[] = [];
  const times: number[] = [];
  let placement: NodePlacement | undefined;
  try {
    program.setParams(Object.fromEntries(randomT5Params(config, options.seed ?? 0)));
    for (let i = 0; i < options.warmupSteps + options.steps; i++) {
      options.signal?.throwIfAborted();
      const start = now();
      losses.push((await program.step(batch)).losses[0]);
      times.push(now() - start);
      // Read after the first step: this ends ORT's profiling, so the timed steps run without it.
      placement ??= program.nodePlacement();
    }
  } finally {
    await program.release();
  }
  return { losses, times, placement: placement as NodePlacement };
}
