// The control family (autodiff/grads/control.ts): a gradient must never go through a Loop
// node; a loss inside the body is differentiated there instead (gradients.test.ts shows that).
import { expect, it } from 'vitest';
import * as op from '../../../../../src/main/engine/onnx/ops';
import { Graph } from '../../../../../src/main/engine/onnx/graph';
import { gradients } from '../../../../../src/main/engine/autodiff/gradients';
import { controlGradients } from '../../../../../src/main/engine/autodiff/grads/control';
import { describeGradientFamily } from '../expect';

describeGradientFamily(controlGradients, () => {
  it('a gradient reaching a Loop node is an error naming the op, the node, the way out and the registered set', () => {
    const g = new Graph('t');
    const x = g.input('x', 'float64', [2]);
    const { carried } = op.loop(g, 3, [x], (_body, _it, [c]) => ({ carried: [op.mul(c, 2)] }));
    const loss = op.reduceSum(carried[0], null);
    expect(() => gradients(loss, [x])).toThrow(
      /Gradient reached op 'Loop' \(node 'Loop_\d+'\), which must never be differentiated: take gradients inside the Loop body.*; registered: .*Loop.*MatMul/,
    );
  });

  it('a Loop whose outputs do not lead to the loss is not an error', () => {
    const g = new Graph('t');
    const x = g.input('x', 'float64', [2]);
    op.loop(g, 2, [x], (_body, _it, [c]) => ({ carried: [op.mul(c, 2)] }));
    expect(gradients(op.reduceSum(op.mul(x, x), null), [x])[0]).not.toBeNull();
  });
});
