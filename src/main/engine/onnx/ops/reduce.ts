// Reduction op builders: ReduceSum, ReduceMean, ReduceMax and ReduceSumSquare over a set of
// axes (all when null), keepdims or not. Reference: ONNX Operators.md, opset 17: ReduceSum
// takes its axes as an input, the others as an attribute.

import type { Dim, Tensor } from '../graph';
import { graphOf, int64s, normAxis } from './util';

function reducedShape(x: Tensor, axes: readonly number[], keepDims: boolean): Dim[] {
  return x.shape.flatMap((d, i) => (axes.includes(i) ? (keepDims ? [1] : []) : [d]));
}

function normAxes(opType: string, x: Tensor, axes: readonly number[] | null): number[] {
  const all = axes ?? x.shape.map((_, i) => i);
  return [...new Set(all.map((a) => normAxis(opType, a, x.rank)))].sort((a, b) => a - b);
}

/** ReduceSum over `axes` (all when null). */
export function reduceSum(x: Tensor, axes: readonly number[] | null, keepDims = false): Tensor {
  const norm = normAxes('ReduceSum', x, axes);
  const g = graphOf('ReduceSum', x);
  const shape = reducedShape(x, norm, keepDims);
  return g.addNode('ReduceSum', [x, int64s(g, norm)], [{ dtype: x.dtype, shape }], { keepdims: keepDims ? 1 : 0 })[0];
}

/** A reduction whose axes are an attribute (opset 17's ReduceMean, ReduceMax). */
function reduceByAttribute(opType: string, x: Tensor, axes: readonly number[] | null, keepDims: boolean): Tensor {
  const norm = normAxes(opType, x, axes);
  const shape = reducedShape(x, norm, keepDims);
  return graphOf(opType, x).addNode(opType, [x], [{ dtype: x.dtype, shape }], {
    axes: norm,
    keepdims: keepDims ? 1 : 0,
  })[0];
}

/** ReduceMean over `axes` (all when null). */
export function reduceMean(x: Tensor, axes: readonly number[] | null, keepDims = false): Tensor {
  return reduceByAttribute('ReduceMean', x, axes, keepDims);
}

/** ReduceMax over `axes` (all when null); for stabilising and stats, never differentiated (see grads/reduce.ts). */
export function reduceMax(x: Tensor, axes: readonly number[] | null, keepDims = false): Tensor {
  return reduceByAttribute('ReduceMax', x, axes, keepDims);
}

/**
 * Σ x² over `axes` (all when null) in one pass, for norms (the optimizer's gradient norm): a Mul
 * then ReduceSum would write and read back a tensor of x's size. Never differentiated.
 */
export function reduceSumSquare(x: Tensor, axes: readonly number[] | null, keepDims = false): Tensor {
  return reduceByAttribute('ReduceSumSquare', x, axes, keepDims);
}
