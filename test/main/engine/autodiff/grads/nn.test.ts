// Finite-difference checks of Softmax, LogSoftmax, Dropout, SoftmaxCrossEntropyLoss and RMS norm
// (autodiff/grads/nn.ts) in float64 (the residual-add RMS norm, which has no float64 kernel, in
// float32); ends with the family's FD coverage check.
import { expect, it } from 'vitest';
import type { Tensor } from '../../../../../src/main/engine/onnx/graph';
import * as op from '../../../../../src/main/engine/onnx/ops';
import { Graph } from '../../../../../src/main/engine/onnx/graph';
import { serializeModel } from '../../../../../src/main/engine/onnx/serialize';
import { EngineSession } from '../../../../../src/main/engine/onnx/session';
import { gradients } from '../../../../../src/main/engine/autodiff/gradients';
import { nnGradients } from '../../../../../src/main/engine/autodiff/grads/nn';
import { describeGradientFamily, expectGradientsMatch } from '../expect';
import { randoms } from '../fd';

const scores = { name: 'scores', shape: [4, 5], map: (v: number) => 3 * v };
const labels = (values: number[]) => ({ name: 'labels', shape: [4], dtype: 'int64' as const, values });

describeGradientFamily(nnGradients, () => {
  for (const axis of [-1, 0]) {
    it(`Softmax axis ${axis}`, () =>
      expectGradientsMatch({ inputs: [{ name: 'x', shape: [3, 4] }], build: ([x]) => op.softmax(x, axis) }));
    it(`LogSoftmax axis ${axis}`, () =>
      expectGradientsMatch({ inputs: [{ name: 'x', shape: [3, 4] }], build: ([x]) => op.logSoftmax(x, axis) }));
  }

  for (const shape of [
    [6], // dw is the product itself: no leading axes to sum over
    [3, 4],
    [2, 3, 5],
  ])
    it(`SimplifiedLayerNormalization (RMS norm) over the last axis of ${shape.join('×')}`, () =>
      expectGradientsMatch({
        inputs: [
          { name: 'x', shape },
          { name: 'w', shape: [shape[shape.length - 1]], map: (v) => 1 + v / 2 },
        ],
        build: ([x, w]) => op.rmsNormalization(x, w, 1e-6),
      }));

  // onnxruntime has no float64 kernel of this contrib op: it runs in float32 between Casts, so
  // central differences carry float32 rounding (~1e-2 here), well below what a 1.5× wrong rule
  // causes (> 1e-1); the test after these compares the rule with Add + RMS norm to 1e-5.
  const in32 = (t: Tensor): Tensor => op.cast(t, 'float32');
  const float32Fd = { tolerance: 3e-2, wrongRuleError: 1e-1 };
  it('SkipSimplifiedLayerNormalization (float32): the normed sum and the sum both reach the loss', () =>
    expectGradientsMatch(
      {
        inputs: [
          { name: 'x', shape: [2, 3, 5] },
          { name: 'skip', shape: [2, 3, 5], map: (v) => v / 3 - 0.2 },
          { name: 'w', shape: [5], map: (v) => 1 + v / 2 },
        ],
        build: ([x, skip, w]) => {
          const { sum, normed } = op.skipRmsNormalization(in32(x), in32(skip), in32(w), 1e-6);
          return op.cast(op.add(op.mul(normed, op.tanh(sum)), sum), 'float64');
        },
      },
      float32Fd,
    ));

  it('SkipSimplifiedLayerNormalization (float32): only the normed sum reaches the loss', () =>
    expectGradientsMatch(
      {
        inputs: [
          { name: 'x', shape: [4, 6] },
          { name: 'skip', shape: [4, 6] },
          { name: 'w', shape: [6], map: (v) => 1 - v / 3 },
        ],
        build: ([x, skip, w]) => op.cast(op.skipRmsNormalization(in32(x), in32(skip), in32(w), 1e-6).normed, 'float64'),
      },
      float32Fd,
    ));

  it('SkipSimplifiedLayerNormalization has the gradients of Add then SimplifiedLayerNormalization (float32)', async () => {
    const shape = [3, 4, 8];
    const build = (isFused: boolean) => {
      const g = new Graph(isFused ? 'skip' : 'pair');
      const [x, skip] = ['x', 'skip'].map((name) => g.input(name, 'float32', shape));
      const w = g.input('w', 'float32', [8]);
      const { sum, normed } = isFused
        ? op.skipRmsNormalization(x, skip, w, 1e-6)
        : ((s) => ({ sum: s, normed: op.rmsNormalization(s, w, 1e-6) }))(op.add(x, skip));
      const loss = op.reduceSum(op.add(op.mul(normed, op.tanh(sum)), op.mul(sum, sum)), null);
      gradients(loss, [x, skip, w]).forEach((d, i) => g.output(d as Tensor, `d${i}`));
      return g;
    };
    const values = (n: number, seed: number) => Float32Array.from(randoms(n, seed));
    const feeds = {
      x: { dtype: 'float32', dims: shape, data: values(96, 1) },
      skip: { dtype: 'float32', dims: shape, data: values(96, 2) },
      w: { dtype: 'float32', dims: [8], data: values(8, 3).map((v) => 1 + v / 2) },
    } as const;
    const run = async (g: Graph) => {
      const session = await EngineSession.create(serializeModel(g));
      try {
        return await session.runHost(feeds);
      } finally {
        await session.release();
      }
    };
    const [fused, pair] = [await run(build(true)), await run(build(false))];
    for (const name of ['d0', 'd1', 'd2']) {
      const [a, b] = [fused[name].data as Float32Array, pair[name].data as Float32Array];
      a.forEach((v, i) => expect(Math.abs(v - b[i]) / (1 + Math.abs(b[i])), name).toBeLessThan(1e-5));
    }
  });

  it('Dropout in training mode reuses its mask', async () => {
    const r = await expectGradientsMatch({
      inputs: [{ name: 'x', shape: [3, 4] }],
      build: ([x]) => op.dropout(x, 0.4, true, 1234).output,
      isStochastic: true,
    });
    const dropped = r.numeric[0].filter((d) => d === 0).length;
    expect(dropped).toBeGreaterThan(0); // the mask really drops something
    expect(dropped).toBeLessThan(12);
  });

  it('Dropout in inference mode is the identity', () =>
    expectGradientsMatch({ inputs: [{ name: 'x', shape: [3, 4] }], build: ([x]) => op.dropout(x, 0.4, false).output }));

  for (const reduction of ['mean', 'sum', 'none'] as const) {
    it(`SoftmaxCrossEntropyLoss reduction=${reduction} with ignore_index -100`, () =>
      expectGradientsMatch({
        inputs: [scores, labels([1, -100, 4, 0])],
        build: ([s, l]) => op.softmaxCrossEntropy(s, l, { reduction, ignoreIndex: -100 }).loss,
      }));
    it(`SoftmaxCrossEntropyLoss reduction=${reduction} without ignore_index`, () =>
      expectGradientsMatch({
        inputs: [scores, labels([1, 2, 4, 0])],
        build: ([s, l]) => op.softmaxCrossEntropy(s, l, { reduction }).loss,
      }));
  }

  it('SoftmaxCrossEntropyLoss mean with every label ignored gives zero (not NaN) gradients', async () => {
    const g = new Graph('t');
    const s = g.input('scores', 'float64', [2, 3]);
    const l = g.input('labels', 'int64', [2]);
    const [ds] = gradients(op.softmaxCrossEntropy(s, l, { ignoreIndex: -100 }).loss, [s]);
    g.output(ds!, 'ds');
    const session = await EngineSession.create(serializeModel(g));
    const out = await session.runHost({
      scores: { dtype: 'float64', dims: [2, 3], data: Float64Array.from([1, 2, 3, 4, 5, 6]) },
      labels: { dtype: 'int64', dims: [2], data: BigInt64Array.from([-100n, -100n]) },
    });
    expect(Array.from(out.ds.data as Float64Array)).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('SoftmaxCrossEntropyLoss with both loss and log_prob in the loss', () =>
    expectGradientsMatch({
      inputs: [scores, labels([3, -100, 4, 0])],
      build: ([s, l]) => {
        const ce = op.softmaxCrossEntropy(s, l, { ignoreIndex: -100 });
        return op.add(op.reduceSum(op.mul(ce.logProb, ce.logProb), null), ce.loss);
      },
    }));
});
