// Finite-difference checks of the MatMul and Gemm gradient rules (autodiff/grads/matmul.ts)
// in float64: batched and broadcast batch dims, a shared operand, every Gemm transpose and
// scale; ends with the family's FD coverage check.
import { it } from 'vitest';
import * as op from '../../../../../src/main/engine/onnx/ops';
import { matmulGradients } from '../../../../../src/main/engine/autodiff/grads/matmul';
import { describeGradientFamily, expectGradientsMatch } from '../expect';

describeGradientFamily(matmulGradients, () => {
  it('MatMul 2-D', () =>
    expectGradientsMatch({
      inputs: [
        { name: 'a', shape: [2, 3] },
        { name: 'b', shape: [3, 4] },
      ],
      build: ([a, b]) => op.matmul(a, b),
    }));
  it('MatMul batched (2, 2, 3)·(3, 2): dB folds the batch', () =>
    expectGradientsMatch({
      inputs: [
        { name: 'a', shape: [2, 2, 3] },
        { name: 'b', shape: [3, 2] },
      ],
      build: ([a, b]) => op.matmul(a, b),
    }));
  it('MatMul broadcast batch (2, 1, 2, 3)·(3, 3, 2)', () =>
    expectGradientsMatch({
      inputs: [
        { name: 'a', shape: [2, 1, 2, 3] },
        { name: 'b', shape: [3, 3, 2] },
      ],
      build: ([a, b]) => op.matmul(a, b),
    }));
  it('MatMul with the same tensor on both sides (x·xᵀ)', () =>
    expectGradientsMatch({
      inputs: [{ name: 'x', shape: [3, 2] }],
      build: ([x]) => op.matmul(x, op.transpose(x, [1, 0])),
    }));
  it('Gemm without C', () =>
    expectGradientsMatch({
      inputs: [
        { name: 'a', shape: [2, 4] },
        { name: 'b', shape: [4, 3] },
      ],
      build: ([a, b]) => op.gemm(a, b, null, { alpha: -0.5 }),
    }));
  it('Gemm with C [2, 1] and scalar C', () =>
    expectGradientsMatch({
      inputs: [
        { name: 'a', shape: [2, 4] },
        { name: 'b', shape: [4, 3] },
        { name: 'c', shape: [2, 1] },
        { name: 's', shape: [] },
      ],
      build: ([a, b, c, s]) => op.add(op.gemm(a, b, c, { beta: 0.5 }), op.gemm(a, b, s, { transB: false })),
    }));
  for (const transA of [false, true]) {
    for (const transB of [false, true]) {
      it(`Gemm transA=${transA} transB=${transB} alpha=0.7 beta=1.3 with C [3]`, () =>
        expectGradientsMatch({
          inputs: [
            { name: 'a', shape: transA ? [4, 2] : [2, 4] },
            { name: 'b', shape: transB ? [3, 4] : [4, 3] },
            { name: 'c', shape: [3] },
          ],
          build: ([a, b, c]) => op.gemm(a, b, c, { alpha: 0.7, beta: 1.3, transA, transB }),
        }));
    }
  }
});
