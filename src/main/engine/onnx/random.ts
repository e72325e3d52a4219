// Counter-based random numbers built from int32 graph ops, and dropout from them: the masks of
// a step are a pure function of (key, order of the requests, position), so a re-created
// session, a resumed run or K steps in one Loop draw the same masks as any other split (no
// hidden generator state). Only int32 Add/Sub/Mul/Div/Less/Greater/Cast/Range/Gather/Concat,
// bool And and Where, which every execution provider has at opset 17 (no BitwiseXor before
// opset 18, no int32 BitShift on the CPU, no int32 Slice on WebGPU). Every intermediate stays
// in [−2³¹, 2³¹), so nothing relies on integer overflow.
//
// Spec (M = 2³¹ − 1, A = 48271, the Park–Miller "MINSTD" multiplier; all values in [0, M)):
//   rot(y)       = (y mod 2¹⁶)·2¹⁵ + ⌊y / 2¹⁶⌋                  (a bit rotation of 31-bit y)
//   mix(x)       = rot((A·x + ⌊x / 2¹⁶⌋·(x mod 2¹⁶)) mod M)      (the product of x's halves is
//                                                                the non-linear part)
//   absorb(x, w) = mix((x + w) mod M)
//   key          = absorb(…absorb(absorb(KEY_ORIGIN, seed mod M), c₁)…, cₙ)   for counters cᵢ
//   rowᵢ         = mix(mix(absorb(key, i))) for rows i = 0, 1, 2, …
//   colⱼ         = mix(mix(absorb(absorb(key, M − 1), j)))  for columns 0 ≤ j < 2¹²
//   vᵢⱼ          = mix((⌊rowᵢ/2¹⁶⌋ + 1)·(colⱼ mod 2¹⁵) + (⌊colⱼ/2¹⁶⌋ + 1)·(rowᵢ mod 2¹⁵))
//   draws(v)     = ⌊v / 2²¹⌋, ⌊v / 2¹¹⌋ mod 2¹⁰, ⌊v / 2⌋ mod 2¹⁰  three 10-bit values
//   a request of n positions (a RandomStream's bits(), in the order the graph asks) takes the
//   next ⌈⌈n/3⌉ / 2¹²⌉ rows of its key's grid (rows are never shared; a request of fewer than
//   2¹² values uses the first ⌈n/3⌉ columns of its one row); with V = rows·columns, value
//   h = (i − first row)·columns + j gives positions h, V + h and 2V + h (row-major flat
//   indices) its three draws, so the three planes are contiguous copies
//   dropout      keeps a position iff its draw ≥ t = round(rate·2¹⁰) (1 ≤ t ≤ 2¹⁰ − 1) and
//                scales kept values by 2¹⁰ / (2¹⁰ − t), so the expectation is unchanged
// (Full three-mix hashes only for the rows and the 2¹² columns, which every request of a key
// shares and which are computed in chunks of rows as requests need them, so a step's ~80
// dropout sites cost a few hundred graph nodes for their hashes instead of thousands; each
// value then costs two products of their 15-bit halves, a sum and one mix. Not
// mix(rowᵢ + colⱼ): for a fixed offset d, mix(x) and mix(x + d) correlate (|r| > 0.02 for two
// thirds of random d), which ties each column's rows together; the products make the offset
// between two rows differ from column to column. The +1s keep a row or column whose hash has
// zero halves from giving one value throughout. Three 10-bit draws per value cut the per-value
// work by a third against two 15-bit ones; the rate is thereby rounded to a multiple of 2⁻¹⁰.)
// Schrage's method computes A·x mod M within int32.
// Reference: Park & Miller, "Random number generators: good ones are hard to find", CACM
// 31(10), 1988; Schrage, ACM TOMS 5(2), 1979.

import type { DType } from './dtype';
import type { Graph, Tensor } from './graph';
import { add, and, cast, div, greater, less, mul, sub, where } from './ops/elementwise';
import { concat, gather, reshape, unsqueeze } from './ops/shape';
import { assertFloat, numericShape, scalar } from './ops/util';
import { elementCount } from '../shape';

export const RANDOM_MODULUS = 2147483647; // M = 2³¹ − 1
const MULTIPLIER = 48271; // A
const SCHRAGE_Q = Math.floor(RANDOM_MODULUS / MULTIPLIER); // 44488
const SCHRAGE_R = RANDOM_MODULUS % MULTIPLIER; // 3399
const HALF = 65536; // 2¹⁶
/** The key before anything is absorbed (any fixed value in [0, M)). */
export const KEY_ORIGIN = 0x2545f491;

/** mix() on the host, exact in float64 (A·x < 2⁵³); used to fold constants into the graph. */
export function mixHost(x: number): number {
  const y = (MULTIPLIER * x + Math.floor(x / HALF) * (x % HALF)) % RANDOM_MODULUS;
  return (y % HALF) * 32768 + Math.floor(y / HALF);
}

/** absorb() on the host: the word is reduced mod M first, so any non-negative integer works. */
export function absorbHost(x: number, word: number): number {
  if (!(Number.isInteger(word) && word >= 0)) throw new Error(`random key word must be an integer ≥ 0, got ${word}`);
  return mixHost((x + (word % RANDOM_MODULUS)) % RANDOM_MODULUS);
}

const i32 = (g: Graph, value: number): Tensor => scalar(g, value, 'int32');

/**
 * y < 0 ? y + M : y, for y in (−M, M). NOTE: y + M·[y < 0] rather than Where: onnxruntime's
 * CPU Where took ~1.8 ns per int32 here, Less + Cast + Mul + Add ~1.1 ns (8M values, 2 threads).
 */
function wrap(y: Tensor): Tensor {
  const g = y.graph;
  return add(y, mul(cast(less(y, i32(g, 0)), 'int32'), i32(g, RANDOM_MODULUS)));
}

/** (a + b) mod M for a, b in [0, M), without forming a + b (it may pass 2³¹). */
function addMod(a: Tensor, b: Tensor): Tensor {
  return wrap(sub(a, sub(i32(b.graph, RANDOM_MODULUS), b)));
}

/** x − d·⌊x / d⌋ for x ≥ 0, with the quotient. */
function divMod(x: Tensor, d: number): { quotient: Tensor; remainder: Tensor } {
  const quotient = div(x, i32(x.graph, d));
  return { quotient, remainder: sub(x, mul(quotient, i32(x.graph, d))) };
}

/** The graph form of mix() on int32 values in [0, M). */
function mix(x: Tensor): Tensor {
  const g = x.graph;
  const halves = divMod(x, HALF); // ⌊x/2¹⁶⌋ < 2¹⁵, x mod 2¹⁶ < 2¹⁶: their product < M
  const schrage = divMod(x, SCHRAGE_Q);
  const ax = wrap(sub(mul(schrage.remainder, i32(g, MULTIPLIER)), mul(schrage.quotient, i32(g, SCHRAGE_R)))); // A·x mod M
  const y = addMod(ax, mul(halves.quotient, halves.remainder));
  const parts = divMod(y, HALF);
  return add(mul(parts.remainder, i32(g, 32768)), parts.quotient);
}

function absorb(x: Tensor, word: Tensor): Tensor {
  return mix(addMod(x, word));
}

/**
 * An int32 scalar key from a seed (a host integer ≥ 0) and counters (scalar tensors holding
 * whole numbers in [0, M), int32, int64 or float, e.g. the float32 step counter and the
 * micro-batch index; cast to int32 here), built in `g`.
 */
export function counterKey(g: Graph, seed: number, counters: readonly Tensor[]): Tensor {
  let key = i32(g, absorbHost(KEY_ORIGIN, seed));
  for (const c of counters) {
    if (c.rank !== 0) throw new Error(`counterKey: counter ${c.name} must be a scalar, has rank ${c.rank}`);
    key = absorb(key, c.dtype === 'int32' ? c : cast(c, 'int32'));
  }
  return key;
}

/** Bits per draw: each random value is uniform on [0, 2¹⁰). */
export const RANDOM_BITS = 10;
export const DRAWS = 3; // draws per 31-bit value (30 of its bits)
const DRAW_RANGE = 2 ** RANDOM_BITS;

/** Values per row of the grid (2¹², the spec's columns). */
export const COLUMNS = 4096;
/** Rows whose hashes are computed together when a request first needs them. */
const ROW_CHUNK = 4096;

/** mix(mix(absorb(key, index))) for index = start … start + n − 1: n full-quality hashes, (n). */
function hashRange(key: Tensor, start: number, n: number): Tensor {
  return hashKeyed(keyedRange(key, start, n));
}

/** (key + index) mod M for index = start … start + n − 1: absorb()'s sum, before its mix. */
function keyedRange(key: Tensor, start: number, n: number): Tensor {
  return addMod(key, indexRange(key.graph, start, start + n));
}

/** The full-quality hash of words already added to their key: mix(mix(absorb(·))) = three mixes. */
function hashKeyed(keyed: Tensor): Tensor {
  return mix(mix(mix(keyed)));
}

/** ⌊h/2¹⁶⌋ + 1 and h mod 2¹⁵ of hashes h in [0, M): factors ≤ 2¹⁵ whose products stay < 2³⁰. */
interface Halves {
  readonly highPlusOne: Tensor;
  readonly low: Tensor;
}

function halvesPlusOne(hash: Tensor): Halves {
  const g = hash.graph;
  return { highPlusOne: add(div(hash, i32(g, HALF)), i32(g, 1)), low: divMod(hash, 32768).remainder };
}

/** int32 indices start … end − 1 (a Range node), (end − start). */
function indexRange(g: Graph, start: number, end: number): Tensor {
  return g.addNode('Range', [i32(g, start), i32(g, end), i32(g, 1)], [{ dtype: 'int32', shape: [end - start] }])[0];
}

/**
 * Elements [start, end) of both 1-D halves (the tensors themselves when that is all of them).
 * NOTE: Gather, not Slice: onnxruntime's WebGPU EP has no int32 (or bool) Slice kernel.
 */
function sliceHalves(h: Halves, start: number, end: number, length: number): Halves {
  if (start === 0 && end === length) return h;
  const index = indexRange(h.low.graph, start, end);
  return { highPlusOne: gather(h.highPlusOne, index, 0), low: gather(h.low, index, 0) };
}

/** The first `size` elements of 1-D `x` (Gather of rows of a 2-D view, as sliceHalves says why). */
export function leading(x: Tensor, size: number): Tensor {
  const total = Number(x.shape[0]);
  if (size === total) return x;
  const width = gcd(size, total);
  return reshape(gather(reshape(x, [total / width, width]), indexRange(x.graph, 0, size / width), 0), [size]);
}

export function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/** The grid a request of `size` positions takes: its rows (0 when empty) and columns. */
export function requestGrid(size: number): { rows: number; columns: number } {
  const values = Math.ceil(size / DRAWS);
  const columns = Math.max(1, Math.min(values, COLUMNS)); // 1 keeps an empty shape well-defined
  return { rows: Math.ceil(values / columns), columns };
}

/** Where dropout masks come from: a RandomStream, or a plan of its requests (maskPlan.ts). */
export interface MaskSource {
  /** Whether each position's next draw is ≥ `threshold` (bool, `shape`). */
  keep(shape: readonly number[], threshold: number): Tensor;
}

/**
 * The random stream of one key (the spec above): hands out the next rows of the key's grid to
 * each request, in the order the graph is built. Row and column hashes are built in the key's
 * graph once and shared by every request. `rowChunk` (rows hashed together) changes no value;
 * tests make it small to cross chunk boundaries.
 */
export class RandomStream implements MaskSource {
  private nextRow = 0;
  private columns: Halves | undefined;
  private readonly rowChunks: Halves[] = [];

  constructor(
    readonly key: Tensor,
    readonly rowChunk = ROW_CHUNK,
  ) {
    if (key.rank !== 0 || key.dtype !== 'int32') throw new Error(`RandomStream: the key must be an int32 scalar`);
  }

  /** The next draws for every position of a tensor of `shape` (static): int32 uniform on [0, 2¹⁰). */
  bits(shape: readonly number[]): Tensor {
    const size = elementCount(shape);
    const { rows, columns } = requestGrid(size);
    const start = this.reserve(size);
    // An empty request uses no row, but is cut from one (the next request's) to keep every shape non-empty.
    const grid = this.values(start, Math.max(rows, 1), columns); // (rows, columns)
    // NOTE: draw planes one after the other: interleaving them (Concat on a last axis of 1)
    // cost ORT's CPU kernel an element-wise copy loop, several times a contiguous one.
    const flat = reshape(concat(threeDraws(grid), 0), [DRAWS * Number(grid.shape[0]) * columns]); // (3·rows·columns)
    return reshape(leading(flat, size), [...shape]);
  }

  keep(shape: readonly number[], threshold: number): Tensor {
    return greater(this.bits(shape), i32(this.key.graph, threshold - 1));
  }

  /** Takes the rows a request of `size` positions uses; returns the first. */
  reserve(size: number): number {
    const { rows } = requestGrid(size);
    if (this.nextRow + rows >= RANDOM_MODULUS - 1)
      throw new Error(`RandomStream: ${size} more positions is more than the key's rows can cover`);
    const start = this.nextRow;
    this.nextRow += rows;
    return start;
  }

  /** The values v of rows [start, start + rows) and columns [0, columns) of the grid (spec above). */
  values(start: number, rows: number, columns: number): Tensor {
    const row = this.rowHalves(start, rows); // (rows) each
    const column = sliceHalves(this.columnHalves(), 0, columns, COLUMNS); // (columns) each
    const high = unsqueeze(row.highPlusOne, [1]); // (rows, 1)
    const low = unsqueeze(row.low, [1]); // (rows, 1)
    return mix(add(mul(high, column.low), mul(column.highPlusOne, low))); // (rows, columns)
  }

  /**
   * Hashes the columns and row chunk `chunk` in one chain over both (its ~80 nodes once, not
   * twice), when neither is built yet and `chunk` is the next to build; else does nothing. The
   * values are the same: for graphs where each node is a dispatch (maskPlan.ts).
   */
  hashColumnsWith(chunk: number): void {
    if (this.columns || this.rowChunks.length !== chunk) return;
    const n = this.rowChunk;
    const rows = keyedRange(this.key, chunk * n, n); // (n)
    const columns = keyedRange(this.columnKey(), 0, COLUMNS); // (COLUMNS)
    const both = halvesPlusOne(hashKeyed(concat([rows, columns], 0))); // (n + COLUMNS) each
    this.rowChunks.push(sliceHalves(both, 0, n, n + COLUMNS));
    this.columns = sliceHalves(both, n, n + COLUMNS, n + COLUMNS);
  }

  private columnKey(): Tensor {
    return absorb(this.key, i32(this.key.graph, RANDOM_MODULUS - 1));
  }

  private columnHalves(): Halves {
    this.columns ??= halvesPlusOne(hashRange(this.columnKey(), 0, COLUMNS));
    return this.columns;
  }

  /** Row hash halves of rows [start, start + n), from the chunks that hold them. */
  private rowHalves(start: number, n: number): Halves {
    const pieces: Halves[] = [];
    for (let row = start; row < start + n;) {
      const chunk = Math.floor(row / this.rowChunk);
      const chunkStart = chunk * this.rowChunk;
      const end = Math.min(start + n, chunkStart + this.rowChunk);
      pieces.push(sliceHalves(this.rowChunkHalves(chunk), row - chunkStart, end - chunkStart, this.rowChunk));
      row = end;
    }
    if (pieces.length === 1) return pieces[0];
    const joined = (half: keyof Halves): Tensor =>
      concat(
        pieces.map((p) => p[half]),
        0,
      );
    return { highPlusOne: joined('highPlusOne'), low: joined('low') };
  }

  private rowChunkHalves(chunk: number): Halves {
    while (this.rowChunks.length <= chunk) {
      const start = this.rowChunks.length * this.rowChunk;
      this.rowChunks.push(halvesPlusOne(hashRange(this.key, start, this.rowChunk)));
    }
    return this.rowChunks[chunk];
  }
}

/** Draw p of a value v is ⌊v / sₚ⌋ mod 2¹⁰ for these sₚ (the spec's draws(v)). */
const DRAW_STEPS = [2 ** 21, 2 ** 11, 2] as const;

/** ⌊v/2²¹⌋, ⌊v/2¹¹⌋ mod 2¹⁰, ⌊v/2⌋ mod 2¹⁰ of values v in [0, M). */
export function threeDraws(v: Tensor): Tensor[] {
  const g = v.graph;
  // ⌊lower / 2¹⁰⌋ = upper and ⌊upper / 2¹⁰⌋ = top
  const [top, upper, lower] = DRAW_STEPS.map((step) => div(v, i32(g, step)));
  const range = i32(g, DRAW_RANGE);
  return [top, sub(upper, mul(top, range)), sub(lower, mul(upper, range))];
}

/**
 * Whether each of the three draws of values v (rows, C) is ≥ `threshold`, plane after plane as
 * threeDraws orders them: (3·rows, C) bool, Greater(Concat(threeDraws(v)), threshold − 1)
 * without the Concat. Draw p ≥ t ⟺ v mod mₚ ≥ t·sₚ, with mₚ = 2¹⁰·sₚ (M for the top draw: v < M),
 * one broadcast over a plane axis. Why: the Concat wrote four bytes a position (11.7 of 298 ms
 * of GPU time at B=32 512/114 on an H200, 2026-12-04), and onnxruntime's WebGPU EP has no bool
 * Concat to join the compared planes instead.
 */
export function keepPlanes(v: Tensor, threshold: number): Tensor {
  const g = v.graph;
  const [rows, columns] = numericShape('keepPlanes', v);
  const planeConstant = (values: number[]) =>
    g.constant({ dtype: 'int32', shape: [DRAWS, 1, 1], data: Int32Array.from(values) });
  const moduli = planeConstant(DRAW_STEPS.map((step) => Math.min(step * DRAW_RANGE, RANDOM_MODULUS))); // v < M
  const below = planeConstant(DRAW_STEPS.map((step) => threshold * step - 1));
  const remainder = sub(v, mul(div(v, moduli), moduli)); // (3, rows, C)
  return reshape(greater(remainder, below), [DRAWS * rows, columns]);
}

/** The draw threshold of a dropout rate in (0, 1): round(rate·2¹⁰) within [1, 2¹⁰ − 1]. */
export function dropThreshold(rate: number): number {
  return Math.min(DRAW_RANGE - 1, Math.max(1, Math.round(rate * DRAW_RANGE)));
}

/** The factor counterDropout scales kept values by: 1 / (the share kept, with the rate as rounded). */
export function counterDropoutScale(rate: number): number {
  return DRAW_RANGE / (DRAW_RANGE - dropThreshold(rate));
}

/** How counterDropout can apply its mask; see CounterDropoutOptions.applyBy. */
export const MASK_APPLICATIONS = ['where', 'multiply'] as const;
export type MaskApplication = (typeof MASK_APPLICATIONS)[number];

export interface CounterDropoutOptions {
  /**
   * Also zeroes the positions where this (bool, x's shape) is false, in the same mask: with
   * x > 0 it gives dropout(relu(x)), whose backward then needs neither a second mask nor x.
   */
  readonly keepOnly?: Tensor;
  /**
   * false leaves out the factor counterDropoutScale(rate) (the caller applies it elsewhere, for
   * example in the linear layer next to it): one node less, and one less in the backward. Default true.
   */
  readonly isScaled?: boolean;
  /**
   * 'where' (default): Where(mask, x, 0), one node each way.
   * 'multiply': x · Cast(mask), what t5's layers use on every provider: onnxruntime's Where was
   * the slower on the CPU and on WebGPU alike (t5/layers.ts, MASK_APPLICATION). The backward
   * still holds only the bool mask: the Mul rule rebuilds a cast bool factor from the bool
   * (autodiff/grads/elementwise.ts).
   */
  readonly applyBy?: MaskApplication;
}

/**
 * Training-mode dropout with a counter-based mask from `masks`: x · keep / (share kept). The
 * mask is not differentiable, so the gradient (dX = dY · the same scaled mask) reuses the bool
 * mask. The rate is rounded to a multiple of 2⁻¹⁰ (dropThreshold).
 */
export function counterDropout(
  x: Tensor,
  rate: number,
  masks: MaskSource,
  options: CounterDropoutOptions = {},
): Tensor {
  assertFloat('counterDropout', x);
  if (!(rate >= 0 && rate < 1)) throw new Error(`counterDropout: rate ${rate} must be in [0, 1)`);
  const { keepOnly, isScaled = true, applyBy = 'where' } = options;
  if (rate === 0) return keepOnly ? applyMask(x, maskFactor(keepOnly, x.dtype, applyBy)) : x;
  const isKept = masks.keep(numericShape('counterDropout', x), dropThreshold(rate));
  // NOTE: a bool mask rather than a float one: the backward keeps only the bool mask alive, a
  // quarter of the float's bytes. The mask is built before the scaled x: onnxruntime's default
  // order (a reverse depth-first walk from the outputs) runs a node's highest-numbered input
  // first, so the mask is made right before its use, not at the start of the step.
  const mask = maskFactor(keepOnly ? and(keepOnly, isKept) : isKept, x.dtype, applyBy);
  const scaled = isScaled ? mul(x, scalar(x.graph, counterDropoutScale(rate), x.dtype)) : x;
  return applyMask(scaled, mask);
}

/** The bool mask as applyMask takes it: cast to x's dtype to multiply by. */
function maskFactor(mask: Tensor, dtype: DType, applyBy: MaskApplication): Tensor {
  return applyBy === 'multiply' ? cast(mask, dtype) : mask;
}

/** x where `mask` is true, else 0; a float mask (maskFactor's 'multiply') multiplies. */
function applyMask(x: Tensor, mask: Tensor): Tensor {
  return mask.dtype === 'bool' ? where(mask, x, scalar(x.graph, 0, x.dtype)) : mul(x, mask);
}
