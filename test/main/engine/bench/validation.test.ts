// benchValidation() on a tiny T5 (the golden fixture's config) at tiny shapes: an evaluation
// batch and two decoding groups timed (no timing assertions: the figures are there and
// positive), and no decoding timed when asked for none.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { benchValidation } from '../../../../src/main/engine/bench/validation';
import { loadT5Model } from '../../../../src/main/engine/t5/weights';

const { config } = loadT5Model(join(__dirname, '../../../fixtures/t5/t5-tiny-relu'));
const shape = { config, batchSize: 2, inputLength: 6, targetLength: 3, threads: 1 };

describe('benchValidation', () => {
  it('times an evaluation batch and a decoding group of SPAN_GROUP rows, first on a new runtime', async () => {
    const result = await benchValidation(shape);
    expect(result.decodeRows).toBe(4);
    for (const ms of [result.evalBatchMs, result.firstGroupMs, result.groupMs]) {
      expect(Number.isFinite(ms)).toBe(true);
      expect(ms).toBeGreaterThan(0);
    }
  }, 60_000);

  it('times no decoding where the run decodes none', async () => {
    const result = await benchValidation({ ...shape, decodeRows: 0 });
    expect(result).toMatchObject({ firstGroupMs: 0, groupMs: 0, decodeRows: 0 });
    expect(result.evalBatchMs).toBeGreaterThan(0);
  }, 60_000);

  it('stops when its signal is aborted', async () => {
    await expect(benchValidation({ ...shape, signal: AbortSignal.abort() })).rejects.toThrow();
  }, 60_000);
});
