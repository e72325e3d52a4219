// T5's relative-position bias: the layer-0 table (R buckets, H heads) looked up for a (Tq, Tk)
// grid of bucket ids, as a Gather or, on a GPU, as a product with the ids' one-hot.
// Reference: HF modeling_t5.py T5Attention.compute_bias; bucket ids come from buckets.ts.

import type { Tensor } from '../onnx/graph';
import * as op from '../onnx/ops';
import { typedArrayFrom } from '../onnx/dtype';
import type { BuildContext } from './layers';
import { mostSlices } from '../shape';

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
 * The table's columns for buckets (Tq, Tk) as a product with their one-hot → (H, Tq, Tk), in
 * S slices of Tq's rows: S products of the table (H, R) with a slice's one-hot (R, Tq·Tk/S),
 * one batched MatMul. NOTE: on a GPU the gradient of the Gather was a scatter-add of Tq·Tk·H
 * values into R·H slots, which WebGPU serialises on its float atomics: 1.6 s of a 2.0 s step on
 * an H200 at B=32, Te=512 (2026-12-04). The product's gradient is a product too, and its
 * forward is exact (one 1·x and R−1 zeros per sum). The slices are for that gradient, (H, R)
 * summed over Tq·Tk positions: in one product its few outputs leave the GPU idle (17 ms on the
 * H200 at Te=512), in S products and a sum over S it took 0.3 ms (`bench ops --forms split-k`).
 * The one-hot depends on constants only, so onnxruntime folds it (and its transpose in the
 * gradient) when the session loads. Where, not a bool Cast, makes it.
 */
function oneHotLookup(ctx: BuildContext, table: Tensor, buckets: Tensor, tq: number, tk: number): Tensor {
  const r = ctx.config.relativeAttentionNumBuckets;
  const slices = positionSlices(tq, tk);
  const ids = ctx.g.constant({
    dtype: buckets.dtype,
    shape: [1, r, 1],
    data: typedArrayFrom(buckets.dtype, indices(r)),
  });
  const grid = op.reshape(buckets, [slices, 1, (tq / slices) * tk]); // (S, 1, Tq·Tk/S)
  const hot = op.where(op.equal(grid, ids), op.scalar(ctx.g, 1, ctx.dtype), 0); // (S, R, Tq·Tk/S)
  const values = op.matmul(table, hot); // (S, H, Tq·Tk/S)
  return op.reshape(op.transpose(values, [1, 0, 2]), [table.shape[0] as number, tq, tk]); // (H, Tq, Tk)
}

/** Positions per slice that keep a GPU busy in oneHotLookup's gradient (the form split-k of bench ops). */
export const POSITIONS_PER_SLICE = 4096;

/** The most slices of Tq's rows (a divisor of Tq) that each hold at least POSITIONS_PER_SLICE positions; at least 1. */
export function positionSlices(tq: number, tk: number): number {
  return mostSlices(tq, (tq * tk) / POSITIONS_PER_SLICE);
}

function indices(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}
