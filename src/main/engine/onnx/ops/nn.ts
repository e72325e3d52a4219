// Neural-network op builders: Softmax/LogSoftmax, Dropout, SoftmaxCrossEntropyLoss and RMS
// normalization (onnxruntime's SimplifiedLayerNormalization and, with a residual add,
// SkipSimplifiedLayerNormalization), with
// static shape inference. MatMul/Gemm are in matmul.ts, reductions in reduce.ts.
// Reference: ONNX Operators.md (opset 17).

import type { Tensor } from '../graph';
import { CONTRIB_DOMAIN } from '../graph';
import { assertFloat, graphOf, normAxis, scalar, shapeStr } from './util';

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

/** A norm's weight must be one value per feature of x's last axis, in x's dtype. */
function checkNormWeight(what: string, x: Tensor, weight: Tensor): void {
  const last = x.shape[x.rank - 1];
  if (weight.rank !== 1 || weight.shape[0] !== last || weight.dtype !== x.dtype) {
    throw new Error(
      `${what}: weight ${weight.name} ${shapeStr(weight.shape)} ${weight.dtype} must be (${String(last)}) ${x.dtype}, the last axis of ${x.name}`,
    );
  }
}

/**
 * w · x / √(mean(x²) over the last axis + ε): onnxruntime's SimplifiedLayerNormalization (a
 * contrib op in the default domain; CPU, CUDA and WebGPU kernels), one node instead of six.
 * Only its first output: the WebGPU kernel of onnxruntime 1.30 writes the mean, not the
 * inverse standard deviation, to the second (seen on lavapipe: −8.5 for rows of −10…−7), so
 * the gradient rule recomputes the scale. Reference: onnxruntime docs/ContribOperators.md.
 */
export function rmsNormalization(x: Tensor, weight: Tensor, epsilon: number): Tensor {
  assertFloat('SimplifiedLayerNormalization', x);
  checkNormWeight('SimplifiedLayerNormalization', x, weight);
  const attrs = { axis: -1, epsilon: { float: epsilon } };
  const g = graphOf('SimplifiedLayerNormalization', x, weight);
  return g.addNode('SimplifiedLayerNormalization', [x, weight], [{ dtype: x.dtype, shape: x.shape }], attrs)[0];
}

/**
 * RMS norm of a residual sum: { sum: x + skip, normed: rmsNormalization(sum, weight, ε) } in one
 * node, onnxruntime's contrib SkipSimplifiedLayerNormalization (com.microsoft; CPU, CUDA and
 * WebGPU kernels; no float64 one). autodiff/grads/nn.ts differentiates it. Its other two outputs
 * (mean and inverse standard deviation) are left unread. Reference: onnxruntime
 * docs/ContribOperators.md.
 */
export function skipRmsNormalization(
  x: Tensor,
  skip: Tensor,
  weight: Tensor,
  epsilon: number,
): { sum: Tensor; normed: Tensor } {
  const what = 'SkipSimplifiedLayerNormalization';
  assertFloat(what, x);
  if (skip.dtype !== x.dtype || shapeStr(skip.shape) !== shapeStr(x.shape)) {
    throw new Error(`${what}: skip ${skip.name} ${shapeStr(skip.shape)} must match ${x.name} ${shapeStr(x.shape)}`);
  }
  checkNormWeight(what, x, weight);
  const stats = { dtype: x.dtype, shape: [...x.shape.slice(0, -1), 1] };
  const specs = [{ dtype: x.dtype, shape: x.shape }, stats, stats, { dtype: x.dtype, shape: x.shape }];
  const attrs = { epsilon: { float: epsilon } };
  const [normed, , , sum] = graphOf(what, x, skip, weight).addNode(
    what,
    [x, skip, weight],
    specs,
    attrs,
    CONTRIB_DOMAIN,
  );
  return { sum, normed };
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
