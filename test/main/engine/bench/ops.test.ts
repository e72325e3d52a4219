// benchOps() smoke test on tiny shapes: the rows have the documented fields and sane values.
// Timing itself is never asserted (DESIGN.md §7: speed is measured by `spanfill bench`).
import { describe, expect, it } from 'vitest';
import { benchOps } from '../../../../src/main/engine/bench/ops';

describe('benchOps', () => {
  it('returns MatMul rows with GFLOP/s and fused rows with k and msPerStep', async () => {
    const rows = await benchOps({
      matmulShapes: [[8, 16, 4]],
      ks: [1, 4],
      mlp: { input: 4, hidden: 8, output: 2, batch: 3 },
      minMs: 1,
    });
    expect(rows.map((r) => r.kind)).toEqual(['matmul', 'fused', 'fused']);
    const [matmul, k1, k4] = rows;
    if (matmul.kind !== 'matmul' || k1.kind !== 'fused' || k4.kind !== 'fused') throw new Error('row kinds');
    expect(matmul.gflops).toBeGreaterThan(0);
    expect([k1.k, k1.mode, k4.k, k4.mode]).toEqual([1, 'single', 4, 'loop']);
    expect(k4.msPerStep).toBeCloseTo(k4.msPerCall / 4, 9);
    // w1 4·8 + b1 8 + w2 8·2 + b2 2 = 58 parameters, AdamW keeps m and v: 3 · 58.
    expect(k1.stateFloats).toBe(174);
  });
});
