// Finite-difference checks of Softmax, LogSoftmax, Dropout, SoftmaxCrossEntropyLoss and RMS norm
// (autodiff/grads/nn.ts) in float64; ends with the family's FD coverage check.
import { expect, it } from 'vitest';
import * as op from '../../../../../src/main/engine/onnx/ops';
import { Graph } from '../../../../../src/main/engine/onnx/graph';
import { serializeModel } from '../../../../../src/main/engine/onnx/serialize';
import { EngineSession } from '../../../../../src/main/engine/onnx/session';
import { gradients } from '../../../../../src/main/engine/autodiff/gradients';
import { nnGradients } from '../../../../../src/main/engine/autodiff/grads/nn';
import { describeGradientFamily, expectGradientsMatch } from '../expect';

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
