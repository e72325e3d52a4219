// The progress meter with a fake clock: tokens/s over step time only, elapsed time and tokens
// carried across resumes, ETA from this session's wall time per step.
import { describe, expect, it } from 'vitest';
import { ProgressMeter } from '../../../../src/main/engine/train/progress';

describe('ProgressMeter', () => {
  it('derives throughput, elapsed time and ETA', () => {
    let now = 1000;
    const meter = new ProgressMeter(10, 110, 5000, 200, () => now);
    expect(meter.etaMs).toBeNull();
    expect(meter.tokensPerSecond).toBe(0);
    now += 2000; // 2 s of wall time, of which 1.6 s in the step
    meter.record(10, 800, 1600);
    expect(meter.step).toBe(20);
    expect(meter.tokensPerSecond).toBe(500);
    expect(meter.tokensSeen).toBe(1000);
    expect(meter.elapsedMs).toBe(7000);
    expect(meter.etaMs).toBe(90 * 200); // 90 steps left at 200 ms each
    now += 2000;
    meter.record(90, 0, 1000);
    expect(meter.etaMs).toBe(0);
  });
});
