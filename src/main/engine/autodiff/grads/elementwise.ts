// Gradient rules of elementwise ops: broadcasting arithmetic (the walker sums each result
// down to its input's shape), unary math written in terms of the forward output where that
// is cheaper (exp, tanh, sqrt, reciprocal), Where, Max/Min, Cast, Identity, and the
// comparisons, logic and rounding that are not differentiable by nature. Builders:
// onnx/ops/elementwise.ts. Reference: ONNX Operators.md.

import { isFloat } from '../../onnx/dtype';
import type { Tensor } from '../../onnx/graph';
import * as op from '../../onnx/ops';
import type { GradContext, GradientFamily, GradientRule } from '../registry';
import { castSource, castTo } from '../helpers';

/** A rule for a one-input op: dX from (ctx, dY). */
function unaryRule(grad: (ctx: GradContext, dy: Tensor) => Tensor): GradientRule {
  return (ctx) => {
    const dy = ctx.GO(0);
    return [dy && ctx.needs(0) ? grad(ctx, dy) : null];
  };
}

/** A rule for a two-input op: [dA, dB] from (ctx, dY), each built only when needed. */
function binaryRule(
  gradA: (ctx: GradContext, dy: Tensor) => Tensor,
  gradB: (ctx: GradContext, dy: Tensor) => Tensor,
): GradientRule {
  return (ctx) => {
    const dy = ctx.GO(0);
    if (!dy) return [null, null];
    return [ctx.needs(0) ? gradA(ctx, dy) : null, ctx.needs(1) ? gradB(ctx, dy) : null];
  };
}

/**
 * Y = max(A, B) (two inputs): dA = dY where A ≥ B, dB = dY where A < B (ties go to A).
 * Y = min(A, B): dA = dY where A ≤ B, dB = dY where A > B.
 */
function extremumRule(opType: 'Max' | 'Min'): GradientRule {
  return (ctx) => {
    if (ctx.node.inputs.length !== 2) {
      throw new Error(
        `${opType} gradient: only two inputs are supported, node '${ctx.node.name}' has ${ctx.node.inputs.length}`,
      );
    }
    const dy = ctx.GO(0);
    if (!dy) return [null, null];
    const [a, b] = [ctx.I(0), ctx.I(1)];
    const bWins = opType === 'Max' ? op.less(a, b) : op.greater(a, b);
    return [ctx.needs(0) ? op.where(bWins, 0, dy) : null, ctx.needs(1) ? op.where(bWins, dy, 0) : null];
  };
}

/**
 * A Mul factor as its backward uses it: a Cast of a bool tensor (a 0/1 mask, dropout's on the
 * CPU) is cast again from the bool, so the backward holds the 1-byte bool rather than the float
 * the forward made (freed after its Mul). The casts are numbered next to the bool
 * (Graph.placedAfter), so onnxruntime runs them right before the backward Mul, not at the
 * start of the step. NOTE: through int32, because onnxruntime's common subexpression
 * elimination would merge a second bool → float Cast with the forward's and keep the float
 * alive after all (it drops the int32 step itself, in a later pass: the recast reads the bool);
 * int32 because every execution provider has its Casts (WebGPU has no uint8).
 */
function heldFactor(factor: Tensor): Tensor {
  const source = castSource(factor, 'bool');
  if (!source) return factor;
  return source.graph.placedAfter(source, () => op.cast(op.cast(source, 'int32'), factor.dtype));
}

export const elementwiseGradients: GradientFamily = {
  name: 'elementwise',
  rules: {
    /** Y = A + B: dA = dY, dB = dY. */
    Add: binaryRule(
      (_, dy) => dy,
      (_, dy) => dy,
    ),
    /** Y = A − B: dA = dY, dB = −dY. */
    Sub: binaryRule(
      (_, dy) => dy,
      (_, dy) => op.neg(dy),
    ),
    /** Y = A·B: dA = dY·B, dB = dY·A (a factor cast from bool rebuilt from the bool: heldFactor). */
    Mul: binaryRule(
      (c, dy) => op.mul(dy, heldFactor(c.I(1))),
      (c, dy) => op.mul(dy, heldFactor(c.I(0))),
    ),
    /** Y = A/B: dA = dY/B, dB = −dY·Y/B. */
    Div: binaryRule(
      (c, dy) => op.div(dy, c.I(1)),
      (c, dy) => op.neg(op.div(op.mul(dy, c.O(0)), c.I(1))),
    ),
    /** Y = −X: dX = −dY. */
    Neg: unaryRule((_, dy) => op.neg(dy)),
    /** Y = Aᴮ: dA = dY·B·Aᴮ⁻¹, dB = dY·Y·ln A (A > 0 where dB matters). */
    Pow: binaryRule(
      (c, dy) => op.mul(dy, op.mul(c.I(1), op.pow(c.I(0), op.sub(c.I(1), 1)))),
      (c, dy) => op.mul(dy, op.mul(c.O(0), op.log(c.I(0)))),
    ),
    /** Y = √X: dX = dY·0.5/Y. */
    Sqrt: unaryRule((c, dy) => op.div(op.mul(dy, 0.5), c.O(0))),
    /** Y = 1/X: dX = −dY·Y². */
    Reciprocal: unaryRule((c, dy) => op.neg(op.mul(dy, op.mul(c.O(0), c.O(0))))),
    /** Y = eˣ: dX = dY·Y. */
    Exp: unaryRule((c, dy) => op.mul(dy, c.O(0))),
    /** Y = ln X: dX = dY/X. */
    Log: unaryRule((c, dy) => op.div(dy, c.I(0))),
    /** Y = tanh X: dX = dY·(1 − Y²). */
    Tanh: unaryRule((c, dy) => op.mul(dy, op.sub(1, op.mul(c.O(0), c.O(0))))),
    /** Y = σ(X): dX = dY·Y·(1 − Y). */
    Sigmoid: unaryRule((c, dy) => op.mul(dy, op.mul(c.O(0), op.sub(1, c.O(0))))),
    /** Y = max(X, 0): dX = dY where X > 0, else 0 (0 at the kink). */
    Relu: unaryRule((c, dy) => op.where(op.greater(c.I(0), 0), dy, 0)),
    /** Y = |X|: dX = dY·sign(X). */
    Abs: unaryRule((c, dy) => op.mul(dy, op.sign(c.I(0)))),
    /** Y = X: dX = dY. */
    Identity: unaryRule((_, dy) => dy),
    /** Y = Where(C, A, B): dA = Where(C, dY, 0), dB = Where(C, 0, dY); the condition gets none. */
    Where: (ctx) => {
      const dy = ctx.GO(0);
      if (!dy) return [null, null, null];
      const cond = ctx.I(0);
      return [null, ctx.needs(1) ? op.where(cond, dy, 0) : null, ctx.needs(2) ? op.where(cond, 0, dy) : null];
    },
    Max: extremumRule('Max'),
    Min: extremumRule('Min'),
    /** Cast between float types: dX = Cast(dY) back to X's type. Casts to or from integers carry none. */
    Cast: (ctx) => {
      const [x, dy] = [ctx.I(0), ctx.GO(0)];
      if (!dy || !isFloat(x.dtype) || !isFloat(dy.dtype)) return [null];
      return [castTo(dy, x.dtype)];
    },
  },
  // Zero derivative almost everywhere (Sign, rounding) or bool outputs (comparisons, logic).
  noGradient: [
    'Sign',
    'Floor',
    'Ceil',
    'Round',
    'Equal',
    'Less',
    'Greater',
    'LessOrEqual',
    'GreaterOrEqual',
    'And',
    'Or',
    'Not',
  ],
};
