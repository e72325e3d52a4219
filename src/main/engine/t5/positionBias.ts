// T5's relative-position bias: the layer-0 table (R buckets, H heads) looked up for a (Tq, Tk)
// grid of bucket ids, as a Gather or, on a GPU, as a product with the ids' one-hot.
// Reference: HF modeling_t5.py T5Attention.compute_bias; bucket ids come from buckets.ts.

import type { Tensor } from '../onnx/graph';
import * as op from '../onnx/ops';
import { typedArrayFrom } from '../onnx/dtype';
import type { BuildContext } from './layers';

/**
 * Bias table lookup: buckets (Tq, Tk) → (1, H, Tq, Tk). NOTE: gathers columns of the small
 * transposed table (H, buckets) rather than transposing the (Tq, Tk, H) result: ORT's transpose
 * optimizer pushed that big transpose down through the attention (scores, softmax, dropout),
 * which on WebGPU meant a bool Transpose of the dropout mask that WebGPU has no kernel for.
 */
export function positionBias(ctx: BuildContext, tableName: string, buckets: Tensor): Tensor {
  const table = op.transpose(ctx.param(tableName), [1, 0]); // (H, R)
  const [tq, tk] = buckets.shape;
  if (ctx.device === 'gpu' && typeof tq === 'number' && typeof tk === 'number') {
    return op.unsqueeze(oneHotLookup(ctx, table, buckets, tq, tk), [0]); // (1, H, Tq, Tk)
  }
  return op.unsqueeze(op.gather(table, buckets, 1), [0]); // (1, H, Tq, Tk)
}

/**
 * The table's columns for buckets (Tq, Tk) as a product with their one-hot (Tq·Tk, R) → (H, Tq, Tk).
 * NOTE: on a GPU the gradient of the Gather was a scatter-add of Tq·Tk·H values into R·H
 * slots, which WebGPU serialises on its float atomics: 1.6 s of a 2.0 s step on an H200 at
 * B=32, Te=512 (2026-12-04). The product's gradient is a product too, and its forward is exact
 * (one 1·x and R−1 zeros per sum). One Gemm with transB, so that neither direction transposes
 * the one-hot; Where, not a bool Cast, makes it (as the dropout masks).
 */
function oneHotLookup(ctx: BuildContext, table: Tensor, buckets: Tensor, tq: number, tk: number): Tensor {
  const r = ctx.config.relativeAttentionNumBuckets;
  const ids = ctx.g.constant({ dtype: buckets.dtype, shape: [r], data: typedArrayFrom(buckets.dtype, indices(r)) });
  const one = op.scalar(ctx.g, 1, ctx.dtype);
  const hot = op.where(op.equal(op.unsqueeze(buckets, [2]), ids), one, 0); // (Tq, Tk, R)
  const values = op.gemm(table, op.reshape(hot, [tq * tk, r]), null, { transB: true }); // (H, Tq·Tk)
  return op.reshape(values, [table.shape[0] as number, tq, tk]);
}

function indices(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}
