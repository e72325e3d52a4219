// Counter-based random numbers built from int32 graph ops, and dropout from them: the mask at
// a position is a pure function of (key, site, position), so a re-created session, a resumed
// run or K steps in one Loop draw the same masks as any other split (no hidden generator state).
// Only int32 Add/Sub/Mul/Div/Less/Where/Range/Cast, which every execution provider has at
// opset 17 (no BitwiseXor before opset 18, no int32 BitShift on the CPU). Every intermediate
// stays in [−2³¹, 2³¹), so nothing relies on integer overflow.
//
// Spec (M = 2³¹ − 1, A = 48271, the Park–Miller "MINSTD" multiplier; all values in [0, M)):
//   rot(y)       = (y mod 2¹⁶)·2¹⁵ + ⌊y / 2¹⁶⌋                  (a bit rotation of 31-bit y)
//   mix(x)       = rot((A·x + ⌊x / 2¹⁶⌋·(x mod 2¹⁶)) mod M)      (the product of x's halves is
//                                                                the non-linear part)
//   absorb(x, w) = mix((x + w) mod M)
//   key          = absorb(…absorb(absorb(KEY_ORIGIN, seed mod M), c₁)…, cₙ)   for counters cᵢ
//   s            = absorb(key, site)
//   rowᵢ         = mix(mix(absorb(s, i))),   colⱼ = mix(mix(absorb(absorb(s, M − 1), j)))
//   xₕ           = (⌊rowᵢ/2¹⁶⌋ + 1)·(colⱼ mod 2¹⁵) + (⌊colⱼ/2¹⁶⌋ + 1)·(rowᵢ mod 2¹⁵)  (< 2³¹ − 2¹⁶)
//   vₕ           = mix(xₕ)                  for h = i·2¹² + j, 0 ≤ j < 2¹²: one 31-bit value per
//                                                                2 positions
//   bits(2h)     = ⌊vₕ / 2¹⁶⌋,  bits(2h + 1) = ⌊(vₕ mod 2¹⁶) / 2⌋  15-bit values; positions are
//                                                                row-major flat indices
//   dropout      keeps a position iff bits ≥ round(rate·2¹⁵) and scales kept values by 1/(1 − rate)
// (Full three-mix hashes only for the rows and the 2¹² columns; each value then costs two
// products of their 15-bit halves, a sum and one mix: ~30 int32 passes per pair of positions
// instead of ~80. Not mix(rowᵢ + colⱼ): for a fixed offset d, mix(x) and mix(x + d) correlate
// (|r| > 0.02 for two thirds of random d), which ties each column's rows together; the products
// make the offset between two rows differ from column to column. The +1s keep a row or column
// whose hash has zero halves from giving one value throughout. Two 15-bit draws per value halve
// the work again; the rate is thereby rounded to a multiple of 2⁻¹⁵.)
// Schrage's method computes A·x mod M within int32.
// Reference: Park & Miller, "Random number generators: good ones are hard to find", CACM
// 31(10), 1988; Schrage, ACM TOMS 5(2), 1979.

import type { Graph, Tensor } from './graph';
import { add, cast, div, less, mul, sub, where } from './ops/elementwise';
import { concat, reshape, slice, unsqueeze } from './ops/shape';
import { assertFloat, numericShape, scalar } from './ops/util';

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

/** y < 0 ? y + M : y, for y in (−M, M). */
function wrap(y: Tensor): Tensor {
  const g = y.graph;
  return where(less(y, i32(g, 0)), add(y, i32(g, RANDOM_MODULUS)), y);
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

export const RANDOM_BITS = 15;

/** Pairs of positions per row of the (rows, columns) grid of values (2¹², the spec's). */
const COLUMNS = 4096;

/** mix(mix(absorb(key, index))) for index = 0 … n − 1: n full-quality hashes, (n). */
function hashRange(key: Tensor, n: number): Tensor {
  const g = key.graph;
  const [index] = g.addNode('Range', [i32(g, 0), i32(g, n), i32(g, 1)], [{ dtype: 'int32', shape: [n] }]);
  return mix(mix(absorb(key, index)));
}

/** ⌊h/2¹⁶⌋ + 1 and h mod 2¹⁵ of hashes h in [0, M): factors ≤ 2¹⁵ whose products stay < 2³⁰. */
function halvesPlusOne(hash: Tensor): { highPlusOne: Tensor; low: Tensor } {
  const g = hash.graph;
  return { highPlusOne: add(div(hash, i32(g, HALF)), i32(g, 1)), low: divMod(hash, 32768).remainder };
}

/** bits(pos) for every position of a tensor of `shape` (static): int32 uniform on [0, 2¹⁵). */
export function randomBits(key: Tensor, site: number, shape: readonly number[]): Tensor {
  const g = key.graph;
  const size = shape.reduce((a, b) => a * b, 1);
  const pairs = Math.ceil(size / 2);
  if (pairs >= RANDOM_MODULUS) throw new Error(`randomBits: ${size} positions is more than the keys can cover`);
  const siteKey = absorb(key, i32(g, site % RANDOM_MODULUS));
  const columns = Math.max(1, Math.min(pairs, COLUMNS)); // 1 keeps an empty shape well-defined
  const rows = Math.ceil(pairs / columns);
  const rowHash = unsqueeze(hashRange(siteKey, rows), [1]); // (rows, 1)
  const columnHash = hashRange(absorb(siteKey, i32(g, RANDOM_MODULUS - 1)), columns); // (columns)
  const row = halvesPlusOne(rowHash); // (rows, 1) each
  const column = halvesPlusOne(columnHash); // (columns) each
  const mixed = add(mul(row.highPlusOne, column.low), mul(column.highPlusOne, row.low)); // (rows, columns)
  const value = divMod(mix(mixed), HALF); // (rows, columns)
  const even = unsqueeze(value.quotient, [2]); // (rows, columns, 1)
  const odd = unsqueeze(div(value.remainder, i32(g, 2)), [2]); // (rows, columns, 1)
  let flat = reshape(concat([even, odd], 2), [2 * rows * columns]);
  if (2 * rows * columns !== size) flat = slice(flat, [0], [size], [0]);
  return reshape(flat, [...shape]);
}

/**
 * Training-mode dropout with a counter-based mask: x · keep/(1 − rate). The mask depends only
 * on (key, site, position) and is not differentiable, so the gradient (dX = dY · the same
 * scaled mask) reuses the bool mask through the Where rule. Each dropout site of a model
 * needs its own `site` number.
 */
export function counterDropout(x: Tensor, rate: number, key: Tensor, site: number): Tensor {
  assertFloat('counterDropout', x);
  if (!(rate >= 0 && rate < 1)) throw new Error(`counterDropout: rate ${rate} must be in [0, 1)`);
  if (rate === 0) return x;
  const bits = randomBits(key, site, numericShape('counterDropout', x));
  const isDropped = less(bits, i32(key.graph, Math.round(rate * 2 ** RANDOM_BITS)));
  // NOTE: Where on the bool mask rather than Mul by a float mask: the backward (Where rule,
  // then Mul by a constant) keeps only the bool mask alive, a quarter of the float's bytes.
  const scaled = mul(x, scalar(x.graph, 1 / (1 - rate), x.dtype));
  return where(isDropped, scalar(x.graph, 0, x.dtype), scaled);
}
