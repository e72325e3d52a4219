// A t5-small-shaped random model (60.5M parameters, no download) builds, runs one fused AdamW
// training step and a 20-token KV-cache generation on the CPU. Numbers are printed for the
// notes, not asserted (speed is measured by benchmarks, never by timed tests).
import { describe, expect, it } from 'vitest';
import { benchT5 } from '../../../../src/main/engine/t5/bench';

describe('t5-small shape on CPU', () => {
  it('trains one step and generates 20 tokens', async () => {
    const result = await benchT5({
      preset: 't5-small',
      batchSize: 2,
      inputLength: 32,
      targetLength: 8,
      steps: 0,
      newTokens: 20,
    });
    console.log(JSON.stringify(result));
    expect(result.parameters).toBe(60_506_624);
    expect(result.losses).toHaveLength(1);
    expect(Number.isFinite(result.losses[0])).toBe(true);
    // A random model over 32128 tokens starts near ln(32128) ≈ 10.4.
    expect(result.losses[0]).toBeGreaterThan(8);
    expect(result.generatedTokens).toBe(20);
  }, 180_000);
});
