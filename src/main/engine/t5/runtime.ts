// T5 inference runtime: compiles the encoder and decoder-step graphs once (their row, length
// and cache dims are symbolic), runs them through the session adapter and implements the
// Seq2SeqGenerator interface (engine/generation/types.ts) that engine/generation drives. KV
// caches live in JS arrays between steps; beam reordering gathers rows.

import { serializeModel } from '../onnx/serialize';
import { bucketTable } from './buckets';
import type { Feed, HostTensor, Placement, ProviderName } from '../onnx/session';
import { EngineSession } from '../onnx/session';
import type { NodePlacement } from '../onnx/placement';
import type { T5Config } from './config';
import type { DecodingSession, GenerationOptions, GenerationResult, Seq2SeqGenerator } from '../generation/types';
import { generate } from '../generation/generate';
import {
  buildDecoderStepGraph,
  buildEncoderGraph,
  checkInferenceSize,
  pastKeyName,
  pastValueName,
  newKeyName,
  newValueName,
  stepFeeds,
} from './inference';

export interface T5RuntimeOptions {
  readonly providers?: readonly ProviderName[];
  /** CPU threads per op (default: ORT's, all cores). */
  readonly intraOpThreads?: number;
  /** Record where each node runs, for nodePlacements() (profiles each graph's first run). */
  readonly recordPlacement?: boolean;
}

const f32 = (dims: number[], data: Float32Array): HostTensor => ({ dtype: 'float32', dims, data });
// NOTE: ids, masks and buckets go in as int32 (the graphs are built with idType 'int32'):
// WebGPU has no int64 Gather/Cast/Where kernels, so int64 feeds would pull nodes to the CPU.
const i32 = (dims: number[], data: Int32Array): HostTensor => ({ dtype: 'int32', dims, data });

/** Row-gather of a row-major (rows, …) array: out row i = in row order[i]. */
export function gatherRows(data: Float32Array, rowSize: number, order: readonly number[]): Float32Array {
  const out = new Float32Array(order.length * rowSize);
  order.forEach((from, i) => out.set(data.subarray(from * rowSize, (from + 1) * rowSize), i * rowSize));
  return out;
}

export class T5Runtime implements Seq2SeqGenerator {
  readonly vocabSize: number;
  private encoder: Promise<EngineSession> | null = null;
  private decoder: Promise<EngineSession> | null = null;

  constructor(
    readonly config: T5Config,
    private readonly weights: ReadonlyMap<string, Float32Array>,
    private readonly options: T5RuntimeOptions = {},
  ) {
    checkInferenceSize(config);
    this.vocabSize = config.vocabSize;
  }

  /** How many graphs have been compiled (at most 2: encoder and decoder step). */
  get compiledGraphs(): number {
    return (this.encoder ? 1 : 0) + (this.decoder ? 1 : 0);
  }

  private compile(graph: () => Uint8Array): Promise<EngineSession> {
    const { providers, recordPlacement, intraOpThreads } = this.options;
    return EngineSession.create(graph(), { providers, recordPlacement, intraOpThreads });
  }

  /** The provider each graph's session was created on, and why if not the first asked for. */
  async placements(): Promise<{ encoder: Placement; decoderStep: Placement }> {
    if (!this.encoder || !this.decoder) throw new Error('placements(): generate once first');
    return { encoder: (await this.encoder).placement, decoderStep: (await this.decoder).placement };
  }

  /** Where the encoder's and decoder step's nodes ran (recordPlacement; after one generation). */
  async nodePlacements(): Promise<{ encoder: NodePlacement; decoderStep: NodePlacement }> {
    if (!this.encoder || !this.decoder) throw new Error('nodePlacements(): generate once first');
    return { encoder: (await this.encoder).nodePlacement(), decoderStep: (await this.decoder).nodePlacement() };
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

  /** Cross-attention keys/values of every decoder layer for the prompts, (B, H, Te, Dk) each. */
  async encode(
    prompts: readonly (readonly number[])[],
  ): Promise<{ cross: Map<string, Float32Array>; mask: Int32Array; length: number }> {
    const { ids, mask, length } = this.padPrompts(prompts);
    const b = prompts.length;
    this.encoder ??= this.compile(() =>
      serializeModel(buildEncoderGraph(this.config, this.weights, 'B', 'Te', 'int32')),
    );
    const { relativeAttentionNumBuckets: buckets, relativeAttentionMaxDistance: distance } = this.config;
    const out = await (
      await this.encoder
    ).runHost({
      input_ids: i32([b, length], ids),
      attention_mask: i32([b, length], mask),
      position_buckets: i32([length, length], toInt32(bucketTable(length, length, true, buckets, distance))),
    });
    const cross = new Map<string, Float32Array>();
    for (const [name, t] of Object.entries(out)) cross.set(name, t.data as Float32Array);
    return { cross, mask, length };
  }

  async start(
    prompts: readonly (readonly number[])[],
    rowPrompt: readonly number[],
    maxSteps: number,
  ): Promise<DecodingSession> {
    const { config } = this;
    const encoded = await this.encode(prompts);
    const te = encoded.length;
    const rows = rowPrompt.length;
    this.decoder ??= this.compile(() =>
      serializeModel(buildDecoderStepGraph(config, this.weights, 'N', 'Te', 'P', 'int32')),
    );
    const decoder = await this.decoder;
    const crossRow = config.numHeads * te * config.dKv;
    const crossDims = [rows, config.numHeads, te, config.dKv];
    const fixed: Record<string, Feed> = {
      attention_mask: i32([rows, te], gatherIntRows(encoded.mask, te, rowPrompt)),
    };
    for (const [name, data] of encoded.cross) fixed[name] = f32(crossDims, gatherRows(data, crossRow, rowPrompt));
    return new CachedDecoding(config, decoder, fixed, rows, maxSteps);
  }

  generate(
    prompts: readonly (readonly number[])[],
    options: Omit<GenerationOptions, 'decoderStartTokenId' | 'eosTokenId' | 'padTokenId'>,
  ): Promise<GenerationResult> {
    const { decoderStartTokenId, eosTokenId, padTokenId } = this.config;
    return generate(this, prompts, { decoderStartTokenId, eosTokenId, padTokenId, ...options });
  }

  async release(): Promise<void> {
    const sessions = [this.encoder, this.decoder];
    this.encoder = null;
    this.decoder = null;
    for (const session of sessions) if (session) await (await session).release();
  }
}

/**
 * One generation run over the decoder-step graph: the self-attention caches (N, H, P, Dk) per
 * layer live here, are fed zero-copy each step and receive the step's new key/value row.
 */
class CachedDecoding implements DecodingSession {
  private caches = new Map<string, Float32Array>();
  private position = 0;
  private isClosed = false;
  private readonly cacheRow: number; // H·P·Dk floats per row

  constructor(
    private readonly config: T5Config,
    private readonly decoder: EngineSession,
    /** Inputs that do not change between steps: attention mask, cross K/V. */
    private readonly fixed: Readonly<Record<string, Feed>>,
    readonly rows: number,
    private readonly maxSteps: number,
  ) {
    this.cacheRow = config.numHeads * maxSteps * config.dKv;
    for (let i = 0; i < config.numDecoderLayers; i++) {
      this.caches.set(pastKeyName(i), new Float32Array(rows * this.cacheRow));
      this.caches.set(pastValueName(i), new Float32Array(rows * this.cacheRow));
    }
  }

  async step(tokens: readonly number[]): Promise<Float32Array> {
    const { config, maxSteps, rows, position } = this;
    if (this.isClosed) throw new Error('This decoding session is closed; start a new one');
    if (position >= maxSteps)
      throw new Error(`Decoder cache holds ${maxSteps} steps; step ${position + 1} asked for more`);
    const { buckets, keyMask, writeAt } = stepFeeds(config, position, maxSteps);
    const feeds: Record<string, Feed> = {
      ...this.fixed,
      decoder_input_ids: i32([rows, 1], Int32Array.from(tokens)),
      position_buckets: i32([1, maxSteps], toInt32(buckets)),
      position_mask: f32([1, 1, 1, maxSteps], keyMask),
      write_position: { dtype: 'bool', dims: [1, 1, maxSteps, 1], data: writeAt },
    };
    const cacheDims = [rows, config.numHeads, maxSteps, config.dKv];
    for (const [name, data] of this.caches) feeds[name] = f32(cacheDims, data);
    const out = await this.decoder.runHost(feeds);
    for (let i = 0; i < config.numDecoderLayers; i++) {
      this.write(pastKeyName(i), out[newKeyName(i)].data as Float32Array);
      this.write(pastValueName(i), out[newValueName(i)].data as Float32Array);
    }
    this.position++;
    return out.logits.data as Float32Array;
  }

  /** cache (N, H, P, Dk)[:, :, t, :] = entry (N, H, 1, Dk)[:, :, 0, :], in place. */
  private write(name: string, entry: Float32Array): void {
    const cache = this.caches.get(name) as Float32Array;
    const dKv = this.config.dKv;
    const slices = entry.length / dKv; // N·H
    for (let s = 0; s < slices; s++) {
      cache.set(entry.subarray(s * dKv, (s + 1) * dKv), (s * this.maxSteps + this.position) * dKv);
    }
  }

  reorder(order: readonly number[]): void {
    if (order.every((from, i) => from === i)) return;
    const reordered = new Map<string, Float32Array>();
    for (const [name, data] of this.caches) reordered.set(name, gatherRows(data, this.cacheRow, order));
    this.caches = reordered;
  }

  async close(): Promise<void> {
    this.isClosed = true;
  }
}

const toInt32 = (values: BigInt64Array): Int32Array => Int32Array.from(values, (x) => Number(x));

function gatherIntRows(data: Int32Array, rowSize: number, order: readonly number[]): Int32Array {
  const out = new Int32Array(order.length * rowSize);
  order.forEach((from, i) => out.set(data.subarray(from * rowSize, (from + 1) * rowSize), i * rowSize));
  return out;
}
