// The gradient registry's three kinds of entry and its errors (autodiff/registry.ts): a rule;
// `noGradient`, not differentiable by nature, which stops the flow silently; and
// `neverDifferentiate`, which must not lie on a gradient path, so reaching it throws. A
// missing entry throws too. Every error names the op, the node and the registered set.
import { describe, expect, it } from 'vitest';
import * as op from '../../../../src/main/engine/onnx/ops';
import { Graph } from '../../../../src/main/engine/onnx/graph';
import type { Tensor } from '../../../../src/main/engine/onnx/graph';
import { GradientRegistry, defaultRegistry } from '../../../../src/main/engine/autodiff/registry';
import { gradients } from '../../../../src/main/engine/autodiff/gradients';

/** loss = Σ Op(x) with a raw float64 node of `opType`, built inside scope 'enc'. */
function lossThrough(opType: string): { loss: Tensor; x: Tensor } {
  const g = new Graph('t');
  const x = g.input('x', 'float64', [3]);
  const [y] = g.scope('enc', () => g.addNode(opType, [x], [{ dtype: 'float64', shape: [3] }]));
  return { loss: op.reduceSum(y, null), x };
}

describe('gradient registry', () => {
  it('throws for an op without a rule, naming the op, the node and the registered set', () => {
    const { loss, x } = lossThrough('Erf');
    expect(() => gradients(loss, [x])).toThrow(
      /No gradient rule for op 'Erf' \(node 'enc\/Erf_\d+'\); registered: .*MatMul.*SoftmaxCrossEntropyLoss/,
    );
  });

  it('lets noGradient ops stop the flow without error', () => {
    const registry = defaultRegistry.clone();
    registry.noGradient('Erf');
    const { loss, x } = lossThrough('Erf');
    expect(gradients(loss, [x], { registry })).toEqual([null]);
  });

  it('a noGradient op stops only its own path: d/dx Σ sign(x)·x still flows through Mul', () => {
    const g = new Graph('t');
    const x = g.input('x', 'float64', [3]);
    const [dx] = gradients(op.reduceSum(op.mul(op.sign(x), x), null), [x]);
    expect(dx).not.toBeNull();
    expect(gradients(op.reduceSum(op.sign(x), null), [x])).toEqual([null]);
  });

  it('throws when a gradient reaches a neverDifferentiate op, naming the op, the node, the reason and the registered set', () => {
    const registry = new GradientRegistry();
    registry.registerFamily({
      name: 'test',
      rules: { ReduceSum: defaultRegistry.rule('ReduceSum')! },
      neverDifferentiate: { Erf: 'the test forbids it' },
    });
    const { loss, x } = lossThrough('Erf');
    expect(() => gradients(loss, [x], { registry })).toThrow(
      "Gradient reached op 'Erf' (node 'enc/Erf_0'), which must never be differentiated: the test forbids it; registered: Erf, ReduceSum",
    );
  });

  it('a neverDifferentiate op off the gradient path is no error', () => {
    const g = new Graph('t');
    const x = g.input('x', 'float64', [3]);
    const stats = op.reduceMax(g.input('c', 'float64', [3]), null); // ReduceMax must never be differentiated
    const [dx] = gradients(op.add(op.reduceSum(x, null), stats), [x]);
    expect(dx).not.toBeNull();
  });

  it('registerFamily refuses an op a family registers twice or another family already holds', () => {
    const registry = new GradientRegistry();
    const rule = defaultRegistry.rule('Neg')!;
    registry.registerFamily({ name: 'a', rules: { Neg: rule }, noGradient: ['Sign'] });
    expect(() => registry.registerFamily({ name: 'b', rules: { Exp: rule }, noGradient: ['Sign'] })).toThrow(
      "gradient family 'b' registers Sign a second time",
    );
    expect(() => registry.registerFamily({ name: 'c', rules: { Log: rule }, noGradient: ['Log'] })).toThrow(
      "gradient family 'c' registers Log a second time",
    );
    expect(registry.registered()).toEqual(['Neg', 'Sign']);
  });
});
