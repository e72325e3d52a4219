// bench ops' product forms (engine/bench/products.ts): every form computes the same C = A·B
// from its own layout of the operands, checked on the CPU against a product summed here in
// float64; split-k slices K into the most whole slices of at least SPLIT_K_ROWS rows.
import { describe, expect, it } from 'vitest';
import { Graph } from '../../../../src/main/engine/onnx/graph';
import { serializeModel } from '../../../../src/main/engine/onnx/serialize';
import { EngineSession } from '../../../../src/main/engine/onnx/session';
import {
  buildProduct,
  operandShapes,
  PRODUCT_FORMS,
  SPLIT_K_ROWS,
  splitKSlices,
} from '../../../../src/main/engine/bench/products';

/** A (M, K) and B (K, N) of small whole numbers (exact in float32), row-major. */
function operands(m: number, k: number, n: number): { a: number[]; b: number[] } {
  return {
    a: Array.from({ length: m * k }, (_, i) => ((i * 7) % 11) - 5),
    b: Array.from({ length: k * n }, (_, i) => ((i * 5) % 9) - 4),
  };
}

/** x (rows, cols) row-major, transposed. */
function transposed(x: number[], rows: number, cols: number): number[] {
  return Array.from({ length: rows * cols }, (_, i) => x[(i % rows) * cols + Math.floor(i / rows)]);
}

async function runForm(form: (typeof PRODUCT_FORMS)[number], m: number, k: number, n: number): Promise<number[]> {
  const { a, b } = operands(m, k, n);
  const shapes = operandShapes(form, m, k, n);
  // Each form reads A as (M, K) or (K, M) and B as (K, N) or (N, K).
  const aData = shapes.a[0] === m && shapes.a[1] === k ? a : transposed(a, m, k);
  const bData = shapes.b[0] === k && shapes.b[1] === n ? b : transposed(b, k, n);
  const g = new Graph('product');
  buildProduct(g, form, m, k, n);
  const session = await EngineSession.create(serializeModel(g));
  try {
    const out = await session.runHost({
      a: { dtype: 'float32', dims: [...shapes.a], data: Float32Array.from(aData) },
      b: { dtype: 'float32', dims: [...shapes.b], data: Float32Array.from(bData) },
    });
    expect(out.c.dims).toEqual([m, n]);
    return [...(out.c.data as Float32Array)];
  } finally {
    await session.release();
  }
}

function expected(m: number, k: number, n: number): number[] {
  const { a, b } = operands(m, k, n);
  return Array.from({ length: m * n }, (_, i) => {
    let sum = 0;
    for (let j = 0; j < k; j++) sum += a[Math.floor(i / n) * k + j] * b[j * n + (i % n)];
    return sum;
  });
}

describe('product forms', () => {
  it.each(PRODUCT_FORMS)('%s computes A·B from its layout (one slice of K)', async (form) => {
    expect(await runForm(form, 3, 5, 4)).toEqual(expected(3, 5, 4));
  });

  it('split-k sums whole slices of SPLIT_K_ROWS rows (here 2)', async () => {
    const k = 2 * SPLIT_K_ROWS;
    expect(await runForm('split-k', 2, k, 3)).toEqual(expected(2, k, 3));
  });

  it('split-k takes fewer slices where K / SPLIT_K_ROWS of them do not divide K, and sums them all', async () => {
    // 32,128 (the t5 vocabulary, 2⁷·251) over 4,096-row slices: 7 do not divide it, 4 do.
    expect([splitKSlices(32128 * (SPLIT_K_ROWS / 4096)), splitKSlices(3 * SPLIT_K_ROWS + 1)]).toEqual([4, 1]);
    expect([splitKSlices(3 * SPLIT_K_ROWS), splitKSlices(SPLIT_K_ROWS - 1)]).toEqual([3, 1]);
    const k = 3 * SPLIT_K_ROWS + 2; // 2 slices (3 do not divide it)
    expect(splitKSlices(k)).toBe(2);
    expect(await runForm('split-k', 2, k, 3)).toEqual(expected(2, k, 3));
  });
});
