// Global-norm gradient clipping as graph nodes, with the pre-clip norm as an output so the
// trainer can log it. Semantics of PyTorch `torch.nn.utils.clip_grad_norm_` (norm_type 2):
// the coefficient max_norm / (‖g‖ + 1e-6), clamped to at most 1, scales every gradient.

import type { Tensor } from '../onnx/graph';
import * as op from '../onnx/ops';

/** ‖g‖ = √(Σᵢ Σ gᵢ²) over all gradients; a scalar of their dtype. */
export function globalNorm(grads: readonly Tensor[]): Tensor {
  if (grads.length === 0) throw new Error('globalNorm: needs at least one gradient');
  const squares = grads.map((g) => op.reduceSumSquare(g, null)); // scalars
  const total = squares.reduce((acc, s) => op.add(acc, s));
  return op.sqrt(total);
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
