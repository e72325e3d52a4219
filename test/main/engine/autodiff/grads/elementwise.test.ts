// Finite-difference checks of the elementwise gradient rules (autodiff/grads/elementwise.ts)
// in float64, including broadcasting; ends with the family's FD coverage check.
import { expect, it } from 'vitest';
import * as op from '../../../../../src/main/engine/onnx/ops';
import type { Tensor } from '../../../../../src/main/engine/onnx/graph';
import { elementwiseGradients } from '../../../../../src/main/engine/autodiff/grads/elementwise';
import { checkGradients } from '../fd';
import { describeGradientFamily, expectGradientsMatch } from '../expect';

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

describeGradientFamily(elementwiseGradients, () => {
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

  it('Mul by a mask cast from bool, on either side (its backward casts the mask again from the bool)', () =>
    expectGradientsMatch({
      inputs: [x23('x', (v) => (Math.abs(v) < 0.05 ? v + 0.1 : v)), x23('y')],
      build: ([x, y]) => {
        const mask = op.cast(op.greater(x, 0), 'float64');
        return op.add(op.mul(y, mask), op.mul(mask, op.tanh(x)));
      },
    }));

  it('Cast float64 → float32 → float64 passes the gradient', async () => {
    // float32 rounding of x ± eps in the forward path limits FD agreement to ~1e-2 relative.
    const r = await expectGradientsMatch(
      { inputs: [x23('x')], build: ([x]) => op.cast(op.mul(op.cast(x, 'float32'), 3), 'float64') },
      { tolerance: 5e-3, wrongRuleError: 0.2 },
    );
    expect(r.mutations.filter((m) => m.opType === 'Cast').length).toBeGreaterThan(0);
  });

  it('Cast to int64 carries no gradient', async () => {
    const r = await checkGradients({
      inputs: [x23('x')],
      build: ([x]) => op.cast(op.cast(op.mul(x, 10), 'int64'), 'float64'),
    });
    expect(r.analytic[0]).toBeNull();
  });
});
