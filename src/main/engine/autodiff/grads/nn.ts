// Gradient rules of the neural-network ops: Softmax and LogSoftmax (opset 13+ semantics:
// one axis), Dropout in training mode reusing its keep-mask output,
// SoftmaxCrossEntropyLoss (scores (N, C), int64 labels (N), reduction mean/sum/none,
// ignore_index) reusing its log_prob output, and RMS normalization over the last axis. Builders: onnx/ops/nn.ts.
// Reference: ONNX Operators.md#Softmax, #Dropout, #SoftmaxCrossEntropyLoss.

import type { Tensor } from '../../onnx/graph';
import * as op from '../../onnx/ops';
import type { GradContext, GradientFamily, GradientRule } from '../registry';
import { castTo, constantNumbers, shapeText, staticShape } from '../helpers';

function axisOf(ctx: GradContext): number {
  const rank = ctx.I(0).rank;
  const raw = ctx.attrInt('axis', -1);
  return raw < 0 ? raw + rank : raw;
}

/** Y = softmax(X) along axis: dX = Y·(dY − Σ_axis dY·Y). */
function softmaxBackward(y: Tensor, dy: Tensor, axis: number): Tensor {
  const dot = op.reduceSum(op.mul(dy, y), [axis], true); // X's shape, 1 on axis
  return op.mul(y, op.sub(dy, dot));
}

/** Y = log softmax(X) along axis: dX = dY − exp(Y)·Σ_axis dY. */
function logSoftmaxBackward(logp: Tensor, dy: Tensor, axis: number): Tensor {
  return op.sub(dy, op.mul(op.exp(logp), op.reduceSum(dy, [axis], true)));
}

const softmaxGrad: GradientRule = (ctx) => {
  const dy = ctx.GO(0);
  return [dy && ctx.needs(0) ? softmaxBackward(ctx.O(0), dy, axisOf(ctx)) : null];
};

const logSoftmaxGrad: GradientRule = (ctx) => {
  const dy = ctx.GO(0);
  return [dy && ctx.needs(0) ? logSoftmaxBackward(ctx.O(0), dy, axisOf(ctx)) : null];
};

/**
 * Y = X·mask/(1 − ratio) in training mode: dX = dY·mask/(1 − ratio), the mask being the
 * node's second output (so forward and backward see the same random draw). Outside training
 * mode Dropout is the identity: dX = dY.
 */
const dropoutGrad: GradientRule = (ctx) => {
  const dy = ctx.GO(0);
  if (!dy || !ctx.needs(0)) return [null, null, null];
  const isTraining = ctx.hasInput(2) && constantNumbers(ctx.constant(2))[0] !== 0;
  if (!isTraining) return [dy, null, null];
  if (ctx.node.outputs.length < 2) {
    throw new Error(
      `Dropout gradient: node '${ctx.node.name}' runs in training mode without its mask output; build it with op.dropout`,
    );
  }
  const mask = castTo(ctx.O(1), dy.dtype);
  const ratio = ctx.hasInput(1) ? constantNumbers(ctx.constant(1))[0] : 0.5;
  return [op.mul(op.mul(dy, mask), 1 / (1 - ratio)), null, null];
};

/**
 * loss = reduction over n of wₙ·(−logp[n, labelₙ]), wₙ = [labelₙ ≠ ignore_index];
 * mean divides by Σwₙ. With p = exp(logp):
 * dScores[n, c] = (p[n, c] − [c = labelₙ])·wₙ·g, where g = dLoss/count (mean),
 * dLoss (sum) or dLossₙ (none); a gradient on log_prob adds its LogSoftmax backward.
 */
function crossEntropyGrad(ctx: GradContext): (Tensor | null)[] {
  const [scores, labels] = [ctx.I(0), ctx.I(1)];
  if (!ctx.needs(0)) return [null, null, null];
  if (scores.rank !== 2 || ctx.hasInput(2)) {
    throw new Error(
      `SoftmaxCrossEntropyLoss gradient: supports scores (N, C) without weights; node '${ctx.node.name}' has scores ${shapeText(scores.shape)}${ctx.hasInput(2) ? ' and weights' : ''}`,
    );
  }
  const logp = ctx.node.outputs.length > 1 ? ctx.O(1) : op.logSoftmax(scores, 1); // (N, C)
  const [dLoss, dLogp] = [ctx.GO(0), ctx.node.outputs.length > 1 ? ctx.GO(1) : null];
  const parts: Tensor[] = [];
  if (dLoss) parts.push(crossEntropyLossPart(ctx, logp, labels, dLoss));
  if (dLogp) parts.push(logSoftmaxBackward(logp, dLogp, 1));
  if (parts.length === 0) return [null, null, null];
  return [parts.length === 1 ? parts[0] : op.add(parts[0], parts[1]), null, null];
}

function crossEntropyLossPart(ctx: GradContext, logp: Tensor, labels: Tensor, dLoss: Tensor): Tensor {
  const [n, c] = staticShape(logp, 'SoftmaxCrossEntropyLoss gradient');
  const dtype = logp.dtype;
  const classes = ctx.graph.constant({
    dtype: 'int64',
    shape: [c],
    data: BigInt64Array.from({ length: c }, (_, i) => BigInt(i)),
  });
  const oneHot = castTo(op.equal(op.unsqueeze(labels, [1]), classes), dtype); // (N, C)
  const ignoreAttr = ctx.attr('ignore_index');
  const valid = typeof ignoreAttr === 'number' ? castTo(op.not(op.equal(labels, ignoreAttr)), dtype) : null; // (N)
  const reduction = ctx.attr('reduction') ?? 'mean';
  let weight: Tensor; // (N) or scalar
  if (reduction === 'mean') {
    const count = valid ? op.maximum(op.reduceSum(valid, null), 1) : null; // scalar
    const perRow = count ? op.div(dLoss, count) : op.div(dLoss, n);
    weight = valid ? op.mul(valid, perRow) : perRow;
  } else if (reduction === 'sum' || reduction === 'none') {
    weight = valid ? op.mul(valid, dLoss) : dLoss;
  } else {
    throw new Error(
      `SoftmaxCrossEntropyLoss gradient: unknown reduction '${String(reduction)}'; expected one of: mean, sum, none`,
    );
  }
  const rowWeight = weight.rank === 0 ? weight : op.unsqueeze(weight, [1]); // (N, 1)
  return op.mul(op.sub(op.exp(logp), oneHot), rowWeight); // (N, C)
}

/**
 * y = w·x·r over the last axis (D), r = (mean(x²) + ε)^−½, n = x·r:
 * dx = r·(g − n·mean(g·n)) with g = dy·w;  dw = Σ over the other axes of dy·n.
 * r is recomputed (4 nodes; see ops/nn.ts rmsNormalization for why not the node's output).
 * [dx, dw], each only when asked for.
 */
function rmsNormBackward(x: Tensor, w: Tensor, dy: Tensor, eps: number, needs: [boolean, boolean]): (Tensor | null)[] {
  const r = op.pow(op.add(op.reduceMean(op.mul(x, x), [-1], true), eps), -0.5); // (…, 1)
  const normed = op.mul(x, r); // (…, D)
  let dx: Tensor | null = null;
  if (needs[0]) {
    const g = op.mul(dy, w); // (…, D)
    dx = op.mul(op.sub(g, op.mul(normed, op.reduceMean(op.mul(g, normed), [-1], true))), r);
  }
  let dw: Tensor | null = null;
  if (needs[1]) {
    // Summed over the leading axes in one node (no Reshape to rows first: each node is a kernel call).
    const product = op.mul(dy, normed); // (…, D)
    const leading = Array.from({ length: x.rank - 1 }, (_, i) => i);
    dw = leading.length === 0 ? product : op.reduceSum(product, leading, false); // (D)
  }
  return [dx, dw];
}

/** SimplifiedLayerNormalization(x, w) over the last axis: rmsNormBackward. */
function rmsNormGrad(ctx: GradContext): (Tensor | null)[] {
  const dy = ctx.GO(0);
  if (!dy) return [null, null];
  const x = ctx.I(0);
  const axis = ctx.attrInt('axis', -1);
  if (axis !== -1 && axis !== x.rank - 1) {
    throw new Error(
      `SimplifiedLayerNormalization gradient: supports the last axis only; node '${ctx.node.name}' has axis ${axis}`,
    );
  }
  return rmsNormBackward(x, ctx.I(1), dy, ctx.attrFloat('epsilon', 1e-5), [ctx.needs(0), ctx.needs(1)]);
}

/**
 * y, ·, ·, s = SkipSimplifiedLayerNormalization(x, skip, w): s = x + skip (output 3) and y its
 * RMS norm times w. dx = dskip = ds + rmsNormBackward of dy at s; dw as the RMS norm's. The sum
 * is the node's own output, which the residual stream keeps alive anyway.
 */
function skipRmsNormGrad(ctx: GradContext): (Tensor | null)[] {
  const none = ctx.node.inputs.map(() => null);
  const [dy, dsum] = [ctx.GO(0), ctx.GO(3)];
  if (!dy && !dsum) return none;
  if (ctx.hasInput(3))
    throw new Error(`SkipSimplifiedLayerNormalization gradient: no bias input is supported (node '${ctx.node.name}')`);
  const needsSum = ctx.needs(0) || ctx.needs(1);
  const eps = ctx.attrFloat('epsilon', 1e-5);
  const [fromNorm, dw] = dy ? rmsNormBackward(ctx.O(3), ctx.I(2), dy, eps, [needsSum, ctx.needs(2)]) : [null, null];
  const ds = fromNorm && dsum ? op.add(fromNorm, dsum) : (fromNorm ?? dsum);
  return [ctx.needs(0) ? ds : null, ctx.needs(1) ? ds : null, dw];
}

export const nnGradients: GradientFamily = {
  name: 'nn',
  rules: {
    Softmax: softmaxGrad,
    LogSoftmax: logSoftmaxGrad,
    Dropout: dropoutGrad,
    SoftmaxCrossEntropyLoss: crossEntropyGrad,
    SimplifiedLayerNormalization: rmsNormGrad,
    SkipSimplifiedLayerNormalization: skipRmsNormGrad,
  },
  // Random samples depend on the input's shape, not its values.
  noGradient: ['RandomNormalLike', 'RandomUniformLike'],
};
