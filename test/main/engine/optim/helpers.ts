// Shared test helpers for the optimizer tests: float64 host tensors, running a graph once,
// a seeded generator for test data and a relative-error check.
import { expect } from 'vitest';
import type { Graph } from '../../../../src/main/engine/onnx/graph';
import { serializeModel } from '../../../../src/main/engine/onnx/serialize';
import type { HostTensor } from '../../../../src/main/engine/onnx/session';
import { EngineSession } from '../../../../src/main/engine/onnx/session';
import { Rng } from '../../../../src/main/engine/rng';

export const f64 = (dims: readonly number[], values: ArrayLike<number>): HostTensor => ({
  dtype: 'float64',
  dims: [...dims],
  data: Float64Array.from(values),
});

export const scalar64 = (v: number): HostTensor => f64([], [v]);

export async function runOnce(g: Graph, feeds: Record<string, HostTensor>): Promise<Record<string, HostTensor>> {
  const session = await EngineSession.create(serializeModel(g));
  try {
    return await session.runHost(feeds);
  } finally {
    await session.release();
  }
}

/** Deterministic values in [-1, 1) from the engine's seeded generator (test data only). */
export function seeded(seed: number): (n: number) => number[] {
  const rng = Rng.fromWords(seed);
  return (n) => Array.from({ length: n }, () => 2 * rng.nextFloat() - 1);
}

/** max |a − b| / max(|b|, floor) ≤ tol, naming the worst index on failure. */
export function expectClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  tol: number,
  what: string,
  floor = 1e-12,
): void {
  expect(actual.length, `${what}: length`).toBe(expected.length);
  let worst = 0;
  let at = -1;
  for (let i = 0; i < expected.length; i++) {
    const err = Math.abs(actual[i] - expected[i]) / Math.max(Math.abs(expected[i]), floor);
    if (Number.isNaN(err) || err > worst) {
      worst = err;
      at = i;
      if (Number.isNaN(err)) break;
    }
  }
  expect(worst, `${what}: worst relative error at [${at}]: ${actual[at]} vs ${expected[at]}`).toBeLessThanOrEqual(tol);
}
