// T5 inference runtime: compiles (and caches) the encoder and decoder-step graphs per shape,
// runs them through the session adapter and implements the Seq2SeqGenerator interface that
// generate.ts drives. KV caches live in JS arrays between steps; beam reordering gathers rows.

import { serializeModel } from '../onnx';
import type { Feed, HostTensor, ProviderName } from '../onnx/session';
import { EngineSession } from '../onnx/session';
import type { T5Config } from './config';
import type { DecodingSession, GenerationOptions, GenerationResult, Seq2SeqGenerator } from './generate';
import { generate } from './generate';
import {
  buildDecoderStepGraph,
  buildEncoderGraph,
  pastKeyName,
  pastValueName,
  newKeyName,
  newValueName,
  stepFeeds,
} from './inference';

export interface T5RuntimeOptions {
  readonly providers?: readonly ProviderName[];
  /** Prompts are padded to a multiple of this, so similar lengths share one compiled graph. */
  readonly lengthBucket?: number;
  /** Compiled graphs kept per kind (encoder, decoder step). */
  readonly maxCachedSessions?: number;
}

const f32 = (dims: number[], data: Float32Array): HostTensor => ({ dtype: 'float32', dims, data });
const i64 = (dims: number[], data: BigInt64Array): HostTensor => ({ dtype: 'int64', dims, data });

/** Row-gather of a row-major (rows, …) array: out row i = in row order[i]. */
export function gatherRows(data: Float32Array, rowSize: number, order: readonly number[]): Float32Array {
  const out = new Float32Array(order.length * rowSize);
  order.forEach((from, i) => out.set(data.subarray(from * rowSize, (from + 1) * rowSize), i * rowSize));
  return out;
}

export class T5Runtime implements Seq2SeqGenerator {
  readonly vocabSize: number;
  /** Compiled graphs by shape key, oldest first; `users` counts open decoding sessions. */
  private readonly sessions = new Map<string, { session: Promise<EngineSession>; users: number }>();

  constructor(
    readonly config: T5Config,
    private readonly weights: ReadonlyMap<string, Float32Array>,
    private readonly options: T5RuntimeOptions = {},
  ) {
    this.vocabSize = config.vocabSize;
  }

  /** The session for `key`, compiled on first use; marks it used until `unuse(key)`. */
  private use(key: string, build: () => Uint8Array): Promise<EngineSession> {
    let entry = this.sessions.get(key);
    if (!entry) {
      entry = { session: EngineSession.create(build(), { providers: this.options.providers }), users: 0 };
      this.sessions.set(key, entry);
      this.evictIdle();
    }
    entry.users++;
    return entry.session;
  }

  private unuse(key: string): void {
    const entry = this.sessions.get(key);
    if (entry) entry.users--;
  }

  /** Releases the oldest idle sessions beyond the limit (never one a decoding run still uses). */
  private evictIdle(): void {
    const limit = 2 * (this.options.maxCachedSessions ?? 3);
    for (const [key, entry] of this.sessions) {
      if (this.sessions.size <= limit) return;
      if (entry.users > 0) continue;
      this.sessions.delete(key);
      void entry.session.then((s) => s.release());
    }
  }

  /** Pads prompts to (B, Te) with the pad id; returns ids and the 1/0 mask. */
  private padPrompts(prompts: readonly (readonly number[])[]): {
    ids: BigInt64Array;
    mask: BigInt64Array;
    length: number;
  } {
    const bucket = this.options.lengthBucket ?? 8;
    const longest = Math.max(1, ...prompts.map((p) => p.length));
    const length = Math.ceil(longest / bucket) * bucket;
    const ids = new BigInt64Array(prompts.length * length).fill(BigInt(this.config.padTokenId));
    const mask = new BigInt64Array(prompts.length * length);
    prompts.forEach((prompt, b) => {
      prompt.forEach((id, t) => {
        ids[b * length + t] = BigInt(id);
        mask[b * length + t] = 1n;
      });
    });
    return { ids, mask, length };
  }

  /** Cross-attention keys/values of every decoder layer for the prompts, (B, H, Te, Dk) each. */
  async encode(
    prompts: readonly (readonly number[])[],
  ): Promise<{ cross: Map<string, Float32Array>; mask: BigInt64Array; length: number }> {
    const { ids, mask, length } = this.padPrompts(prompts);
    const b = prompts.length;
    const key = `enc:${b}:${length}`;
    const encoder = await this.use(key, () => serializeModel(buildEncoderGraph(this.config, this.weights, b, length)));
    let out: Record<string, HostTensor>;
    try {
      out = await encoder.runHost({ input_ids: i64([b, length], ids), attention_mask: i64([b, length], mask) });
    } finally {
      this.unuse(key);
    }
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
    const key = `dec:${rows}:${te}:${maxSteps}`;
    const decoder = await this.use(key, () =>
      serializeModel(buildDecoderStepGraph(config, this.weights, rows, te, maxSteps)),
    );
    const crossRow = config.numHeads * te * config.dKv;
    const crossDims = [rows, config.numHeads, te, config.dKv];
    const fixed: Record<string, Feed> = {
      attention_mask: i64([rows, te], gatherInt64Rows(encoded.mask, te, rowPrompt)),
    };
    for (const [name, data] of encoded.cross) fixed[name] = f32(crossDims, gatherRows(data, crossRow, rowPrompt));
    return new CachedDecoding(config, decoder, fixed, rows, maxSteps, () => this.unuse(key));
  }

  generate(
    prompts: readonly (readonly number[])[],
    options: Omit<GenerationOptions, 'decoderStartTokenId' | 'eosTokenId' | 'padTokenId'>,
  ): Promise<GenerationResult> {
    const { decoderStartTokenId, eosTokenId, padTokenId } = this.config;
    return generate(this, prompts, { decoderStartTokenId, eosTokenId, padTokenId, ...options });
  }

  async release(): Promise<void> {
    const all = [...this.sessions.values()];
    this.sessions.clear();
    for (const entry of all) await (await entry.session).release();
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
    private readonly onClose: () => void,
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
      decoder_input_ids: i64(
        [rows, 1],
        BigInt64Array.from(tokens, (t) => BigInt(t)),
      ),
      position_buckets: i64([1, maxSteps], buckets),
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
    if (this.isClosed) return;
    this.isClosed = true;
    this.onClose();
  }
}

function gatherInt64Rows(data: BigInt64Array, rowSize: number, order: readonly number[]): BigInt64Array {
  const out = new BigInt64Array(order.length * rowSize);
  order.forEach((from, i) => out.set(data.subarray(from * rowSize, (from + 1) * rowSize), i * rowSize));
  return out;
}
