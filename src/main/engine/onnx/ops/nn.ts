// Neural-network op builders: MatMul, Gemm, Softmax/LogSoftmax, reductions, Dropout and
// SoftmaxCrossEntropyLoss, with static shape inference. Reference: ONNX Operators.md
// (opset 17: ReduceSum takes axes as an input, ReduceMean/ReduceMax as an attribute).

import type { Dim, Tensor } from '../graph';
import { assertFloat, broadcastNamed, graphOf, int64s, normAxis, scalar, shapeStr } from './util';

/** numpy matmul for rank ≥ 2: (..., M, K)·(..., K, N) → (..., M, N), batch dims broadcast. */
export function matmul(a: Tensor, b: Tensor): Tensor {
  if (a.rank < 2 || b.rank < 2) {
    throw new Error(
      `MatMul: operands must have rank ≥ 2, got ${a.name} ${shapeStr(a.shape)} and ${b.name} ${shapeStr(b.shape)}`,
    );
  }
  if (a.dtype !== b.dtype) throw new Error(`MatMul: dtype mismatch ${a.dtype} (${a.name}) vs ${b.dtype} (${b.name})`);
  const k1 = a.shape[a.rank - 1];
  const k2 = b.shape[b.rank - 2];
  if (k1 !== k2) {
    throw new Error(
      `MatMul: shape mismatch, inner dims differ: ${a.name} ${shapeStr(a.shape)} · ${b.name} ${shapeStr(b.shape)}`,
    );
  }
  const batch = broadcastNamed('MatMul', [
    { name: a.name, shape: a.shape.slice(0, -2) },
    { name: b.name, shape: b.shape.slice(0, -2) },
  ]);
  const shape = [...batch, a.shape[a.rank - 2], b.shape[b.rank - 1]];
  return graphOf('MatMul', a, b).addNode('MatMul', [a, b], [{ dtype: a.dtype, shape }])[0];
}

export interface GemmOptions {
  readonly alpha?: number;
  readonly beta?: number;
  readonly transA?: boolean;
  readonly transB?: boolean;
}

/** Gemm: alpha·op(A)·op(B) + beta·C for 2-D A, B; C broadcasts to (M, N). */
export function gemm(a: Tensor, b: Tensor, c: Tensor | null, options: GemmOptions = {}): Tensor {
  if (a.rank !== 2 || b.rank !== 2)
    throw new Error(`Gemm: A and B must be 2-D, got ${shapeStr(a.shape)} and ${shapeStr(b.shape)}`);
  const [m, ka] = options.transA ? [a.shape[1], a.shape[0]] : [a.shape[0], a.shape[1]];
  const [kb, n] = options.transB ? [b.shape[1], b.shape[0]] : [b.shape[0], b.shape[1]];
  if (ka !== kb) {
    throw new Error(
      `Gemm: shape mismatch, ${a.name} ${shapeStr(a.shape)}${options.transA ? 'ᵀ' : ''} · ${b.name} ${shapeStr(b.shape)}${options.transB ? 'ᵀ' : ''}`,
    );
  }
  if (c) broadcastNamed('Gemm', [c, { name: 'output', shape: [m, n] }]);
  const attrs = {
    alpha: { float: options.alpha ?? 1 },
    beta: { float: options.beta ?? 1 },
    transA: options.transA ? 1 : 0,
    transB: options.transB ? 1 : 0,
  };
  const inputs = c ? [a, b, c] : [a, b];
  return graphOf('Gemm', a, b, c).addNode('Gemm', inputs, [{ dtype: a.dtype, shape: [m, n] }], attrs)[0];
}

export function softmax(x: Tensor, axis = -1): Tensor {
  assertFloat('Softmax', x);
  const a = normAxis('Softmax', axis, x.rank);
  return graphOf('Softmax', x).addNode('Softmax', [x], [{ dtype: x.dtype, shape: x.shape }], { axis: a })[0];
}

export function logSoftmax(x: Tensor, axis = -1): Tensor {
  assertFloat('LogSoftmax', x);
  const a = normAxis('LogSoftmax', axis, x.rank);
  return graphOf('LogSoftmax', x).addNode('LogSoftmax', [x], [{ dtype: x.dtype, shape: x.shape }], { axis: a })[0];
}

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

/** ReduceMean over `axes` (all when null). */
export function reduceMean(x: Tensor, axes: readonly number[] | null, keepDims = false): Tensor {
  const norm = normAxes('ReduceMean', x, axes);
  const shape = reducedShape(x, norm, keepDims);
  return graphOf('ReduceMean', x).addNode('ReduceMean', [x], [{ dtype: x.dtype, shape }], {
    axes: norm,
    keepdims: keepDims ? 1 : 0,
  })[0];
}

/** ReduceMax over `axes` (all when null); not differentiated (used for stabilising and stats). */
export function reduceMax(x: Tensor, axes: readonly number[] | null, keepDims = false): Tensor {
  const norm = normAxes('ReduceMax', x, axes);
  const shape = reducedShape(x, norm, keepDims);
  return graphOf('ReduceMax', x).addNode('ReduceMax', [x], [{ dtype: x.dtype, shape }], {
    axes: norm,
    keepdims: keepDims ? 1 : 0,
  })[0];
}

/**
 * Dropout in training mode: returns the output and its boolean keep-mask. The mask is an
 * output so that the gradient can reuse it (dX = dY·mask/(1−ratio)). With ratio 0 or
 * `isTraining` false it is the identity (mask all true).
 */
export function dropout(
  x: Tensor,
  ratio: number,
  isTraining: boolean,
  seed?: number,
): { output: Tensor; mask: Tensor } {
  assertFloat('Dropout', x);
  if (!(ratio >= 0 && ratio < 1)) throw new Error(`Dropout: ratio ${ratio} must be in [0, 1)`);
  const g = graphOf('Dropout', x);
  const ratioT = scalar(g, ratio, x.dtype);
  const trainingT = g.constant({ dtype: 'bool', shape: [], data: Uint8Array.of(isTraining ? 1 : 0) });
  const attrs: Record<string, number> = seed === undefined ? {} : { seed };
  const [output, mask] = g.addNode(
    'Dropout',
    [x, ratioT, trainingT],
    [
      { dtype: x.dtype, shape: x.shape },
      { dtype: 'bool', shape: x.shape },
    ],
    attrs,
  );
  return { output, mask };
}

export interface CrossEntropyResult {
  /** Scalar mean loss over labels ≠ ignoreIndex (reduction 'mean'), or per-element ('none'). */
  readonly loss: Tensor;
  /** log-softmax of the scores, same shape as the scores. */
  readonly logProb: Tensor;
}

/**
 * SoftmaxCrossEntropyLoss over scores (N, C) and int64 labels (N). With reduction 'mean'
 * the loss is Σ −logp[label] / count(label ≠ ignoreIndex), as PyTorch's cross_entropy.
 */
export function softmaxCrossEntropy(
  scores: Tensor,
  labels: Tensor,
  options: { ignoreIndex?: number; reduction?: 'mean' | 'sum' | 'none' } = {},
): CrossEntropyResult {
  assertFloat('SoftmaxCrossEntropyLoss', scores);
  if (scores.rank !== 2 || labels.rank !== 1 || labels.shape[0] !== scores.shape[0]) {
    throw new Error(
      `SoftmaxCrossEntropyLoss: expects scores (N, C) and labels (N), got ${shapeStr(scores.shape)} and ${shapeStr(labels.shape)}`,
    );
  }
  if (labels.dtype !== 'int64') throw new Error(`SoftmaxCrossEntropyLoss: labels must be int64, got ${labels.dtype}`);
  const reduction = options.reduction ?? 'mean';
  const attrs: Record<string, number | string> = { reduction };
  if (options.ignoreIndex !== undefined) attrs.ignore_index = options.ignoreIndex;
  const lossShape = reduction === 'none' ? [scores.shape[0]] : [];
  const [loss, logProb] = graphOf('SoftmaxCrossEntropyLoss', scores, labels).addNode(
    'SoftmaxCrossEntropyLoss',
    [scores, labels],
    [
      { dtype: scores.dtype, shape: lossShape },
      { dtype: scores.dtype, shape: scores.shape },
    ],
    attrs,
  );
  return { loss, logProb };
}
