// Gradient rules of ReduceSum (opset 13+: axes as an optional input) and ReduceMean
// (opset 17: axes as an attribute), with keepdims 0 or 1 and noop_with_empty_axes.
// The output gradient is reshaped to the keepdims shape and expanded back over the reduced
// axes. ArgMax/ArgMin have integer outputs; ReduceMax must never be differentiated.
// Builders: onnx/ops/reduce.ts. Reference: ONNX Operators.md#ReduceSum, #ReduceMean.

import type { Tensor } from '../../onnx/graph';
import * as op from '../../onnx/ops';
import type { GradContext, GradientFamily } from '../registry';
import { constantNumbers, staticShape } from '../helpers';

/** The reduced axes (normalised, sorted); null when the node reduces nothing. */
function reducedAxes(ctx: GradContext, rank: number, axesFromInput: boolean): number[] | null {
  let axes: number[] = [];
  if (axesFromInput) {
    if (ctx.hasInput(1)) axes = constantNumbers(ctx.constant(1));
  } else {
    const attr = ctx.attr('axes');
    if (Array.isArray(attr)) axes = [...(attr as readonly number[])];
  }
  if (axes.length === 0) {
    if (ctx.attrInt('noop_with_empty_axes', 0) === 1) return null;
    return Array.from({ length: rank }, (_, i) => i);
  }
  return [...new Set(axes.map((a) => (a < 0 ? a + rank : a)))].sort((a, b) => a - b);
}

/** dY (reduced) → dY expanded to X's shape: Reshape to the keepdims shape, then Expand. */
function spreadBack(ctx: GradContext, dy: Tensor, axes: readonly number[]): Tensor {
  const xShape = staticShape(ctx.I(0), `${ctx.node.opType} gradient`);
  const keptShape = xShape.map((d, i) => (axes.includes(i) ? 1 : d));
  const kept = ctx.attrInt('keepdims', 1) === 1 ? dy : op.reshape(dy, keptShape); // X's rank, 1 on reduced axes
  return op.expand(kept, xShape); // X's shape
}

/** Y = Σ_axes X: dX = expand(dY) over the reduced axes. */
function reduceSumGrad(ctx: GradContext): (Tensor | null)[] {
  const dy = ctx.GO(0);
  if (!dy || !ctx.needs(0)) return [null, null];
  const axes = reducedAxes(ctx, ctx.I(0).rank, true);
  return [axes ? spreadBack(ctx, dy, axes) : dy, null];
}

/** Y = mean_axes X: dX = expand(dY)/n, n = product of the reduced dims. */
function reduceMeanGrad(ctx: GradContext): (Tensor | null)[] {
  const dy = ctx.GO(0);
  if (!dy || !ctx.needs(0)) return [null];
  const axes = reducedAxes(ctx, ctx.I(0).rank, false);
  if (!axes) return [dy];
  const xShape = staticShape(ctx.I(0), 'ReduceMean gradient');
  const n = axes.reduce((p, a) => p * xShape[a], 1);
  return [op.div(spreadBack(ctx, dy, axes), n)];
}

export const reduceGradients: GradientFamily = {
  name: 'reduce',
  rules: { ReduceSum: reduceSumGrad, ReduceMean: reduceMeanGrad },
  // Integer outputs.
  noGradient: ['ArgMax', 'ArgMin'],
  neverDifferentiate: {
    ReduceMax:
      'it is built for numerical stabilisation and statistics only, where no gradient may flow; a model that needs one must add a ReduceMax rule',
  },
};
