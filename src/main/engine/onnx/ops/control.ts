// Control flow: the ONNX Loop builder. The body is a subgraph with inputs
// (iteration number, condition, carried values...) and outputs (condition, carried...,
// scan outputs...). Body nodes may read outer tensors by name (ONNX outer-scope capture).
// Reference: ONNX Operators.md#Loop.

import type { Graph, Tensor } from '../graph';
import { graphOf, shapeStr } from './util';

export interface LoopBodyResult {
  readonly carried: readonly Tensor[];
  /** Per-iteration values stacked along a new first axis of length tripCount. */
  readonly scans?: readonly Tensor[];
}

export interface LoopResult {
  readonly carried: Tensor[];
  readonly scans: Tensor[];
}

/**
 * Loop with a fixed trip count. `build` receives the body graph, the int64 iteration
 * number and the carried values as body inputs, and returns the next carried values
 * (same dtypes and shapes) and optional scan outputs.
 */
export function loop(
  outer: Graph,
  tripCount: number,
  carried: readonly Tensor[],
  build: (body: Graph, iteration: Tensor, carried: Tensor[]) => LoopBodyResult,
): LoopResult {
  const g = carried.length ? graphOf('Loop', ...carried) : outer;
  const body = g.subgraph(`${g.name}.loop_body`);
  const iteration = body.input(`${body.name}.iter_${g.nodes.length}`, 'int64', []);
  const condIn = body.input(`${body.name}.cond_${g.nodes.length}`, 'bool', []);
  const carriedIn = carried.map((t, i) => body.input(`${t.name}.loop_in_${g.nodes.length}_${i}`, t.dtype, t.shape));
  const result = build(body, iteration, carriedIn);
  if (result.carried.length !== carried.length) {
    throw new Error(`Loop: body returned ${result.carried.length} carried values, expected ${carried.length}`);
  }
  result.carried.forEach((t, i) => {
    const before = carried[i];
    if (t.dtype !== before.dtype || t.shape.join() !== before.shape.join()) {
      throw new Error(
        `Loop: carried value ${i} changes from ${before.dtype}${shapeStr(before.shape)} to ${t.dtype}${shapeStr(t.shape)}`,
      );
    }
  });
  body.output(condIn);
  result.carried.forEach((t) => body.output(t));
  const scans = result.scans ?? [];
  scans.forEach((t) => body.output(t));
  const trip = g.constant({ dtype: 'int64', shape: [], data: BigInt64Array.of(BigInt(tripCount)) });
  const cond = g.constant({ dtype: 'bool', shape: [], data: Uint8Array.of(1) });
  const outs = g.addNode(
    'Loop',
    [trip, cond, ...carried],
    [
      ...carried.map((t) => ({ dtype: t.dtype, shape: t.shape })),
      ...scans.map((t) => ({ dtype: t.dtype, shape: [tripCount, ...t.shape] })),
    ],
    { body },
  );
  return { carried: outs.slice(0, carried.length), scans: outs.slice(carried.length) };
}
