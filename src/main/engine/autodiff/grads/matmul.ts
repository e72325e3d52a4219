// Gradient rules of MatMul (numpy semantics, batch dims broadcast) and Gemm
// (Y = α·op(A)·op(B) + β·C). Batch broadcasting is left to the walker's sumToShape, except
// for the common (B, T, K)·(K, N) case where dB is one 2-D Gemm instead of a batch of
// products summed afterwards (and a Gemm with transA for 2-D A too). Builders:
// onnx/ops/matmul.ts. Reference: ONNX Operators.md#MatMul, #Gemm.

import type { Tensor } from '../../onnx/graph';
import * as op from '../../onnx/ops';
import type { GradContext, GradientFamily } from '../registry';
import { shapeText, staticShape, transposeLast2 } from '../helpers';
import { elementCount } from '../../shape';

/**
 * Y = A·B, A (..., M, K), B (..., K, N):
 * dA = dY·Bᵀ, dB = Aᵀ·dY (batch dims summed down to each operand's shape by the walker).
 */
function matmulGrad(ctx: GradContext): (Tensor | null)[] {
  const [a, b, dy] = [ctx.I(0), ctx.I(1), ctx.GO(0)];
  if (!dy) return [null, null];
  if (a.rank < 2 || b.rank < 2) {
    throw new Error(
      `MatMul gradient: rank-1 operands are not supported (${a.name} ${shapeText(a.shape)}, ${b.name} ${shapeText(b.shape)})`,
    );
  }
  const da = ctx.needs(0) ? lessTransposed(dy, b, 'dA') : null; // (..., M, K)
  let db: Tensor | null = null;
  if (ctx.needs(1)) {
    if (b.rank === 2 && a.rank === 2) {
      // NOTE: a Gemm reading A transposed, not a Transpose of A (a pass over the activations)
      // and a MatMul: on WebGPU the fastest form of this product (engine/bench/products.ts).
      db = op.gemm(a, dy, null, { transA: true }); // (K, N)
    } else if (b.rank === 2) {
      // Fold the batch into rows: dB = A₂ᵀ·dY₂ with A₂ (ΣM, K), dY₂ (ΣM, N).
      const [k, n] = staticShape(b, 'MatMul gradient');
      db = op.gemm(op.reshape(a, [-1, k]), op.reshape(dy, [-1, n]), null, { transA: true }); // (K, N)
    } else {
      db = lessTransposed(dy, a, 'dB'); // (..., K, N)
    }
  }
  return [da, db];
}

/**
 * dA = dY·Bᵀ (`other` B) or dB = Aᵀ·dY (`other` A), or the transpose of the product that reads
 * `other` as it is (B·dYᵀ, dYᵀ·A), whichever transposes fewer elements with static shapes, for
 * a batched `other` that no Transpose made.
 * Why: a provider that reads no operand transposed (onnxruntime's WebGPU EP) makes each a pass.
 * For attention's output P·V the weights P (…, T, T) are the larger operand: dV = Pᵀ·dO was a
 * Transpose of P (0.65 ms of 268 MB each at B=32 512/114 on an H200, 2026-12-04), against one
 * of dO and one of dV (…, T, 64), which onnxruntime merges with the head split's Transpose.
 */
function lessTransposed(dy: Tensor, other: Tensor, which: 'dA' | 'dB'): Tensor {
  const direct =
    which === 'dA' ? () => op.matmul(dy, transposeLast2(other)) : () => op.matmul(transposeLast2(other), dy);
  // A 2-D operand is a weight (its Transpose is folded in sessions that hold it, or cancels a
  // forward Transpose), and a Transpose of a Transpose is one pass either way.
  if (other.rank <= 2 || other.producer?.node.opType === 'Transpose') return direct();
  if (![...dy.shape, ...other.shape].every((d) => typeof d === 'number')) return direct();
  const [dySize, otherSize] = [elementCount(dy.shape as number[]), elementCount(other.shape as number[])];
  const [m, n] = (dy.shape as number[]).slice(-2);
  const k = other.shape[which === 'dA' ? other.rank - 2 : other.rank - 1] as number; // the inner side
  const resultSize = (dySize / (m * n)) * (which === 'dA' ? m * k : k * n); // dA or dB over dY's batch
  if (dySize + resultSize >= otherSize) return direct();
  return transposeLast2(which === 'dA' ? op.matmul(other, transposeLast2(dy)) : op.matmul(transposeLast2(dy), other));
}

/**
 * Y = α·op(A)·op(B) + β·C with op(X) = Xᵀ when transX:
 * transA=0: dA = α·dY·op(B)ᵀ;      transA=1: dA = α·op(B)·dYᵀ
 * transB=0: dB = α·op(A)ᵀ·dY;      transB=1: dB = α·dYᵀ·op(A)
 * dC = β·dY (summed to C's shape by the walker).
 */
function gemmGrad(ctx: GradContext): (Tensor | null)[] {
  const dy = ctx.GO(0);
  if (!dy) return [null, null, null];
  const alpha = ctx.attrFloat('alpha', 1);
  const beta = ctx.attrFloat('beta', 1);
  const transA = ctx.attrInt('transA', 0) === 1;
  const transB = ctx.attrInt('transB', 0) === 1;
  const [a, b] = [ctx.I(0), ctx.I(1)];
  let da: Tensor | null = null;
  if (ctx.needs(0)) {
    da = transA
      ? op.gemm(b, dy, null, { alpha, transA: transB, transB: true }) // (K, M)
      : op.gemm(dy, b, null, { alpha, transB: !transB }); // (M, K)
  }
  let db: Tensor | null = null;
  if (ctx.needs(1)) {
    db = transB
      ? op.gemm(dy, a, null, { alpha, transA: true, transB: transA }) // (N, K)
      : op.gemm(a, dy, null, { alpha, transA: !transA }); // (K, N)
  }
  const dc = ctx.hasInput(2) && ctx.needs(2) ? (beta === 1 ? dy : op.mul(dy, beta)) : null;
  return [da, db, dc];
}

export const matmulGradients: GradientFamily = { name: 'matmul', rules: { MatMul: matmulGrad, Gemm: gemmGrad } };
