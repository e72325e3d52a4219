// T5 inference runtime: compiles the encoder and decoder-step graphs once (their row, length
// and cache dims are symbolic), runs them through the session adapter and implements the
// Seq2SeqGenerator interface (engine/generation/types.ts) that engine/generation drives. On
// WebGPU the KV caches and cross K/V stay in GPU buffers between steps (CacheMode 'device');
// elsewhere the caches live in JS arrays fed zero-copy ('host'); decoding.ts has both.

import { serializeModel } from '../onnx/serialize';
import { bucketTable } from './buckets';
import type { Feed, Placement, ProviderName } from '../onnx/session';
import { EngineSession } from '../onnx/session';
import type { NodePlacement } from '../onnx/placement';
import type { T5Config } from './config';
import type { DecodingSession, GenerationOptions, GenerationResult, Seq2SeqGenerator } from '../generation/types';
import { generate } from '../generation/generate';
import type { CacheMode } from './inference';
import {
  buildCacheReorderGraph,
  buildDecoderStepGraph,
  buildEncoderGraph,
  checkInferenceSize,
  crossNames,
  DECODER_POSITION_TABLE,
  presentNames,
  ROW_PROMPT,
} from './inference';
import { DeviceCacheDecoding, HostCacheDecoding, i32 } from './decoding';
import { toInt32 } from './training';
import type { BuildDevice } from '../optim/spec';
import { graphDeviceFor } from '../optim/spec';

export interface T5RuntimeOptions {
  readonly providers?: readonly ProviderName[];
  /** CPU threads per op (default: ORT's, all cores). */
  readonly intraOpThreads?: number;
  /** Record where each node runs, for nodePlacements() (profiles each graph's first run). */
  readonly recordPlacement?: boolean;
  /**
   * Where the KV caches live between steps (CacheMode). Default: 'device' when the decoder
   * step runs on WebGPU, else 'host'. 'device' on the CPU works but copies the caches each
   * token (tests use it to check that graph against the 'host' one).
   */
  readonly cache?: CacheMode;
  /**
   * What the graphs are built for (default: the first provider's device). Tests run the graphs
   * a GPU gets (stacked projections, fused residual norms) on the CPU against the reference.
   */
  readonly graphDevice?: BuildDevice;
}

/** The decoder-step session and the cache mode its graph was built for. */
interface DecoderStep {
  readonly session: EngineSession;
  readonly cache: CacheMode;
}

export class T5Runtime implements Seq2SeqGenerator {
  readonly vocabSize: number;
  private encoder: Promise<EngineSession> | null = null;
  private decoder: Promise<DecoderStep> | null = null;
  /** The cache-reorder graph (beam search over a 'device' cache), compiled on first use. */
  private reorder: Promise<EngineSession> | null = null;

  constructor(
    readonly config: T5Config,
    private readonly weights: ReadonlyMap<string, Float32Array>,
    private readonly options: T5RuntimeOptions = {},
  ) {
    checkInferenceSize(config);
    this.vocabSize = config.vocabSize;
  }

  /** How many graphs have been compiled (encoder, decoder step and, for beams over a 'device' cache, the cache reorder). */
  get compiledGraphs(): number {
    return [this.encoder, this.decoder, this.reorder].filter((graph) => graph !== null).length;
  }

  private compile(graph: () => Uint8Array, keepOnDevice: readonly string[] = []): Promise<EngineSession> {
    const { providers, recordPlacement, intraOpThreads } = this.options;
    return EngineSession.create(graph(), { providers, recordPlacement, intraOpThreads, keepOnDevice });
  }

  /**
   * What the graphs are built for: the first provider's device (graphDeviceFor; a GPU's graph has
   * linear layers as 2-D MatMuls where shapes are static, layers.ts), unless options.graphDevice says. Its
   * ops have CPU kernels too, so a session that fell back to the CPU runs the same graph.
   */
  private get device(): BuildDevice {
    return graphDeviceFor(this.options.providers, this.options.graphDevice);
  }

  private decoderGraph(cache: CacheMode): () => Uint8Array {
    const options = { idType: 'int32', cache, device: this.device } as const;
    return () => serializeModel(buildDecoderStepGraph(this.config, this.weights, options));
  }

  /**
   * The decoder step, built for a 'device' cache when WebGPU comes first (or options.cache
   * says so); rebuilt for a 'host' cache when WebGPU did not load and nothing forced 'device'.
   */
  private async openDecoder(): Promise<DecoderStep> {
    const isWebGpuFirst = this.options.providers?.[0] === 'webgpu';
    const cache = this.options.cache ?? (isWebGpuFirst ? 'device' : 'host');
    const keep = cache === 'device' ? presentNames(this.config) : [];
    const session = await this.compile(this.decoderGraph(cache), keep);
    if (cache === 'host' || this.options.cache === 'device' || session.placement.provider === 'webgpu')
      return { session, cache };
    await session.release();
    return { session: await this.compile(this.decoderGraph('host')), cache: 'host' };
  }

  /** The cache mode generation uses (compiles the decoder step if it is not yet). */
  async cacheMode(): Promise<CacheMode> {
    this.decoder ??= this.openDecoder();
    return (await this.decoder).cache;
  }

  /** The provider each graph's session was created on, and why if not the first asked for. */
  async placements(): Promise<{ encoder: Placement; decoderStep: Placement }> {
    if (!this.encoder || !this.decoder) throw new Error('placements(): generate once first');
    return { encoder: (await this.encoder).placement, decoderStep: (await this.decoder).session.placement };
  }

  /**
   * Where the encoder's, the decoder step's and (once beams reordered a 'device' cache) the
   * cache reorder's nodes ran (recordPlacement; after one generation).
   */
  async nodePlacements(): Promise<{
    encoder: NodePlacement;
    decoderStep: NodePlacement;
    cacheReorder: NodePlacement | null;
  }> {
    if (!this.encoder || !this.decoder) throw new Error('nodePlacements(): generate once first');
    return {
      encoder: (await this.encoder).nodePlacement(),
      decoderStep: (await this.decoder).session.nodePlacement(),
      cacheReorder: this.reorder ? (await this.reorder).nodePlacement() : null,
    };
  }

  /** The cache-reorder session, kept on the device like the caches it gathers. */
  private reorderSession(): Promise<EngineSession> {
    this.reorder ??= this.compile(
      () => serializeModel(buildCacheReorderGraph(this.config, 'int32')),
      presentNames(this.config),
    );
    return this.reorder;
  }

  /** Pads prompts to (B, Te) with the pad id; returns ids and the 1/0 mask. */
  private padPrompts(prompts: readonly (readonly number[])[]): {
    ids: Int32Array;
    mask: Int32Array;
    length: number;
  } {
    const length = Math.max(1, ...prompts.map((p) => p.length));
    const ids = new Int32Array(prompts.length * length).fill(this.config.padTokenId);
    const mask = new Int32Array(prompts.length * length);
    prompts.forEach((prompt, b) => {
      prompt.forEach((id, t) => {
        ids[b * length + t] = id;
        mask[b * length + t] = 1;
      });
    });
    return { ids, mask, length };
  }

  /**
   * The decoder rows' per-prompt step inputs (crossNames: every layer's cross-attention keys and
   * values, and the prompt mask's bias): kept on the device for a 'device' cache on WebGPU
   * (keepOnDevice acts on WebGPU only), else on the host.
   */
  private async encode(
    prompts: readonly (readonly number[])[],
    rowPrompt: readonly number[],
    cache: CacheMode,
  ): Promise<Record<string, Feed>> {
    const { ids, mask, length } = this.padPrompts(prompts);
    const b = prompts.length;
    // The runtime's cache mode is fixed when its decoder step compiles, before this.
    this.encoder ??= this.compile(
      () => serializeModel(buildEncoderGraph(this.config, this.weights, 'B', 'Te', 'int32', this.device)),
      cache === 'device' ? crossNames(this.config) : [],
    );
    const encoder = await this.encoder;
    const { relativeAttentionNumBuckets: buckets, relativeAttentionMaxDistance: distance } = this.config;
    const feeds = {
      input_ids: i32([b, length], ids),
      attention_mask: i32([b, length], mask),
      position_buckets: i32([length, length], toInt32(bucketTable(length, length, true, buckets, distance))),
      [ROW_PROMPT]: i32([rowPrompt.length], Int32Array.from(rowPrompt)),
    };
    return encoder.run(feeds);
  }

  async start(
    prompts: readonly (readonly number[])[],
    rowPrompt: readonly number[],
    maxSteps: number,
  ): Promise<DecodingSession> {
    this.decoder ??= this.openDecoder();
    const decoder = await this.decoder;
    const fixed = await this.encode(prompts, rowPrompt, decoder.cache);
    const table = this.weights.get(DECODER_POSITION_TABLE);
    if (!table) throw new Error(`T5 weights have no '${DECODER_POSITION_TABLE}'`);
    const args = [this.config, decoder.session, fixed, rowPrompt.length, maxSteps, table] as const;
    if (decoder.cache === 'host') return new HostCacheDecoding(...args);
    return new DeviceCacheDecoding(...args, () => this.reorderSession());
  }

  generate(
    prompts: readonly (readonly number[])[],
    options: Omit<GenerationOptions, 'decoderStartTokenId' | 'eosTokenId' | 'otherEosTokenIds' | 'padTokenId'>,
  ): Promise<GenerationResult> {
    const { decoderStartTokenId, eosTokenId, eosTokenIds, padTokenId } = this.config;
    const otherEosTokenIds = eosTokenIds.slice(1);
    return generate(this, prompts, { decoderStartTokenId, eosTokenId, otherEosTokenIds, padTokenId, ...options });
  }

  async release(): Promise<void> {
    const [encoder, decoder, reorder] = [this.encoder, this.decoder, this.reorder];
    this.encoder = null;
    this.decoder = null;
    this.reorder = null;
    if (encoder) await (await encoder).release();
    if (decoder) await (await decoder).session.release();
    if (reorder) await (await reorder).release();
  }
}
