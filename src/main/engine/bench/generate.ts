// `spanfill bench generate`: ms per new token of T5 generation through engine/generation and
// the T5 runtime's encoder and cached decoder-step graphs, at 8 and 64 new tokens, greedy and
// beam search (4 beams), from one random prompt; a preset with random weights or a model
// folder, on one execution provider. Measurements for the notes; never a timed test.

import { generate } from '../generation/generate';
import type { DecodingSession, DecodingStrategy, Seq2SeqGenerator } from '../generation/types';
import type { ProviderName } from '../onnx/session';
import { Rng } from '../rng';
import type { T5Config, T5PresetName } from '../t5/config';
import type { CacheMode } from '../t5/inference';
import { t5Preset } from '../t5/config';
import { countParams, randomT5Params, t5ParamShapes } from '../t5/params';
import { T5Runtime } from '../t5/runtime';
import { loadT5Model } from '../t5/weights';
import { now, peakRssMb, randomTokenIds, timingStats } from './measure';

export const DEFAULT_NEW_TOKENS: readonly number[] = [8, 64];
export const DEFAULT_NUM_BEAMS = 4;

/** A preset with random weights (`config` replaces its shape: tests use a tiny one), or a folder. */
export type GenerateBenchModel =
  { readonly preset: T5PresetName; readonly config?: T5Config } | { readonly dir: string };

export interface GenerateBenchOptions {
  readonly model: GenerateBenchModel;
  /** Length of the random prompt. */
  readonly promptTokens: number;
  readonly newTokens?: readonly number[];
  readonly numBeams?: number;
  /** Timed generations per cell, after one untimed one. */
  readonly repeats: number;
  readonly provider?: ProviderName;
  readonly threads?: number;
  readonly seed?: number;
  readonly signal?: AbortSignal;
  /** Called as each cell is measured (progress). */
  readonly onCell?: (cell: GenerateCell) => void;
}

export interface GenerateCell {
  readonly decoding: 'greedy' | 'beam';
  /** 1 for greedy. */
  readonly numBeams: number;
  /** Tokens asked for (EOS never stops a run early: the bench decodes with no EOS id). */
  readonly newTokens: number;
  /** Decoder steps each generation ran (one per new token, all beams in one call). */
  readonly steps: number;
  /** Tokens in the returned sequence after the decoder start id. */
  readonly generatedTokens: number;
  /**
   * Encoder, cross-attention K/V and cache set-up (mean over the timed runs). NOTE: with the
   * KV cache on the device (WebGPU) nothing waits for the encoder's GPU work, which may still
   * run during the first decoder step and so count in msPerToken; compare totalMs there.
   */
  readonly encodeMs: number;
  /** (generation − encoding) / steps: a decoder step plus the search, mean over the timed runs. */
  readonly msPerToken: number;
  readonly minMsPerToken: number;
  readonly maxMsPerToken: number;
  /** One whole generation, prompt encoding included (mean). */
  readonly totalMs: number;
  /** generatedTokens / totalMs: end to end, prompt encoding included. */
  readonly tokensPerSecond: number;
}

export interface GenerateBenchResult {
  /** The preset name or the model folder. */
  readonly model: string;
  readonly parameters: number;
  readonly promptTokens: number;
  readonly repeats: number;
  readonly requestedProvider: ProviderName;
  /** The provider whose sessions ran the encoder and the decoder step. */
  readonly provider: ProviderName;
  /** Every node of both graphs on `provider` (Memcpy nodes aside). */
  readonly isFullyPlaced: boolean;
  /** Op type → nodes of either graph that ran elsewhere. */
  readonly fallbacks: Readonly<Record<string, number>>;
  readonly placementMessage: string;
  /** Where the KV caches lived between tokens: GPU buffers ('device', WebGPU) or JS arrays. */
  readonly cache: CacheMode;
  /** The first generation: both graphs compiled, plus one greedy run of the first length. */
  readonly firstCallMs: number;
  readonly cells: GenerateCell[];
  readonly peakRssMb: number;
}

/** Passes calls through to a generator, timing start() (the prompt encoding) and counting steps. */
class TimedGenerator implements Seq2SeqGenerator {
  readonly vocabSize: number;
  startMs = 0;
  steps = 0;

  constructor(private readonly inner: Seq2SeqGenerator) {
    this.vocabSize = inner.vocabSize;
  }

  async start(
    prompts: readonly (readonly number[])[],
    rowPrompt: readonly number[],
    maxSteps: number,
  ): Promise<DecodingSession> {
    this.steps = 0;
    const start = now();
    const session = await this.inner.start(prompts, rowPrompt, maxSteps);
    this.startMs = now() - start;
    const step = (tokens: readonly number[]): Promise<Float32Array> => {
      this.steps++;
      return session.step(tokens);
    };
    return { rows: session.rows, step, reorder: (order) => session.reorder(order), close: () => session.close() };
  }
}

function loadModel(
  model: GenerateBenchModel,
  seed: number,
): { name: string; config: T5Config; weights: Map<string, Float32Array> } {
  if ('dir' in model) {
    const { config, weights } = loadT5Model(model.dir);
    return { name: model.dir, config, weights: weights.params };
  }
  const config = model.config ?? t5Preset(model.preset);
  return { name: model.preset, config, weights: randomT5Params(config, seed) };
}

export async function benchGenerate(options: GenerateBenchOptions): Promise<GenerateBenchResult> {
  const seed = options.seed ?? 0;
  const { name, config, weights } = loadModel(options.model, seed);
  const prompt = randomTokenIds(config.vocabSize, Rng.fromWords(seed + 1), options.promptTokens);
  const requested = options.provider ?? 'cpu';
  const runtime = new T5Runtime(config, weights, {
    providers: [requested],
    intraOpThreads: options.threads,
    recordPlacement: true,
  });
  const timed = new TimedGenerator(runtime);
  const lengths = options.newTokens ?? DEFAULT_NEW_TOKENS;
  const run = (strategy: DecodingStrategy, newTokens: number): Promise<number[][]> =>
    generate(timed, [prompt], {
      strategy,
      maxNewTokens: newTokens,
      decoderStartTokenId: config.decoderStartTokenId,
      eosTokenId: -1, // never stop early: a random model would otherwise end at a random length
      padTokenId: config.padTokenId,
      signal: options.signal,
    }).then((r) => r.sequences);
  try {
    const start = now();
    await run({ kind: 'greedy' }, lengths[0]);
    const firstCallMs = now() - start;
    const placement = await describeRuntime(runtime, requested);
    const cache = await runtime.cacheMode();
    const cells: GenerateCell[] = [];
    const numBeams = options.numBeams ?? DEFAULT_NUM_BEAMS;
    const strategies: DecodingStrategy[] = [{ kind: 'greedy' }, { kind: 'beam', numBeams }];
    for (const strategy of strategies) {
      for (const newTokens of lengths) {
        const cell = await measureCell(timed, () => run(strategy, newTokens), strategy, newTokens, options.repeats);
        cells.push(cell);
        options.onCell?.(cell);
      }
    }
    return {
      model: name,
      parameters: countParams(t5ParamShapes(config)),
      promptTokens: options.promptTokens,
      repeats: options.repeats,
      ...placement,
      cache,
      firstCallMs,
      cells,
      peakRssMb: peakRssMb(),
    };
  } finally {
    await runtime.release();
  }
}

/** One untimed generation, then `repeats` timed ones. */
async function measureCell(
  timed: TimedGenerator,
  run: () => Promise<number[][]>,
  strategy: DecodingStrategy,
  newTokens: number,
  repeats: number,
): Promise<GenerateCell> {
  await run();
  const totals: number[] = [];
  const encodes: number[] = [];
  const perToken: number[] = [];
  let sequences: number[][] = [];
  for (let i = 0; i < repeats; i++) {
    const start = now();
    sequences = await run();
    const total = now() - start;
    totals.push(total);
    encodes.push(timed.startMs);
    perToken.push((total - timed.startMs) / timed.steps);
  }
  const generatedTokens = sequences[0].length - 1;
  const tokenStats = timingStats(perToken);
  const totalMs = timingStats(totals).mean;
  return {
    decoding: strategy.kind === 'beam' ? 'beam' : 'greedy',
    numBeams: strategy.kind === 'beam' ? strategy.numBeams : 1,
    newTokens,
    steps: timed.steps,
    generatedTokens,
    encodeMs: timingStats(encodes).mean,
    msPerToken: tokenStats.mean,
    minMsPerToken: tokenStats.min,
    maxMsPerToken: tokenStats.max,
    totalMs,
    tokensPerSecond: (generatedTokens * 1000) / totalMs,
  };
}

/** Which provider ran both graphs, and the nodes of either that ran elsewhere. */
async function describeRuntime(
  runtime: T5Runtime,
  requested: ProviderName,
): Promise<
  Pick<GenerateBenchResult, 'requestedProvider' | 'provider' | 'isFullyPlaced' | 'fallbacks' | 'placementMessage'>
> {
  const sessions = await runtime.placements();
  const nodes = await runtime.nodePlacements();
  const fallbacks: Record<string, number> = {};
  for (const placement of [nodes.encoder, nodes.decoderStep]) {
    for (const [op, n] of Object.entries(placement.fallbacks)) fallbacks[op] = (fallbacks[op] ?? 0) + n;
  }
  const provider = sessions.decoderStep.provider;
  const messages = [sessions.encoder.message, sessions.decoderStep.message].filter((m) => m !== '');
  if (sessions.encoder.provider !== provider) messages.push(`the encoder ran on ${sessions.encoder.provider}`);
  return {
    requestedProvider: requested,
    provider,
    isFullyPlaced:
      sessions.encoder.provider === provider && nodes.encoder.isFullyPlaced && nodes.decoderStep.isFullyPlaced,
    fallbacks,
    placementMessage: [...new Set(messages)].join('; '),
  };
}
