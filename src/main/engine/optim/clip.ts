// Global-norm gradient clipping as graph nodes, with the pre-clip norm as an output so the
// trainer can log it. Semantics of PyTorch `torch.nn.utils.clip_grad_norm_` (norm_type 2):
// the coefficient max_norm / (‖g‖ + 1e-6), clamped to at most 1, scales every gradient.

import type { Tensor } from '../onnx/graph';
import * as op from '../onnx/ops';
import { elementCount } from '../shape';

/** ‖g‖ = √(Σᵢ Σ gᵢ²) over all gradients; a scalar of their dtype. */
export function globalNorm(grads: readonly Tensor[]): Tensor {
  if (grads.length === 0) throw new Error('globalNorm: needs at least one gradient');
  const squares = grads.map(sumOfSquares); // scalars
  const total = squares.reduce((acc, s) => op.add(acc, s));
  return op.sqrt(total);
}

/** Widest row sumOfSquares reduces first, and the fewest elements worth two stages. */
const ROW = 4096;
const TWO_STAGES_FROM = 1 << 16;

/**
 * Σ g² of one tensor. NOTE: a large one (a flat buffer of every gradient) in two stages, rows
 * of up to ROW elements and then their sums: onnxruntime's WebGPU EP reduces a whole tensor
 * to a scalar in one workgroup, 13 ms for 33M floats on an H200 (2026-12-04), a tenth of its
 * memory's speed; the rows spread over the GPU. The row is the largest power of two up to ROW
 * that divides the count (flat buffers are multiples of 4,096 for t5 shapes); one stage where
 * that is under 256 or the shape is not static.
 */
export function sumOfSquares(g: Tensor): Tensor {
  const dims = g.shape;
  if (!dims.every((d): d is number => typeof d === 'number')) return op.reduceSumSquare(g, null);
  const count = elementCount(dims);
  let row = 1;
  while (row < ROW && count % (row * 2) === 0) row *= 2;
  if (count < TWO_STAGES_FROM || row < 256) return op.reduceSumSquare(g, null);
  const rows = op.reduceSumSquare(op.reshape(g, [count / row, row]), [1]); // (count / row)
  return op.reduceSum(rows, null);
}

export interface ClipResult {
  /** The gradients after clipping (the inputs themselves when maxNorm is undefined). */
  readonly grads: Tensor[];
  /** The global norm before clipping. */
  readonly norm: Tensor;
}

/** c = min(1, maxNorm / (norm + 1e-6)), a scalar; gradients times c have norm ≤ maxNorm. */
export function clipCoefficient(norm: Tensor, maxNorm: number): Tensor {
  if (!(maxNorm > 0)) throw new Error(`clipNorm must be > 0, got ${maxNorm}`);
  return op.minimum(op.div(maxNorm, op.add(norm, 1e-6)), 1);
}

/**
 * Scales all gradients by c = min(1, maxNorm / (‖g‖ + 1e-6)) so that the global norm is at
 * most maxNorm. Without maxNorm only the norm is computed. (The fused step instead folds c
 * into the optimizer's scalar gradient scale, saving one pass over every gradient.)
 */
export function clipByGlobalNorm(grads: readonly Tensor[], maxNorm?: number): ClipResult {
  const norm = globalNorm(grads);
  if (maxNorm === undefined) return { grads: [...grads], norm };
  const coef = clipCoefficient(norm, maxNorm); // scalar
  return { grads: grads.map((g) => op.mul(g, coef)), norm };
}
