// The walker's contract (gradients.ts): a wrong rule is caught by the FD check; fan-in is
// summed; only needed gradients are built; seeds; unused inputs; a Loop body differentiates
// its own loss with outer tensors as constants. Missing and forbidden rules: registry.test.ts.
import { describe, expect, it } from 'vitest';
import * as op from '../../../../src/main/engine/onnx/ops';
import { Graph } from '../../../../src/main/engine/onnx/graph';
import { serializeModel } from '../../../../src/main/engine/onnx/serialize';
import { EngineSession } from '../../../../src/main/engine/onnx/session';
import { defaultRegistry } from '../../../../src/main/engine/autodiff/registry';
import { gradients } from '../../../../src/main/engine/autodiff/gradients';
import { checkGradients, FD_TOLERANCE } from './fd';
import { expectGradientsMatch } from './expect';

const f64 = (dims: number[], values: number[]) => ({
  dtype: 'float64' as const,
  dims,
  data: Float64Array.from(values),
});

const x23 = { name: 'x', shape: [2, 3] };

describe('gradient walker', () => {
  it('a deliberately wrong rule fails the finite-difference check', async () => {
    const registry = defaultRegistry.clone();
    registry.register('Tanh', (ctx) => [ctx.GO(0)]); // forgets the (1 − y²) factor
    const r = await checkGradients({ inputs: [{ name: 'x', shape: [2, 3] }], build: ([x]) => op.tanh(x), registry });
    expect(r.maxError).toBeGreaterThan(1e-2);
    const good = await checkGradients({ inputs: [{ name: 'x', shape: [2, 3] }], build: ([x]) => op.tanh(x) });
    expect(good.maxError).toBeLessThan(FD_TOLERANCE);
  });

  it('sums fan-in: x used three times', () =>
    expectGradientsMatch({ inputs: [x23], build: ([x]) => op.mul(op.add(x, op.tanh(x)), x) }));

  it('returns null for an input the loss does not depend on', async () => {
    const r = await checkGradients({
      inputs: [x23, { ...x23, name: 'unused' }],
      build: ([x, u]) => {
        op.exp(u);
        return op.neg(x);
      },
    });
    expect(r.analytic[0]).not.toBeNull();
    expect(r.analytic[1]).toBeNull();
    expect(r.maxError).toBeLessThan(FD_TOLERANCE);
  });

  it('builds only the gradients needed: no dW when only dX is asked for', () => {
    const g = new Graph('t');
    const x = g.input('x', 'float64', [2, 3]);
    const w = g.input('w', 'float64', [3, 4]);
    const loss = op.reduceSum(op.matmul(x, w), null);
    const before = g.nodes.length;
    const [dx] = gradients(loss, [x]);
    expect(dx?.shape).toEqual([2, 3]);
    const added = g.nodes.slice(before);
    // Expand (seed spread), Transpose of W and one MatMul; nothing that uses X.
    expect(added.filter((n) => n.opType === 'MatMul')).toHaveLength(1);
    expect(added.some((n) => n.inputs.includes(x))).toBe(false);
    expect(added.every((n) => n.name.startsWith('grad/'))).toBe(true);
  });

  it('returns null for an unrelated input, or zeros when asked', async () => {
    const g = new Graph('t');
    const x = g.input('x', 'float64', [2]);
    const u = g.input('u', 'float64', [2, 2]);
    const loss = op.reduceSum(op.mul(x, x), null);
    expect(gradients(loss, [u])).toEqual([null]);
    const [dx, du] = gradients(loss, [x, u], { zerosForUnused: true });
    g.output(dx!, 'dx');
    g.output(du!, 'du');
    const s = await EngineSession.create(serializeModel(g));
    const out = await s.runHost({ x: f64([2], [1.5, -2]), u: f64([2, 2], [1, 2, 3, 4]) });
    expect(Array.from(out.dx.data as Float64Array)).toEqual([3, -4]);
    expect(Array.from(out.du.data as Float64Array)).toEqual([0, 0, 0, 0]);
  });

  it('takes a seed for a non-scalar loss and rejects a non-scalar loss without one', async () => {
    const g = new Graph('t');
    const x = g.input('x', 'float64', [3]);
    const y = op.mul(x, x);
    expect(() => gradients(y, [x])).toThrow(/is not a scalar; pass options.seed/);
    const seed = g.input('seed', 'float64', [3]);
    const [dx] = gradients(y, [x], { seed });
    g.output(dx!, 'dx');
    const s = await EngineSession.create(serializeModel(g));
    const out = await s.runHost({ x: f64([3], [1, 2, 3]), seed: f64([3], [1, 10, 100]) });
    expect(Array.from(out.dx.data as Float64Array)).toEqual([2, 40, 600]);
  });

  it('differentiates inside a Loop body: 3 SGD steps on Σ(w·x − t)² with outer x and t', async () => {
    const g = new Graph('t');
    const w0 = g.input('w', 'float64', [2]);
    const x = g.input('x', 'float64', [2]);
    const t = g.input('target', 'float64', [2]);
    const lr = 0.1;
    const { carried, scans } = op.loop(g, 3, [w0], (body, _it, [w]) => {
      const loss = op.reduceSum(op.pow(op.sub(op.mul(w, x), t), 2), null);
      const [dw] = gradients(loss, [w, x]);
      expect(dw?.graph).toBe(body);
      return { carried: [op.sub(w, op.mul(dw!, lr))], scans: [loss] };
    });
    g.output(carried[0], 'w_final');
    g.output(scans[0], 'losses');
    const s = await EngineSession.create(serializeModel(g));
    const out = await s.runHost({ w: f64([2], [0, 1]), x: f64([2], [2, -1]), target: f64([2], [1, 3]) });
    // Plain JS reference: dL/dw = 2(w·x − t)·x.
    let w = [0, 1];
    const losses: number[] = [];
    for (let k = 0; k < 3; k++) {
      const r = w.map((wi, i) => wi * [2, -1][i] - [1, 3][i]);
      losses.push(r.reduce((a, v) => a + v * v, 0));
      w = w.map((wi, i) => wi - lr * 2 * r[i] * [2, -1][i]);
    }
    const got = Array.from(out.w_final.data as Float64Array);
    got.forEach((v, i) => expect(v).toBeCloseTo(w[i], 12));
    Array.from(out.losses.data as Float64Array).forEach((v, i) => expect(v).toBeCloseTo(losses[i], 12));
  });

  it('hoists rule nodes that only read outer tensors (Wᵀ) out of the Loop body, and the Loop still runs', async () => {
    const g = new Graph('t');
    const x0 = g.input('x', 'float64', [1, 2]);
    const w = g.input('w', 'float64', [2, 2]);
    const { carried } = op.loop(g, 2, [x0], (_body, _it, [x]) => {
      const [dx] = gradients(op.reduceSum(op.matmul(x, w), null), [x]);
      return { carried: [op.sub(x, dx!)] };
    });
    expect(g.nodes.some((n) => n.opType === 'Transpose')).toBe(true); // Wᵀ computed once, outside
    g.output(carried[0], 'x_final');
    const s = await EngineSession.create(serializeModel(g));
    const out = await s.runHost({ x: f64([1, 2], [0, 0]), w: f64([2, 2], [1, 2, 3, 4]) });
    // d/dx Σ(x·W) = row sums of W = [3, 7]; two steps subtract it twice.
    expect(Array.from(out.x_final.data as Float64Array)).toEqual([-6, -14]);
  });

  it('rejects integer wrt tensors and tensors invisible from the loss graph', () => {
    const g = new Graph('t');
    const ids = g.input('ids', 'int64', [2]);
    const x = g.input('x', 'float64', [2]);
    const loss = op.reduceSum(x, null);
    expect(() => gradients(loss, [ids])).toThrow(/cannot differentiate w.r.t. ids: it is int64, not a float tensor/);
    const other = new Graph('other');
    expect(() => gradients(loss, [other.input('y', 'float64', [1])])).toThrow(/not visible from the loss's graph/);
  });
});
