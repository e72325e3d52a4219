// Elementwise op builders (arithmetic with broadcasting, unary math, comparisons, Where,
// Cast). Each helper infers the output shape and dtype. Reference: ONNX Operators.md.

import type { DType } from '../dtype';
import { ONNX_DTYPE_CODE } from '../dtype';
import type { Tensor } from '../graph';
import type { TensorLike } from './util';
import { assertFloat, broadcastShapes, graphOf, liftPair } from './util';

function binary(opType: string, a: TensorLike, b: TensorLike, outDtype?: DType): Tensor {
  const [ta, tb] = liftPair(opType, a, b);
  const shape = broadcastShapes(opType, ta, tb);
  const g = graphOf(opType, ta, tb);
  return g.addNode(opType, [ta, tb], [{ dtype: outDtype ?? ta.dtype, shape }])[0];
}

function unary(opType: string, x: Tensor, requireFloat = true): Tensor {
  if (requireFloat) assertFloat(opType, x);
  return graphOf(opType, x).addNode(opType, [x], [{ dtype: x.dtype, shape: x.shape }])[0];
}

export const add = (a: TensorLike, b: TensorLike): Tensor => binary('Add', a, b);
export const sub = (a: TensorLike, b: TensorLike): Tensor => binary('Sub', a, b);
export const mul = (a: TensorLike, b: TensorLike): Tensor => binary('Mul', a, b);
export const div = (a: TensorLike, b: TensorLike): Tensor => binary('Div', a, b);
export const pow = (a: TensorLike, b: TensorLike): Tensor => binary('Pow', a, b);
export const equal = (a: TensorLike, b: TensorLike): Tensor => binary('Equal', a, b, 'bool');
export const less = (a: TensorLike, b: TensorLike): Tensor => binary('Less', a, b, 'bool');
export const greater = (a: TensorLike, b: TensorLike): Tensor => binary('Greater', a, b, 'bool');
export const and = (a: Tensor, b: Tensor): Tensor => binary('And', a, b, 'bool');
/** Elementwise maximum / minimum of two tensors (ONNX Max/Min with two inputs). */
export const maximum = (a: TensorLike, b: TensorLike): Tensor => binary('Max', a, b);
export const minimum = (a: TensorLike, b: TensorLike): Tensor => binary('Min', a, b);

export const neg = (x: Tensor): Tensor => unary('Neg', x, false);
export const abs = (x: Tensor): Tensor => unary('Abs', x, false);
export const sign = (x: Tensor): Tensor => unary('Sign', x, false);
export const sqrt = (x: Tensor): Tensor => unary('Sqrt', x);
export const reciprocal = (x: Tensor): Tensor => unary('Reciprocal', x);
export const exp = (x: Tensor): Tensor => unary('Exp', x);
export const log = (x: Tensor): Tensor => unary('Log', x);
export const tanh = (x: Tensor): Tensor => unary('Tanh', x);
export const relu = (x: Tensor): Tensor => unary('Relu', x);
export const sigmoid = (x: Tensor): Tensor => unary('Sigmoid', x);
/** Cosine (float32 and float64 kernels on ORT CPU); used by the cosine learning-rate schedule. */
export const cos = (x: Tensor): Tensor => unary('Cos', x);
export const identity = (x: Tensor): Tensor => unary('Identity', x, false);
export const not = (x: Tensor): Tensor => {
  if (x.dtype !== 'bool') throw new Error(`Not: expects bool, got ${x.dtype} (${x.name})`);
  return unary('Not', x, false);
};

/** Where(cond, x, y): broadcasts all three; x and y share a dtype. */
export function where(cond: Tensor, x: TensorLike, y: TensorLike): Tensor {
  if (cond.dtype !== 'bool') throw new Error(`Where: condition must be bool, got ${cond.dtype} (${cond.name})`);
  const [tx, ty] = liftPair('Where', x, y);
  const shape = broadcastShapes('Where', cond, tx, ty);
  return graphOf('Where', cond, tx, ty).addNode('Where', [cond, tx, ty], [{ dtype: tx.dtype, shape }])[0];
}

export function cast(x: Tensor, to: DType): Tensor {
  return graphOf('Cast', x).addNode('Cast', [x], [{ dtype: to, shape: x.shape }], { to: ONNX_DTYPE_CODE[to] })[0];
}

/** tanh-form GELU, 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))), as HF `gelu_new` (T5 v1.1). */
export function geluTanh(x: Tensor): Tensor {
  const inner = mul(add(x, mul(pow(x, 3), 0.044715)), Math.sqrt(2 / Math.PI));
  return mul(mul(x, 0.5), add(tanh(inner), 1));
}
