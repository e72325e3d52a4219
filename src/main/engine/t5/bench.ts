// Measures a randomly initialised T5 of a real shape (a preset) on this machine: graph build +
// session compile time, ms per fused AdamW training step, generation tokens per second with
// the KV cache, and peak RSS. For `spanfill bench` and the notes; never a timed test.

import { benchTrain } from '../bench/train';
import type { T5Config, T5PresetName } from './config';
import { t5Preset } from './config';
import { generate } from '../generation/generate';
import { countParams, randomT5Params, t5ParamShapes } from './params';
import { T5Runtime } from './runtime';
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
  const trained = await benchTrain({ ...options, seed: options.seed ?? 0 });
  const training = {
    trainCompileMs: trained.compileMs,
    firstStepMs: trained.firstStepMs,
    msPerStep: trained.msPerStep,
    losses: trained.losses,
  };
  const generation = await benchGeneration(config, params, Array.from(ids(options.inputLength), Number), options);
  return {
    preset: options.preset,
    parameters: countParams(t5ParamShapes(config)),
    ...training,
    ...generation,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
  };
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
