// The WebAssembly AdamW kernel against the update written out here in float32 arithmetic
// (Math.fround after every operation, in adamwApply's order): equal bit for bit on ordinary
// values; results below FLT_MIN stored as zeros of their sign; NaN and ±∞ kept; the padding
// after a region's end untouched; ranges checked.
import { describe, expect, it } from 'vitest';
import type { AdamWKernelScalars } from '../../../../../src/main/engine/optim/wasm/adamwKernel';
import { AdamWKernel, fitsKernelMemory, paddedLength } from '../../../../../src/main/engine/optim/wasm/adamwKernel';
import { seeded } from '../helpers';

const f = Math.fround;
const FLT_MIN = 2 ** -126;

/** One element's update in float32, with the flush a denormal-as-zero CPU applies to results. */
function reference(p: number, g: number, m: number, v: number, s: AdamWKernelScalars): [number, number, number] {
  const flush = (x: number): number => (Math.abs(x) < FLT_MIN ? (Object.is(x, -0) || x < 0 ? -0 : 0) : x);
  const m1 = flush(f(f(m * f(s.beta1)) + f(g * f(s.c1))));
  const v1 = flush(f(f(v * f(s.beta2)) + f(f(g * g) * f(s.c2))));
  const denom = f(f(Math.sqrt(v1)) + f(s.epsTerm));
  const p1 = flush(f(f(p * f(s.keep)) - f(f(m1 / denom) * f(s.stepSize))));
  return [p1, m1, v1];
}

const SCALARS: AdamWKernelScalars = {
  beta1: 0.9,
  beta2: 0.999,
  c1: 0.1 * 0.37,
  c2: 0.001 * 0.37 * 0.37,
  epsTerm: 1e-8 * Math.sqrt(0.001),
  keep: 1 - 0.01 * 0.05,
  stepSize: (0.01 * Math.sqrt(0.001)) / 0.1,
};

function filled(n: number): AdamWKernel {
  const k = new AdamWKernel(n);
  const rand = seeded(5);
  k.params.set(rand(n));
  k.grads.set(rand(n).map((x) => x * 1e-3));
  k.m.set(rand(n).map((x) => x * 1e-4));
  k.v.set(rand(n).map((x) => x * x * 1e-7));
  return k;
}

describe('AdamWKernel', () => {
  it('updates parameters and both moments as float32 arithmetic in the graph update’s order, bit for bit', () => {
    const n = 1003; // not a multiple of 4: the last vector is part padding
    const k = filled(n);
    const before = [k.params, k.grads, k.m, k.v].map((a) => Array.from(a.subarray(0, n)));
    k.apply(0, 500, SCALARS);
    k.apply(500, n, { ...SCALARS, keep: 1 });
    for (let i = 0; i < n; i++) {
      const s = i < 500 ? SCALARS : { ...SCALARS, keep: 1 };
      const [p, m, v] = reference(before[0][i], before[1][i], before[2][i], before[3][i], s);
      expect([k.params[i], k.m[i], k.v[i]], `element ${i}`).toEqual([p, m, v]);
    }
    expect(Array.from(k.grads.subarray(0, n))).toEqual(before[1]); // read only
  });

  it('stores results below FLT_MIN as zeros of their sign and keeps NaN and infinities', () => {
    const k = new AdamWKernel(8);
    const tinyM = FLT_MIN * 1.05; // m·β₁ falls below FLT_MIN with a zero gradient
    k.m.set([tinyM, -tinyM, 0.5, 0.5, Number.NaN, 0, 0, 0]);
    k.v.set([1, 1, 1, 1, 1, 1, Number.POSITIVE_INFINITY, 1]);
    k.params.set([1, 1, FLT_MIN * 1.5, -FLT_MIN * 1.5, 1, 1, 1, 1]);
    k.grads.set([0, 0, 0, 0, 0, 0, 0, 0]);
    const s = { ...SCALARS, keep: 0.5, stepSize: 0 };
    k.apply(0, 8, s);
    expect(Object.is(k.m[0], 0) && Object.is(k.m[1], -0)).toBe(true);
    expect(Object.is(k.params[2], 0) && Object.is(k.params[3], -0)).toBe(true); // p·keep underflows
    expect(Number.isNaN(k.m[4]) && Number.isNaN(k.params[4])).toBe(true);
    expect(k.v[6]).toBe(Number.POSITIVE_INFINITY);
    const unflushed = f(tinyM * f(0.9));
    expect(unflushed).toBeGreaterThan(0); // the float32 result itself is a denormal, not 0
    expect(unflushed).toBeLessThan(FLT_MIN);
  });

  it('leaves the padding after the last element zero', () => {
    const k = new AdamWKernel(5); // regions of 8
    k.grads.set([1, 1, 1, 1, 1]);
    k.apply(0, 5, { ...SCALARS, epsTerm: 1e-8 });
    expect(Array.from(k.m.subarray(5, 8))).toEqual([0, 0, 0]);
    expect(Array.from(k.params.subarray(5, 8))).toEqual([0, 0, 0]);
    expect(k.m[4]).not.toBe(0);
  });

  it('refuses ranges it cannot update and sizes beyond one memory', () => {
    const k = new AdamWKernel(16);
    expect(() => k.apply(2, 8, SCALARS)).toThrow(/bad range \[2, 8\)/);
    expect(() => k.apply(0, 17, SCALARS)).toThrow(/bad range/);
    expect(() => new AdamWKernel(0)).toThrow(/bad length 0/);
    expect(paddedLength(5)).toBe(8);
    expect(fitsKernelMemory(2 ** 28)).toBe(true); // 4 regions × 2²⁸ floats = 4 GiB
    expect(fitsKernelMemory(2 ** 28 + 1)).toBe(false);
    expect(() => new AdamWKernel(2 ** 28 + 4)).toThrow(/do not fit in one WebAssembly memory/);
  });
});
