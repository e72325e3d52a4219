// Finite-difference checks of the elementwise and matmul gradient rules in float64,
// including broadcasting, fan-in and an input the loss does not depend on.
import { describe, expect, it } from 'vitest';
import * as op from '../../../../src/main/engine/onnx/ops';
import type { Tensor } from '../../../../src/main/engine/onnx/graph';
import { checkGradients, FD_TOLERANCE } from './fd';
import { expectGradientsMatch } from './expect';

const x23 = (name: string, map?: (v: number) => number) => ({ name, shape: [2, 3], map });
const positive = (v: number) => Math.abs(v) + 1;

const unary: [string, (x: Tensor) => Tensor, ((v: number) => number)?][] = [
  ['Neg', op.neg],
  ['Sqrt', op.sqrt, positive],
  ['Reciprocal', op.reciprocal, positive],
  ['Exp', op.exp],
  ['Log', op.log, positive],
  ['Tanh', op.tanh],
  ['Sigmoid', op.sigmoid],
  ['Relu', op.relu, (v) => (Math.abs(v) < 0.05 ? v + 0.1 : v)],
  ['Abs', op.abs, (v) => (Math.abs(v) < 0.05 ? v + 0.1 : v)],
  ['Identity', op.identity],
];

describe('elementwise gradients (float64 finite differences)', () => {
  for (const [name, f, map] of unary) {
    it(name, () => expectGradientsMatch({ inputs: [x23('x', map)], build: ([x]) => f(x) }));
  }

  const binary: [string, (a: Tensor, b: Tensor) => Tensor, ((v: number) => number)?, ((v: number) => number)?][] = [
    ['Add', op.add],
    ['Sub', op.sub],
    ['Mul', op.mul],
    ['Div', op.div, undefined, positive],
    ['Pow', op.pow, positive],
    ['Max', op.maximum],
    ['Min', op.minimum],
  ];
  for (const [name, f, mapA, mapB] of binary) {
    it(`${name} with equal shapes`, () =>
      expectGradientsMatch({ inputs: [x23('a', mapA), x23('b', mapB)], build: ([a, b]) => f(a, b) }));
    it(`${name} broadcasting [2, 1] with [1, 3] and [3] with [2, 3]`, () =>
      expectGradientsMatch({
        inputs: [
          { name: 'a', shape: [2, 1], map: mapA },
          { name: 'b', shape: [1, 3], map: mapB },
          { name: 'c', shape: [3], map: mapB },
          { name: 'd', shape: [2, 3], map: mapA },
        ],
        build: ([a, b, c, d]) => op.add(f(a, b), f(d, c)),
      }));
  }

  it('Pow with a constant exponent (T5 gelu x³)', () =>
    expectGradientsMatch({ inputs: [x23('x')], build: ([x]) => op.pow(x, 3) }));
  it('geluTanh composite', () => expectGradientsMatch({ inputs: [x23('x')], build: ([x]) => op.geluTanh(x) }));

  it('Where: condition gets no gradient, both branches broadcast', () =>
    expectGradientsMatch({
      inputs: [x23('x'), { name: 'y', shape: [3] }],
      build: ([x, y]) => op.where(op.greater(x, 0), x, op.mul(y, 2)),
    }));

  it('Cast float64 → float32 → float64 passes the gradient', async () => {
    const r = await checkGradients({
      inputs: [x23('x')],
      build: ([x]) => op.cast(op.mul(op.cast(x, 'float32'), 3), 'float64'),
    });
    // float32 rounding of x ± eps in the forward path limits FD agreement to ~1e-2 relative.
    expect(r.maxError).toBeLessThan(5e-3);
    expect(r.analytic[0]).not.toBeNull();
    const castMutations = r.mutations.filter((m) => m.opType === 'Cast');
    expect(castMutations.length).toBeGreaterThan(0);
    castMutations.forEach((m) => expect(m.maxError).toBeGreaterThan(0.2));
  });

  it('Cast to int64 carries no gradient', async () => {
    const r = await checkGradients({
      inputs: [x23('x')],
      build: ([x]) => op.cast(op.cast(op.mul(x, 10), 'int64'), 'float64'),
    });
    expect(r.analytic[0]).toBeNull();
  });

  it('sums fan-in: x used three times', () =>
    expectGradientsMatch({ inputs: [x23('x')], build: ([x]) => op.mul(op.add(x, op.tanh(x)), x) }));

  it('returns null for an input the loss does not depend on', async () => {
    const r = await checkGradients({
      inputs: [x23('x'), x23('unused')],
      build: ([x, u]) => {
        op.exp(u);
        return op.neg(x);
      },
    });
    expect(r.analytic[0]).not.toBeNull();
    expect(r.analytic[1]).toBeNull();
    expect(r.maxError).toBeLessThan(FD_TOLERANCE);
  });
});

describe('matmul gradients (float64 finite differences)', () => {
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
