// Counter-based dropout masks: the int32 graph equals an independent BigInt transcription of
// the spec in random.ts's header (so no step overflows int32), masks depend only on
// (seed, counters, site, position), keep ≈ 1 − rate, and the gradient reuses the mask.
import { describe, expect, it } from 'vitest';
import { gradients } from '../../../../src/main/engine/autodiff/gradients';
import { Graph } from '../../../../src/main/engine/onnx/graph';
import * as op from '../../../../src/main/engine/onnx/ops';
import { counterDropout, counterKey, randomBits } from '../../../../src/main/engine/onnx/random';
import { serializeModel } from '../../../../src/main/engine/onnx/serialize';
import { EngineSession } from '../../../../src/main/engine/onnx/session';

// The spec with exact big integers (no Schrage, no host shortcuts).
const M = 2n ** 31n - 1n;
const rot = (y: bigint): bigint => (y % 65536n) * 32768n + y / 65536n;
const mix = (x: bigint): bigint => rot((48271n * x + (x / 65536n) * (x % 65536n)) % M);
const absorb = (x: bigint, w: bigint): bigint => mix((x + (w % M)) % M);
function referenceBits(seed: number, counters: number[], site: number, size: number): number[] {
  let key = absorb(0x2545f491n, BigInt(seed));
  for (const c of counters) key = absorb(key, BigInt(c));
  const siteKey = absorb(key, BigInt(site));
  const columnKey = absorb(siteKey, M - 1n);
  const out: number[] = [];
  for (let h = 0; out.length < size; h++) {
    const [i, j] = [BigInt(Math.floor(h / 4096)), BigInt(h % 4096)];
    const row = mix(mix(absorb(siteKey, i)));
    const column = mix(mix(absorb(columnKey, j)));
    const v = mix((row / 65536n + 1n) * (column % 32768n) + (column / 65536n + 1n) * (row % 32768n));
    out.push(Number(v / 65536n), Number((v % 65536n) / 2n)); // two 15-bit draws per value
  }
  return out.slice(0, size);
}

const int64Scalar = (v: number) => ({ dtype: 'int64' as const, dims: [], data: BigInt64Array.of(BigInt(v)) });

/** A session computing randomBits(site) of `shape` for fed (step, micro) counters. */
async function bitsSession(seed: number, site: number, shape: number[]) {
  const g = new Graph('bits');
  const key = counterKey(g, seed, [g.input('step', 'int64', []), g.input('micro', 'int64', [])]);
  g.output(randomBits(key, site, shape), 'bits');
  const session = await EngineSession.create(serializeModel(g));
  return {
    run: async (step: number, micro: number) =>
      Array.from(
        (await session.runHost({ step: int64Scalar(step), micro: int64Scalar(micro) })).bits.data as Int32Array,
      ),
    release: () => session.release(),
  };
}

describe('counter-based random bits', () => {
  it('match the spec exactly, including counters and seeds near 2³¹', async () => {
    for (const [seed, step, micro, site] of [
      [0, 0, 0, 0],
      [1234, 7, 1, 5],
      [2 ** 31 - 2, 2 ** 31 - 2, 3, 41],
    ]) {
      const s = await bitsSession(seed, site, [3, 5, 7]);
      expect(await s.run(step, micro)).toEqual(referenceBits(seed, [step, micro], site, 105));
      await s.release();
      // Three rows of 2¹² pairs, the last one partial and the last pair half used.
      const grid = await bitsSession(seed, site, [3, 5465]);
      expect(await grid.run(step, micro)).toEqual(referenceBits(seed, [step, micro], site, 3 * 5465));
      await grid.release();
    }
    const empty = await bitsSession(1, 0, [0, 4]);
    expect(await empty.run(0, 0)).toEqual([]);
    await empty.release();
  });

  it('are the same for the same counters and unrelated for other steps, sites and positions', async () => {
    const n = 50_000;
    const a = await bitsSession(42, 3, [n]);
    const b = await bitsSession(42, 4, [n]);
    const step0 = await a.run(0, 0);
    expect(await a.run(0, 0)).toEqual(step0);
    const others = [await a.run(1, 0), await a.run(0, 1), await b.run(0, 0)];
    await a.release();
    await b.release();
    const u = (xs: number[]) => xs.map((x) => x / 32768 - 0.5);
    const corr = (x: number[], y: number[]) => (12 * x.reduce((s, v, i) => s + v * y[i], 0)) / x.length;
    const base = u(step0);
    for (const other of others) {
      expect(other).not.toEqual(step0);
      expect(Math.abs(corr(base, u(other)))).toBeLessThan(0.02); // σ ≈ 1/√n = 0.0045
    }
    // Neighbours, and the same and the next column of the next row of 2¹² pairs (8192 positions).
    for (const lag of [1, 2, 8192, 8194])
      expect(Math.abs(corr(base.slice(lag), base.slice(0, -lag)))).toBeLessThan(0.02);
    const bins = new Array<number>(16).fill(0);
    for (const v of base) bins[Math.floor((v + 0.5) * 16)]++;
    const chi2 = bins.reduce((s, c) => s + (c - n / 16) ** 2 / (n / 16), 0);
    expect(chi2).toBeLessThan(37.7); // χ²(15) at p = 0.001
  });
});

describe('counterDropout', () => {
  it('keeps ≈ 1 − rate, scales kept values, and its gradient is the same scaled mask', async () => {
    const rate = 0.25;
    const shape = [40, 50, 10];
    const g = new Graph('drop');
    const x = g.input('x', 'float32', shape);
    const step = g.input('step', 'int64', []);
    const y = counterDropout(x, rate, counterKey(g, 9, [step]), 0);
    const [dx] = gradients(op.reduceSum(op.mul(y, 3), null), [x]);
    g.output(y, 'y');
    g.output(dx as NonNullable<typeof dx>, 'dx');
    const session = await EngineSession.create(serializeModel(g));
    const n = 20_000;
    const xs = Float32Array.from({ length: n }, (_, i) => 1 + (i % 7));
    const run = async (s: number) => {
      const out = await session.runHost({ x: { dtype: 'float32', dims: shape, data: xs }, step: int64Scalar(s) });
      return { y: out.y.data as Float32Array, dx: out.dx.data as Float32Array };
    };
    const first = await run(5);
    const again = await run(5);
    const next = await run(6);
    await session.release();
    expect(Array.from(again.y)).toEqual(Array.from(first.y));
    expect(Array.from(next.y)).not.toEqual(Array.from(first.y));
    const kept = first.y.reduce((s, v) => s + (v !== 0 ? 1 : 0), 0) / n;
    expect(Math.abs(kept - (1 - rate))).toBeLessThan(0.01); // σ ≈ 0.003
    const bits = referenceBits(9, [5], 0, n);
    for (let i = 0; i < n; i++) {
      const isKept = bits[i] >= Math.round(rate * 32768);
      expect(first.y[i]).toBe(isKept ? Math.fround(xs[i] * Math.fround(1 / (1 - rate))) : 0);
      expect(first.dx[i]).toBe(isKept ? Math.fround(3 * Math.fround(1 / (1 - rate))) : 0);
    }
  });
});

describe('counterDropout memory', () => {
  it('its backward reads only a bool mask of the dropout (no float mask kept alive from forward to backward)', () => {
    const g = new Graph('drop');
    const x = op.tanh(g.input('x', 'float32', [4, 6, 8]));
    const key = counterKey(g, 3, [g.input('step', 'int64', [])]);
    const before = new Set(g.nodes);
    const y = counterDropout(x, 0.1, key, 0);
    const dropoutNodes = new Set(g.nodes.filter((n) => !before.has(n)));
    const forward = new Set(g.nodes);
    gradients(op.reduceSum(op.mul(y, y), null), [x]);
    const read = new Set<string>(); // dtypes of the dropout's inner tensors the backward reads
    for (const n of g.nodes.filter((m) => !forward.has(m)))
      for (const t of n.inputs)
        if (t && t !== y && t.producer && dropoutNodes.has(t.producer.node))
          read.add(`${t.dtype}[${t.shape.join(',')}]`);
    expect([...read]).toEqual(['bool[4,6,8]']);
  });
});
