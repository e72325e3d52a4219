// Finite-difference checks of the shape-moving gradient rules (autodiff/grads/shape.ts) in
// float64, Gather's and GatherND's scatter-add gradients included; ends with the family's FD
// coverage check.
import { it } from 'vitest';
import * as op from '../../../../../src/main/engine/onnx/ops';
import { shapeGradients } from '../../../../../src/main/engine/autodiff/grads/shape';
import { describeGradientFamily, expectGradientsMatch } from '../expect';

const x234 = { name: 'x', shape: [2, 3, 4] };

describeGradientFamily(shapeGradients, () => {
  it('Reshape with 0 and -1', () =>
    expectGradientsMatch({ inputs: [x234], build: ([x]) => op.mul(op.reshape(x, [0, -1]), op.reshape(x, [2, 12])) }));
  it('Transpose', () => expectGradientsMatch({ inputs: [x234], build: ([x]) => op.transpose(x, [2, 0, 1]) }));
  it('Expand [3, 1] to [2, 3, 4]', () =>
    expectGradientsMatch({ inputs: [{ name: 'x', shape: [3, 1] }], build: ([x]) => op.expand(x, [2, 3, 4]) }));
  it('Concat along axis 1 with a repeated input', () =>
    expectGradientsMatch({
      inputs: [
        { name: 'a', shape: [2, 1] },
        { name: 'b', shape: [2, 3] },
      ],
      build: ([a, b]) => op.concat([a, b, a], 1),
    }));
  it('Concat of three inputs of different sizes on axis 0: one Split', () =>
    expectGradientsMatch({
      inputs: [
        { name: 'a', shape: [3, 2] },
        { name: 'b', shape: [1, 2] },
        { name: 'c', shape: [2, 2] },
      ],
      build: ([a, b, c]) => op.mul(op.concat([a, op.tanh(b), c], 0), op.concat([c, b, a], 0)),
    }));
  it('Concat of an input and a constant: a Slice for the one piece needed', () =>
    expectGradientsMatch({
      inputs: [{ name: 'a', shape: [2, 3] }],
      build: ([a]) =>
        op.concat([a.graph.constant({ dtype: 'float64', shape: [2, 2], data: Float64Array.of(1, 2, 3, 4) }), a], -1),
    }));
  it('Split along the last axis, every piece used', () =>
    expectGradientsMatch({
      inputs: [x234],
      build: ([x]) => {
        const [p, q, r] = op.split(x, [1, 2, 1], -1);
        return op.concat([op.mul(r, 3), op.tanh(q), p], -1);
      },
    }));
  it('Split along axis 1 with a piece unused (its gradient is zeros)', () =>
    expectGradientsMatch({ inputs: [x234], build: ([x]) => op.mul(op.split(x, [2, 1], 1)[0], 2) }));
  it('Slice with negative start and clamped end on two axes', () =>
    expectGradientsMatch({ inputs: [x234], build: ([x]) => op.slice(x, [-2, 1], [100, 3], [1, 2]) }));
  it('Unsqueeze and Squeeze', () =>
    expectGradientsMatch({
      inputs: [{ name: 'x', shape: [2, 1, 3] }],
      build: ([x]) => op.mul(op.unsqueeze(op.squeeze(x, [1]), [0, 3]), 2),
    }));
  it('Flatten axis 2 (no builder: added as a raw node)', () =>
    expectGradientsMatch({
      inputs: [x234],
      build: ([x]) => x.graph.addNode('Flatten', [x], [{ dtype: 'float64', shape: [6, 4] }], { axis: 2 })[0],
    }));
  it('Gather axis 0 with repeated and negative indices of shape (2, 3): embedding gradient', () =>
    expectGradientsMatch({
      inputs: [
        { name: 'emb', shape: [5, 2] },
        { name: 'ids', shape: [2, 3], dtype: 'int64', values: [0, 3, 3, -1, 0, 2] },
      ],
      build: ([emb, ids]) => op.gather(emb, ids, 0),
    }));
  it('tied embedding: Gather rows scatter-added into the LM head gradient, twice', () =>
    expectGradientsMatch({
      inputs: [
        { name: 'emb', shape: [5, 2] },
        { name: 'ids', shape: [3], dtype: 'int64', values: [4, 1, 4] },
        { name: 'ids2', shape: [2], dtype: 'int64', values: [0, 4] },
      ],
      build: ([emb, ids, ids2]) => {
        const h = op.add(op.tanh(op.gather(emb, ids, 0)), op.reduceSum(op.gather(emb, ids2, 0), [0], true)); // (3, 2)
        return op.matmul(h, op.transpose(emb, [1, 0])); // (3, 5)
      },
    }));
  it('Gather of a Gather: a scatter gradient on an intermediate tensor', () =>
    expectGradientsMatch({
      inputs: [
        { name: 'emb', shape: [4, 3] },
        { name: 'ids', shape: [2, 2], dtype: 'int64', values: [3, 0, 3, 2] },
        { name: 'pick', shape: [3], dtype: 'int64', values: [1, 1, 0] },
      ],
      build: ([emb, ids, pick]) => op.gather(op.exp(op.gather(emb, ids, 0)), pick, 0),
    }));
  it('GatherND of element tuples, repeated and negative, beside a dense use of the same tensor', () =>
    expectGradientsMatch({
      inputs: [
        { name: 'x', shape: [3, 4] },
        { name: 'idx', shape: [4, 2], dtype: 'int64', values: [0, 1, 2, 3, 0, 1, -1, -4] },
      ],
      build: ([x, idx]) => op.concat([op.gatherND(x, idx), op.reduceSum(op.exp(x), [1])], 0),
    }));
  it('GatherND of row tuples (k = 1) from int32 indices', () =>
    expectGradientsMatch({
      inputs: [x234, { name: 'idx', shape: [2, 1], dtype: 'int64', values: [1, -2] }],
      build: ([x, idx]) => op.tanh(op.gatherND(x, op.cast(idx, 'int32'))),
    }));
  it('Gather axis 1 with indices (2, 2)', () =>
    expectGradientsMatch({
      inputs: [x234, { name: 'ids', shape: [2, 2], dtype: 'int64', values: [2, 0, 2, 1] }],
      build: ([x, ids]) => op.gather(x, ids, 1),
    }));
  it('Gather axis 2 with scalar index', () =>
    expectGradientsMatch({
      inputs: [x234, { name: 'ids', shape: [], dtype: 'int64', values: [3] }],
      build: ([x, ids]) => op.gather(x, ids, 2),
    }));
});
