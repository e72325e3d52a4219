// Finite-difference checks of the ReduceSum and ReduceMean gradient rules
// (autodiff/grads/reduce.ts) in float64: axes, keepdims, absent axes and
// noop_with_empty_axes; ends with the family's FD coverage check.
import { it } from 'vitest';
import * as op from '../../../../../src/main/engine/onnx/ops';
import { reduceGradients } from '../../../../../src/main/engine/autodiff/grads/reduce';
import { describeGradientFamily, expectGradientsMatch } from '../expect';

const x234 = { name: 'x', shape: [2, 3, 4] };

describeGradientFamily(reduceGradients, () => {
  for (const keepDims of [false, true]) {
    it(`ReduceSum over axes [0, 2], keepdims=${keepDims}`, () =>
      expectGradientsMatch({ inputs: [x234], build: ([x]) => op.reduceSum(x, [0, -1], keepDims) }));
    it(`ReduceMean over axis 1, keepdims=${keepDims}`, () =>
      expectGradientsMatch({ inputs: [x234], build: ([x]) => op.reduceMean(x, [1], keepDims) }));
  }
  it('ReduceSum without axes input and ReduceMean without axes attribute reduce everything', () =>
    expectGradientsMatch({
      inputs: [x234],
      build: ([x]) => {
        const g = x.graph;
        const [s] = g.addNode('ReduceSum', [x], [{ dtype: 'float64', shape: [] }], { keepdims: 0 });
        const [m] = g.addNode('ReduceMean', [op.exp(x)], [{ dtype: 'float64', shape: [1, 1, 1] }], { keepdims: 1 });
        return op.add(s, m);
      },
    }));
  it('ReduceSum with noop_with_empty_axes=1 and no axes is the identity', () =>
    expectGradientsMatch({
      inputs: [x234],
      build: ([x]) =>
        x.graph.addNode('ReduceSum', [op.tanh(x)], [{ dtype: 'float64', shape: [2, 3, 4] }], {
          keepdims: 0,
          noop_with_empty_axes: 1,
        })[0],
    }));
  it('ReduceSum and ReduceMean over all axes', () =>
    expectGradientsMatch({
      inputs: [x234],
      build: ([x]) => op.add(op.reduceSum(x, null), op.reduceMean(op.mul(x, x), null)),
    }));
});
