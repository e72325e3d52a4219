// The two DecodingSessions (engine/generation/types.ts) over T5's decoder-step graph
// (inference.ts), one per CacheMode: HostCacheDecoding keeps the self-attention caches in JS
// arrays and writes each step's new entries into them (the CPU path: fed zero-copy);
// DeviceCacheDecoding feeds the step's whole updated caches back as the next step's inputs
// and gathers beam rows in a graph of its own (buildCacheReorderGraph), so on WebGPU caches and
// cross K/V never leave the GPU.

import type { DecodingSession } from '../generation/types';
import type { DeviceTensor, EngineSession, Feed, HostTensor } from '../onnx/session';
import type { T5Config } from './config';
import {
  keyValueShape,
  newKeyName,
  newValueName,
  pastKeyName,
  pastValueName,
  presentKeyName,
  presentValueName,
  ROW_ORDER,
  SELF_BIAS,
  stepFeeds,
} from './inference';

export const f32 = (dims: number[], data: Float32Array): HostTensor => ({ dtype: 'float32', dims, data });
// NOTE: ids, masks and buckets go in as int32 (the graphs are built with idType 'int32'):
// WebGPU has no int64 Gather/Cast/Where kernels, so int64 feeds would pull nodes to the CPU.
export const i32 = (dims: number[], data: Int32Array): HostTensor => ({ dtype: 'int32', dims, data });

const isDevice = (feed: Feed): feed is DeviceTensor => 'kind' in feed;

/** Row-gather of a row-major (rows, …) array: out row i = in row order[i]. */
export function gatherRows<T extends Float32Array | Int32Array>(data: T, rowSize: number, order: readonly number[]): T {
  const out = new (data.constructor as new (length: number) => T)(order.length * rowSize);
  order.forEach((from, i) => out.set(data.subarray(from * rowSize, (from + 1) * rowSize), i * rowSize));
  return out;
}

/** Whether a row order leaves every row where it is. */
const isIdentity = (order: readonly number[]): boolean => order.every((from, i) => from === i);

/** What a decoding session needs of the decoder-step session (an EngineSession; tests fake it). */
export type StepRunner = Pick<EngineSession, 'run'>;

/** What both sessions share: the fixed feeds, the step position and its per-step inputs. */
abstract class StepDecoding implements DecodingSession {
  protected position = 0;
  protected isClosed = false;

  constructor(
    protected readonly config: T5Config,
    protected readonly decoder: StepRunner,
    /** Inputs that do not change between steps: the encoder's outputs (crossNames). */
    protected readonly fixed: Readonly<Record<string, Feed>>,
    readonly rows: number,
    protected readonly maxSteps: number,
    /** The decoder's relative-position table (buckets, H) (DECODER_POSITION_TABLE). */
    private readonly positionTable: Float32Array,
  ) {}

  abstract step(tokens: readonly number[]): Promise<Float32Array>;
  abstract reorder(order: readonly number[]): void;
  abstract close(): Promise<void>;

  /** Floats in one layer's key or value cache, N·H·P·Dk. */
  protected get cacheSize(): number {
    return this.rows * this.config.numHeads * this.maxSteps * this.config.dKv;
  }

  /** The shape of one layer's key cache (N, H, Dk, P) or value cache (N, H, P, Dk). */
  protected cacheDims(isKey: boolean): number[] {
    return keyValueShape(this.config, this.rows, this.maxSteps, isKey);
  }

  /** past.{i}.key/value of every layer, each made by `make` (told whether it is a key cache). */
  protected cachesOf<T>(make: (isKey: boolean) => T): Map<string, T> {
    const caches = new Map<string, T>();
    for (let i = 0; i < this.config.numDecoderLayers; i++) {
      caches.set(pastKeyName(i), make(true));
      caches.set(pastValueName(i), make(false));
    }
    return caches;
  }

  /** The fixed feeds plus this step's tokens and position inputs; checks the session is usable. */
  protected stepInputs(tokens: readonly number[]): Record<string, Feed> {
    const { config, maxSteps, rows, position } = this;
    if (this.isClosed) throw new Error('This decoding session is closed; start a new one');
    if (position >= maxSteps)
      throw new Error(`Decoder cache holds ${maxSteps} steps; step ${position + 1} asked for more`);
    const { selfBias, writeAt } = stepFeeds(config, this.positionTable, position, maxSteps);
    return {
      ...this.fixed,
      decoder_input_ids: i32([rows, 1], Int32Array.from(tokens)),
      [SELF_BIAS]: f32([1, config.numHeads, 1, maxSteps], selfBias),
      write_position: { dtype: 'bool', dims: [1, 1, maxSteps, 1], data: writeAt },
      write_key_position: { dtype: 'bool', dims: [1, 1, 1, maxSteps], data: writeAt },
    };
  }
}

/**
 * CacheMode 'host': the self-attention caches of every layer live here, are fed zero-copy each
 * step and receive the step's new key/value; reorder gathers rows here.
 */
export class HostCacheDecoding extends StepDecoding {
  private readonly cacheRow = this.cacheSize / this.rows; // H·P·Dk floats per row
  private caches = this.cachesOf<Float32Array>(() => new Float32Array(this.cacheSize));

  async step(tokens: readonly number[]): Promise<Float32Array> {
    const feeds = this.stepInputs(tokens);
    for (let i = 0; i < this.config.numDecoderLayers; i++) {
      feeds[pastKeyName(i)] = f32(this.cacheDims(true), this.cache(pastKeyName(i)));
      feeds[pastValueName(i)] = f32(this.cacheDims(false), this.cache(pastValueName(i)));
    }
    const out = await this.decoder.run(feeds);
    for (let i = 0; i < this.config.numDecoderLayers; i++) {
      this.writeKey(this.cache(pastKeyName(i)), hostData(out[newKeyName(i)]));
      this.writeValue(this.cache(pastValueName(i)), hostData(out[newValueName(i)]));
    }
    this.position++;
    return hostData(out.logits);
  }

  private cache(name: string): Float32Array {
    return this.caches.get(name) as Float32Array;
  }

  /** cache (N, H, Dk, P)[:, :, :, t] = entry (N, H, Dk, 1), in place. */
  private writeKey(cache: Float32Array, entry: Float32Array): void {
    const { maxSteps, position } = this;
    for (let r = 0; r < entry.length; r++) cache[r * maxSteps + position] = entry[r];
  }

  /** cache (N, H, P, Dk)[:, :, t, :] = entry (N, H, 1, Dk)[:, :, 0, :], in place. */
  private writeValue(cache: Float32Array, entry: Float32Array): void {
    const dKv = this.config.dKv;
    const slices = entry.length / dKv; // N·H
    for (let s = 0; s < slices; s++) {
      cache.set(entry.subarray(s * dKv, (s + 1) * dKv), (s * this.maxSteps + this.position) * dKv);
    }
  }

  reorder(order: readonly number[]): void {
    if (isIdentity(order)) return;
    const reordered = new Map<string, Float32Array>();
    for (const [name, data] of this.caches) reordered.set(name, gatherRows(data, this.cacheRow, order));
    this.caches = reordered;
  }

  async close(): Promise<void> {
    this.isClosed = true;
  }
}

/**
 * CacheMode 'device': the caches are the previous step's present.{i}.* outputs (zeros,
 * uploaded once, before the first step), fed back as past.{i}.*; a reorder is remembered and,
 * unless it leaves every row where it is, run through the cache-reorder graph before the next
 * step. Device tensors this session owns (caches, and the cross K/V it was given) are disposed
 * when replaced and on close.
 */
export class DeviceCacheDecoding extends StepDecoding {
  private readonly zeros = new Float32Array(this.cacheSize);
  /** Zeros (one host array for all, uploaded by the first step); then device tensors. */
  private caches = this.cachesOf<Feed>((isKey) => f32(this.cacheDims(isKey), this.zeros));
  /** Row i of the next step continues cache row order[i]; null for the identity. */
  private order: number[] | null = null;

  constructor(
    config: T5Config,
    decoder: StepRunner,
    fixed: Readonly<Record<string, Feed>>,
    rows: number,
    maxSteps: number,
    positionTable: Float32Array,
    /** The cache-reorder graph's session (buildCacheReorderGraph), asked for on the first reorder that moves a row. */
    private readonly reorderer: () => Promise<StepRunner>,
  ) {
    super(config, decoder, fixed, rows, maxSteps, positionTable);
  }

  /** Where the caches are now: 'device' once a step has run on WebGPU. */
  get cacheLocation(): 'host' | 'device' {
    return [...this.caches.values()].every(isDevice) ? 'device' : 'host';
  }

  async step(tokens: readonly number[]): Promise<Float32Array> {
    const feeds = this.stepInputs(tokens);
    await this.applyOrder();
    for (const [name, cache] of this.caches) feeds[name] = cache;
    const out = await this.decoder.run(feeds);
    this.replaceCaches(out);
    this.position++;
    return hostData(out.logits);
  }

  /**
   * Gathers the cache rows by the pending order in the reorder graph. Nothing to do for the
   * identity, or before the first step (every cache is still zeros).
   */
  private async applyOrder(): Promise<void> {
    const order = this.order;
    this.order = null;
    if (!order || this.position === 0 || isIdentity(order)) return;
    const feeds: Record<string, Feed> = { [ROW_ORDER]: i32([this.rows], Int32Array.from(order)) };
    for (const [name, cache] of this.caches) feeds[name] = cache;
    this.replaceCaches(await (await this.reorderer()).run(feeds));
  }

  /** Takes present.{i}.* of a step or reorder as the caches; disposes the device tensors they replace. */
  private replaceCaches(out: Record<string, HostTensor | DeviceTensor>): void {
    const previous = [...this.caches.values()];
    for (let i = 0; i < this.config.numDecoderLayers; i++) {
      this.caches.set(pastKeyName(i), out[presentKeyName(i)]);
      this.caches.set(pastValueName(i), out[presentValueName(i)]);
    }
    for (const cache of previous) if (isDevice(cache)) cache.dispose();
  }

  reorder(order: readonly number[]): void {
    const pending = this.order;
    // Two reorders before a step compose: row i takes pending row order[i].
    this.order = pending ? order.map((from) => pending[from]) : [...order];
  }

  async close(): Promise<void> {
    if (this.isClosed) return;
    this.isClosed = true;
    for (const feed of [...this.caches.values(), ...Object.values(this.fixed)]) if (isDevice(feed)) feed.dispose();
    this.caches.clear();
  }
}

/** The data of an output that must be on the host (logits, or any output of a CPU session). */
function hostData(out: HostTensor | DeviceTensor | undefined): Float32Array {
  if (!out || isDevice(out)) throw new Error('decoder step: expected a host float32 output');
  return out.data as Float32Array;
}
