// optim/clip.ts: the global gradient norm, whose sums of squares over large tensors (the flat
// gradient buffers) reduce rows first and then their sums, checked against a float64 sum, and
// the coefficient that clips to a maximum norm.
import { afterAll, describe, expect, it } from 'vitest';
import { Graph } from '../../../../src/main/engine/onnx/graph';
import type { Tensor } from '../../../../src/main/engine/onnx/graph';
import { serializeModel } from '../../../../src/main/engine/onnx/serialize';
import { EngineSession } from '../../../../src/main/engine/onnx/session';
import { clipCoefficient, globalNorm, sumOfSquares } from '../../../../src/main/engine/optim/clip';
import { elementCount } from '../../../../src/main/engine/shape';

const sessions: EngineSession[] = [];
afterAll(async () => Promise.all(sessions.map((s) => s.release())));

/** Values in [-1, 1) from a small LCG, so sums are not round numbers. */
function values(count: number, seed: number): Float32Array {
  const out = new Float32Array(count);
  let state = seed >>> 0;
  for (let i = 0; i < count; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = state / 2 ** 31 - 1;
  }
  return out;
}

/** Builds y = build(inputs) over float32 inputs of the given shapes, runs it on the CPU: y's value and the graph. */
async function evaluate(
  shapes: number[][],
  build: (xs: Tensor[]) => Tensor,
): Promise<{ y: number; graph: Graph; data: Float32Array[] }> {
  const graph = new Graph('clip');
  const xs = shapes.map((shape, i) => graph.input(`x${i}`, 'float32', shape));
  graph.output(build(xs), 'y');
  const session = await EngineSession.create(serializeModel(graph), {});
  sessions.push(session);
  const data = shapes.map((shape, i) => values(elementCount(shape), i + 1));
  const feeds = Object.fromEntries(
    data.map((d, i) => [`x${i}`, { dtype: 'float32', dims: shapes[i], data: d }] as const),
  );
  const out = await session.runHost(feeds);
  return { y: (out.y.data as Float32Array)[0], graph, data };
}

const squares = (data: Float32Array) => data.reduce((sum, x) => sum + x * x, 0); // float64

describe('sumOfSquares', () => {
  it.each([
    // [shape, rows of the first stage (0: one stage)]
    [[1 << 17], 32], // 131,072 = 32 rows of 4,096
    [[3, 512, 128], 48], // 196,608 = 48 rows of 4,096
    [[1000, 99], 0], // 99,000 = 2³·12,375: rows of 8 would be too short
    [[100_003], 0], // odd
    [[4, 5], 0], // small
  ])('Σ x² of %j (first stage rows: %i) equals the float64 sum', async (shape, rows) => {
    const { y, graph, data } = await evaluate([shape], ([x]) => sumOfSquares(x));
    expect(Math.abs(y - squares(data[0])) / squares(data[0])).toBeLessThan(1e-6);
    const reduces = graph.nodes.filter((n) => n.opType.startsWith('Reduce'));
    if (rows === 0) expect(reduces.map((n) => n.opType)).toEqual(['ReduceSumSquare']);
    else {
      expect(reduces.map((n) => n.opType)).toEqual(['ReduceSumSquare', 'ReduceSum']);
      expect(reduces[0].outputs[0].shape).toEqual([rows]);
    }
  });
});

describe('globalNorm and clipCoefficient', () => {
  it('takes the norm over every gradient, and a coefficient that scales it to at most the maximum', async () => {
    const shapes = [[1 << 16], [7, 3], [2, 2048, 16]];
    const { y, data } = await evaluate(shapes, (xs) => globalNorm(xs));
    const norm = Math.sqrt(data.reduce((sum, d) => sum + squares(d), 0));
    expect(Math.abs(y - norm) / norm).toBeLessThan(1e-6);
    const clipped = await evaluate(shapes, (xs) => clipCoefficient(globalNorm(xs), norm / 4));
    expect(clipped.y).toBeCloseTo(norm / 4 / (norm + 1e-6), 5);
    expect((await evaluate(shapes, (xs) => clipCoefficient(globalNorm(xs), norm * 2))).y).toBe(1);
  });

  it('refuses no gradients and a maximum that is not positive', () => {
    expect(() => globalNorm([])).toThrow('globalNorm: needs at least one gradient');
    const x = new Graph('g').input('x', 'float32', [2]);
    expect(() => clipCoefficient(x, 0)).toThrow('clipNorm must be > 0, got 0');
  });
});
