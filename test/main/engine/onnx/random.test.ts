// Counter-based dropout masks: the int32 graph equals an independent BigInt transcription of
// the spec in random.ts's header (so no step overflows int32), masks depend only on (seed,
// counters, request order, position), keep ≈ 1 − rate, and the gradient reuses the mask.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gradients } from '../../../../src/main/engine/autodiff/gradients';
import { Graph } from '../../../../src/main/engine/onnx/graph';
import * as op from '../../../../src/main/engine/onnx/ops';
import {
  counterDropout,
  counterKey,
  dropThreshold,
  keepPlanes,
  MASK_APPLICATIONS,
  RandomStream,
} from '../../../../src/main/engine/onnx/random';
import { serializeModel } from '../../../../src/main/engine/onnx/serialize';
import { readProfile } from '../../../../src/main/engine/onnx/placement';
import { probeProviders } from '../../../../src/main/engine/onnx/probe';
import type { HostTensor } from '../../../../src/main/engine/onnx/session';
import { EngineSession } from '../../../../src/main/engine/onnx/session';
import { referenceDraws } from './randomReference';
import { elementCount } from '../../../../src/main/engine/shape';

const int64Scalar = (v: number) => ({ dtype: 'int64' as const, dims: [], data: BigInt64Array.of(BigInt(v)) });
const int32Scalar = (v: number) => ({ dtype: 'int32' as const, dims: [], data: Int32Array.of(v) });

/** A session drawing bits for `shapes` in turn from one stream of fed (step, micro) counters. */
async function bitsSession(seed: number, shapes: number[][], rowChunk?: number, provider: 'cpu' | 'webgpu' = 'cpu') {
  const g = new Graph('bits');
  const key = counterKey(g, seed, [g.input('step', 'int32', []), g.input('micro', 'int32', [])]);
  const stream = new RandomStream(key, rowChunk);
  shapes.forEach((shape, i) => g.output(stream.bits(shape), `bits${i}`));
  const session = await EngineSession.create(serializeModel(g), { providers: [provider], recordPlacement: true });
  return {
    session,
    run: async (step: number, micro: number) => {
      const out = await session.runHost({ step: int32Scalar(step), micro: int32Scalar(micro) });
      return shapes.map((_, i) => Array.from(out[`bits${i}`].data as Int32Array));
    },
    release: () => session.release(),
  };
}

describe('counter-based random bits', () => {
  it('match the spec exactly, including counters and seeds near 2³¹ and successive requests', async () => {
    // Small; one row of 2¹² values plus a partial row (last value partly used); empty; one row.
    const shapes = [
      [3, 5, 7],
      [3, 5465],
      [0, 4],
      [2, 2],
    ];
    for (const [seed, step, micro] of [
      [0, 0, 0],
      [1234, 7, 1],
      [2 ** 31 - 2, 2 ** 31 - 2, 3],
    ]) {
      const s = await bitsSession(seed, shapes);
      expect(await s.run(step, micro)).toEqual(referenceDraws(seed, [step, micro], shapes.map(elementCount)));
      await s.release();
    }
  });

  it('give the same values whatever chunks the row hashes are computed in', async () => {
    // Requests of 3, 2 and 1 rows with chunks of 2 rows: the first two cross a chunk boundary.
    const shapes = [[3, 3 * 4096 - 1], [2, 3 * 4096], [7]];
    const s = await bitsSession(5, shapes, 2);
    expect(await s.run(11, 2)).toEqual(referenceDraws(5, [11, 2], shapes.map(elementCount)));
    await s.release();
  });

  it('are the same on WebGPU (lavapipe), every node on it, odd sizes and chunk boundaries included', async () => {
    const webgpu = (await probeProviders()).providers.find((p) => p.name === 'webgpu');
    if (!webgpu?.available)
      throw new Error(`WebGPU is not available here (${webgpu?.reason ?? 'not probed'}); .ci/run installs Mesa ≥ 25`);
    const shapes = [[3, 5, 7], [3, 3 * 4096 - 1], [0, 4], [2, 3 * 4096], [7]];
    const s = await bitsSession(5, shapes, 2, 'webgpu');
    expect(s.session.placement.provider).toBe('webgpu');
    expect(await s.run(11, 2)).toEqual(referenceDraws(5, [11, 2], shapes.map(elementCount)));
    expect(s.session.nodePlacement().fallbackNodes).toEqual([]);
    await s.release();
  });

  it('are the same for the same counters and unrelated for other steps, requests and positions', async () => {
    const n = 60_000;
    const s = await bitsSession(42, [[n], [n]]);
    const [first, second] = await s.run(0, 0);
    expect((await s.run(0, 0))[0]).toEqual(first);
    const others = [(await s.run(1, 0))[0], (await s.run(0, 1))[0], second];
    await s.release();
    const u = (xs: number[]) => xs.map((x) => (x + 0.5) / 1024 - 0.5);
    const corr = (x: number[], y: number[]) => (12 * x.reduce((t, v, i) => t + v * y[i], 0)) / x.length;
    const base = u(first);
    for (const other of others) {
      expect(other).not.toEqual(first);
      expect(Math.abs(corr(base, u(other)))).toBeLessThan(0.02); // σ ≈ 1/√n = 0.004
    }
    // Neighbours; the next row of 2¹² values; the other draws of the same value (V = 20000
    // values: ⌈60000/3⌉ fill 5 rows of 2¹², so V = 20480) and their neighbours.
    for (const lag of [1, 2, 4096, 4097, 20480, 20481, 40960])
      expect(Math.abs(corr(base.slice(lag), base.slice(0, -lag)))).toBeLessThan(0.02);
    const bins = new Array<number>(16).fill(0);
    for (const v of first) bins[Math.floor(v / 64)]++;
    const chi2 = bins.reduce((t, c) => t + (c - n / 16) ** 2 / (n / 16), 0);
    expect(chi2).toBeLessThan(37.7); // χ²(15) at p = 0.001
  });
});

describe('keepPlanes', () => {
  // Values at each plane's edges for t = 102 (its draw just under and at t), 0 and M − 1.
  const M = 2 ** 31 - 1;
  const t = 102;
  const values = [0, M - 1, t * 2 ** 21 - 1, t * 2 ** 21, t * 2 ** 11 - 1, t * 2 ** 11, 2 * t - 1, 2 * t];
  values.push(5 * 2 ** 21 + t * 2 ** 11 - 1, 7 * 2 ** 21 + 3 * 2 ** 11 + 2 * t, 123456789, 987654321);
  /** Each value's three 10-bit draws compared with t, plane after plane, worked out here. */
  const expected = (threshold: number) =>
    [
      (v: number) => Math.floor(v / 2 ** 21),
      (v: number) => Math.floor(v / 2 ** 11) % 1024,
      (v: number) => Math.floor(v / 2) % 1024,
    ].flatMap((draw) => values.map((v) => (draw(v) >= threshold ? 1 : 0)));

  it.each(['cpu', 'webgpu'] as const)(
    'keeps a draw iff it is ≥ the threshold, in all three planes (%s)',
    async (provider) => {
      const g = new Graph('keepPlanes');
      const v = g.input('v', 'int32', [2, values.length / 2]);
      for (const threshold of [1, t, 1023]) g.output(keepPlanes(v, threshold), `keep${threshold}`);
      const session = await EngineSession.create(serializeModel(g), { providers: [provider], recordPlacement: true });
      try {
        const out = await session.runHost({
          v: { dtype: 'int32', dims: [2, values.length / 2], data: Int32Array.from(values) },
        });
        expect([session.placement.provider, session.nodePlacement().fallbackNodes]).toEqual([provider, []]);
        for (const threshold of [1, t, 1023]) {
          expect(out[`keep${threshold}`].dims).toEqual([6, values.length / 2]);
          expect(Array.from(out[`keep${threshold}`].data as Uint8Array)).toEqual(expected(threshold));
        }
      } finally {
        await session.release();
      }
    },
  );
});

describe('dropThreshold', () => {
  it('rounds the rate to 2⁻¹⁰ steps and keeps at least one draw dropped and one kept', () => {
    expect(dropThreshold(0.1)).toBe(102); // 102.4
    expect(dropThreshold(0.25)).toBe(256);
    expect(dropThreshold(1e-6)).toBe(1);
    expect(dropThreshold(0.99999)).toBe(1023);
  });
});

// Both ways of applying the mask give the same values (the multiply form gives −0 where x < 0 is
// dropped; `+ 0` below reads it as 0) and the same gradients.
describe.each(MASK_APPLICATIONS)('counterDropout applied by %s', (applyBy) => {
  it('keeps ≈ 1 − rate, scales kept values, and its gradient is the same scaled mask', async () => {
    const rate = 0.25;
    const shape = [40, 50, 10];
    const g = new Graph('drop');
    const x = g.input('x', 'float32', shape);
    const step = g.input('step', 'int64', []);
    const y = counterDropout(x, rate, new RandomStream(counterKey(g, 9, [step])), { applyBy });
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
    const [bits] = referenceDraws(9, [5], [n]);
    const scale = Math.fround(1 / (1 - rate)); // 256 of 1024 dropped: exactly the rate
    for (let i = 0; i < n; i++) {
      const isKept = bits[i] >= 256;
      expect(first.y[i]).toBe(isKept ? Math.fround(xs[i] * scale) : 0);
      expect(first.dx[i]).toBe(isKept ? Math.fround(3 * scale) : 0);
    }
  });

  it('scales by the share it keeps when the rate is rounded', async () => {
    const g = new Graph('drop');
    const x = g.input('x', 'float32', [3000]);
    g.output(counterDropout(x, 0.1, new RandomStream(counterKey(g, 1, [])), { applyBy }), 'y');
    const session = await EngineSession.create(serializeModel(g));
    const y = (await session.runHost({ x: { dtype: 'float32', dims: [3000], data: new Float32Array(3000).fill(1) } })).y
      .data as Float32Array;
    await session.release();
    const [bits] = referenceDraws(1, [], [3000]);
    const expected = bits.map((b) => (b >= 102 ? Math.fround(1024 / 922) : 0));
    expect(Array.from(y)).toEqual(expected);
  });
});

describe.each(MASK_APPLICATIONS)('counterDropout with keepOnly, applied by %s', (applyBy) => {
  it('is dropout(relu(x)) in one mask, and its gradient is zero where x ≤ 0 or dropped', async () => {
    const n = 6000;
    const g = new Graph('drop');
    const x = g.input('x', 'float32', [n]);
    const y = counterDropout(x, 0.25, new RandomStream(counterKey(g, 4, [])), { keepOnly: op.greater(x, 0), applyBy });
    const [dx] = gradients(op.reduceSum(op.mul(y, 3), null), [x]);
    g.output(y, 'y');
    g.output(dx as NonNullable<typeof dx>, 'dx');
    const session = await EngineSession.create(serializeModel(g));
    const xs = Float32Array.from({ length: n }, (_, i) => (i % 5) - 2); // −2 … 2
    const out = await session.runHost({ x: { dtype: 'float32', dims: [n], data: xs } });
    await session.release();
    const [bits] = referenceDraws(4, [], [n]);
    const scale = Math.fround(1 / 0.75);
    const isKept = (i: number) => xs[i] > 0 && bits[i] >= 256;
    expect(Array.from(out.y.data as Float32Array, (v) => v + 0)).toEqual(
      Array.from(xs, (v, i) => (isKept(i) ? Math.fround(v * scale) : 0)),
    );
    expect(Array.from(out.dx.data as Float32Array)).toEqual(
      Array.from(xs, (_, i) => (isKept(i) ? Math.fround(3 * scale) : 0)),
    );
  });

  it('at rate 0 still zeroes where keepOnly is false (relu alone)', async () => {
    const g = new Graph('relu');
    const x = g.input('x', 'float32', [5]);
    g.output(
      counterDropout(x, 0, new RandomStream(counterKey(g, 4, [])), { keepOnly: op.greater(x, 0), applyBy }),
      'y',
    );
    const session = await EngineSession.create(serializeModel(g));
    const out = await session.runHost({
      x: { dtype: 'float32', dims: [5], data: Float32Array.of(-2, -0.5, 0, 0.5, 2) },
    });
    await session.release();
    expect(Array.from(out.y.data as Float32Array, (v) => v + 0)).toEqual([0, 0, 0, 0.5, 2]);
  });
});

describe.each(MASK_APPLICATIONS)('counterDropout memory, applied by %s', (applyBy) => {
  it('its backward reads only a bool mask of the dropout (no float mask kept alive from forward to backward)', () => {
    const g = new Graph('drop');
    const x = op.tanh(g.input('x', 'float32', [4, 6, 8]));
    const stream = new RandomStream(counterKey(g, 3, [g.input('step', 'int64', [])]));
    const before = new Set(g.nodes);
    const y = counterDropout(x, 0.1, stream, { applyBy });
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

/** The nodes' names in the order onnxruntime ran them (its profile of one run). */
async function executionOrder(g: Graph, feeds: Record<string, HostTensor>): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'spanfill-order-'));
  const session = await EngineSession.create(serializeModel(g), { profileFilePrefix: join(dir, 'p') });
  await session.runHost(feeds);
  session.endProfiling();
  await session.release();
  const events = readProfile(join(dir, 'p'));
  rmSync(dir, { recursive: true, force: true });
  return events
    .filter((e) => e.cat === 'Node' && e.name?.endsWith('_kernel_time'))
    .sort((a, b) => (a.ts ?? 0) - (b.ts ?? 0))
    .map((e) => (e.name ?? '').slice(0, -'_kernel_time'.length));
}

describe.each(MASK_APPLICATIONS)('counterDropout in onnxruntime, applied by %s', (applyBy) => {
  it('makes the mask right before the forward uses it, and its backward recast after the forward', async () => {
    const g = new Graph('drop');
    const x = op.tanh(g.input('x', 'float32', [4, 6, 8]));
    const stream = new RandomStream(counterKey(g, 3, [g.input('step', 'int64', [])]));
    const before = new Set(g.nodes);
    const y = counterDropout(x, 0.1, stream, { applyBy });
    const dropoutNodes = g.nodes.filter((n) => !before.has(n)).map((n) => n.name);
    const forward = new Set(g.nodes);
    const [dx] = gradients(op.reduceSum(op.mul(y, y), null), [x]);
    g.output(dx as NonNullable<typeof dx>, 'dx');
    const recasts = g.nodes.filter((n) => !forward.has(n) && n.opType === 'Cast').map((n) => n.name);
    expect(recasts.length).toBe(applyBy === 'multiply' ? 2 : 0); // bool → int32 → float
    const order = await executionOrder(g, {
      x: { dtype: 'float32', dims: [4, 6, 8], data: new Float32Array(192).fill(0.5) },
      step: { dtype: 'int64', dims: [], data: BigInt64Array.of(1n) },
    });
    const at = (name: string) => order.indexOf(name);
    const ran = dropoutNodes.filter((n) => at(n) >= 0);
    expect(ran.length).toBeGreaterThan(dropoutNodes.length / 2); // onnxruntime may fuse a few
    for (const n of ran)
      expect(at(n), `${n} runs after the tanh it drops out`).toBeGreaterThan(at(x.producer!.node.name));
    // onnxruntime drops the int32 step of the recast (the cast to float reads the bool), not both.
    const ranRecasts = recasts.filter((n) => at(n) >= 0);
    expect(ranRecasts.length).toBe(applyBy === 'multiply' ? 1 : 0);
    const made = at(y.producer!.node.name);
    for (const n of ranRecasts)
      expect(at(n), `${n} runs after the forward's ${y.producer!.node.name}`).toBeGreaterThan(made);
  });
});
