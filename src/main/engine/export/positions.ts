// In-graph T5 relative positions for exported graphs, whose lengths are only known at run time
// (Spanfill's own inference graphs get bucket tables as inputs; transformers.js feeds only ids
// and masks). Same formula as t5/buckets.ts, evaluated with ONNX ops in float32 as PyTorch
// does. Reference: HF modeling_t5.py T5Attention._relative_position_bucket; ONNX Shape, Range.

import * as op from '../onnx/ops';
import type { Dim, Graph, Tensor } from '../onnx/graph';

/** Dimension `axis` of `x` at run time, as an int64 scalar. */
export function runtimeDim(x: Tensor, axis: number): Tensor {
  const g = x.graph;
  const [dim] = g.addNode('Shape', [x], [{ dtype: 'int64', shape: [1] }], { start: axis, end: axis + 1 });
  return op.squeeze(dim, [0]);
}

/** int64 [start, start+1, …, limit−1] (ONNX Range) of symbolic length `length`. */
export function runtimeRange(g: Graph, start: Tensor, limit: Tensor, length: Dim): Tensor {
  const one = g.constant({ dtype: 'int64', shape: [], data: BigInt64Array.of(1n) });
  return g.addNode('Range', [start, limit, one], [{ dtype: 'int64', shape: [length] }])[0];
}

/** Key position minus query position, (Tq, Tk) int64. */
export function relativePositions(queries: Tensor, keys: Tensor): Tensor {
  return op.sub(op.unsqueeze(keys, [0]), op.unsqueeze(queries, [1]));
}

/**
 * Bucket ids (Tq, Tk) int64 for relative positions (Tq, Tk): own buckets for small distances,
 * logarithmically wider ones up to maxDistance, the last bucket beyond.
 */
export function relativeBuckets(
  relative: Tensor,
  bidirectional: boolean,
  numBuckets: number,
  maxDistance: number,
): Tensor {
  const buckets = bidirectional ? Math.floor(numBuckets / 2) : numBuckets;
  const n = bidirectional ? op.abs(relative) : op.neg(op.minimum(relative, 0)); // (Tq, Tk) ≥ 0
  const maxExact = Math.floor(buckets / 2);
  // max(n, 1) keeps Log finite where the exact branch is taken anyway.
  const ratio = op.div(op.maximum(op.cast(n, 'float32'), 1), maxExact);
  const scaled = op.mul(op.div(op.log(ratio), Math.fround(Math.log(maxDistance / maxExact))), buckets - maxExact);
  const large = op.minimum(op.add(op.cast(scaled, 'int64'), maxExact), buckets - 1); // Cast truncates toward 0
  const bucket = op.where(op.less(n, maxExact), n, large);
  if (!bidirectional) return bucket;
  return op.add(bucket, op.mul(op.cast(op.greater(relative, 0), 'int64'), buckets));
}
