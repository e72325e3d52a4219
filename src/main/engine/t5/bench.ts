// Measures a randomly initialised T5 of a real shape (a preset) on this machine: graph build +
// session compile time, ms per fused AdamW training step, generation tokens per second with
// the KV cache, and peak RSS. For `spanfill bench` and the notes; never a timed test.

import { compile } from '../optim/program';
import type { T5Config, T5PresetName } from './config';
import { t5Preset } from './config';
import { generate } from '../generation/generate';
import { countParams, randomT5Params, t5ParamShapes } from './params';
import { T5Runtime } from './runtime';
import { t5BatchFeeds, t5TrainingSpec } from './training';
import { Rng } from '../rng';

export interface T5BenchOptions {
  readonly preset: T5PresetName;
  readonly batchSize: number;
  readonly inputLength: number;
  readonly targetLength: number;
  /** Training steps timed after one warm-up step. */
  readonly steps: number;
  readonly newTokens: number;
  readonly seed?: number;
}

export interface T5BenchResult {
  readonly preset: T5PresetName;
  readonly parameters: number;
  readonly trainCompileMs: number;
  readonly firstStepMs: number;
  readonly msPerStep: number;
  readonly losses: number[];
  readonly generationCompileMs: number;
  readonly generatedTokens: number;
  readonly tokensPerSecond: number;
  readonly peakRssMb: number;
}

const now = (): number => performance.now();

export async function benchT5(options: T5BenchOptions): Promise<T5BenchResult> {
  const config = t5Preset(options.preset);
  const params = randomT5Params(config, options.seed ?? 0);
  const rng = Rng.fromWords(options.seed ?? 1);
  const ids = (n: number): BigInt64Array =>
    BigInt64Array.from({ length: n }, () => BigInt(2 + rng.below(config.vocabSize - 2)));
  const training = await benchTraining(config, params, options, ids);
  const generation = await benchGeneration(config, params, Array.from(ids(options.inputLength), Number), options);
  return {
    preset: options.preset,
    parameters: countParams(t5ParamShapes(config)),
    ...training,
    ...generation,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
  };
}

type RandomIds = (n: number) => BigInt64Array;

/** Compile the fused step, then time the first step and the mean of the next `steps`. */
async function benchTraining(
  config: T5Config,
  params: Map<string, Float32Array>,
  options: T5BenchOptions,
  ids: RandomIds,
): Promise<Pick<T5BenchResult, 'trainCompileMs' | 'firstStepMs' | 'msPerStep' | 'losses'>> {
  const { batchSize: b, inputLength: te, targetLength: td } = options;
  const batch = t5BatchFeeds({
    inputIds: ids(b * te),
    attentionMask: new BigInt64Array(b * te).fill(1n),
    labels: ids(b * td),
  });
  let start = now();
  const spec = t5TrainingSpec(config, { batchSize: b, inputLength: te, targetLength: td });
  const program = await compile({
    ...spec,
    optimizer: { kind: 'adamw', weightDecay: 0.01 },
    schedule: { kind: 'constant', peakLr: 1e-4, warmupSteps: 0 },
    k: 1,
  });
  const trainCompileMs = now() - start;
  const losses: number[] = [];
  let firstStepMs = 0;
  let stepMs = 0;
  try {
    program.setParams(Object.fromEntries(params));
    for (let i = 0; i <= options.steps; i++) {
      start = now();
      losses.push((await program.step(batch)).losses[0]);
      if (i === 0) firstStepMs = now() - start;
      else stepMs += now() - start;
    }
  } finally {
    await program.release();
  }
  return { trainCompileMs, firstStepMs, msPerStep: options.steps > 0 ? stepMs / options.steps : firstStepMs, losses };
}

/** Greedy generation of `newTokens` twice: the first run pays for compiling the graphs. */
async function benchGeneration(
  config: T5Config,
  params: Map<string, Float32Array>,
  prompt: number[],
  options: T5BenchOptions,
): Promise<Pick<T5BenchResult, 'generationCompileMs' | 'generatedTokens' | 'tokensPerSecond'>> {
  const runtime = new T5Runtime(config, params);
  // eos −1: never stop early, so exactly newTokens are generated from a random model.
  const generation = {
    strategy: { kind: 'greedy' } as const,
    maxNewTokens: options.newTokens,
    decoderStartTokenId: 0,
    eosTokenId: -1,
    padTokenId: 0,
  };
  let start = now();
  await generate(runtime, [prompt], generation);
  const generationCompileMs = now() - start;
  start = now();
  const { sequences } = await generate(runtime, [prompt], generation);
  const generationMs = now() - start;
  await runtime.release();
  return {
    generationCompileMs: generationCompileMs - generationMs,
    generatedTokens: sequences[0].length - 1,
    tokensPerSecond: ((sequences[0].length - 1) / generationMs) * 1000,
  };
}
