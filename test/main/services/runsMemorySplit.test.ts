// The micro-batch rule (runsMemorySplit.ts): the largest m ≤ batchSize dividing the effective
// batch, accumulation within its limit, that fits. Expectations follow from the rule, not from
// the code's output. The refusal when none fits: runsMemory.test.ts, through planMemory.
import { describe, expect, it } from 'vitest';
import { ACCUMULATION_MAX } from '../../../src/shared/contract/runs';
import { pickMicroBatch } from '../../../src/main/services/runsMemorySplit';

describe('pickMicroBatch', () => {
  const upTo = (largest: number) => (m: number) => m <= largest;

  it('keeps a batch that fits', () => {
    expect(pickMicroBatch(32, 1, () => true)).toEqual({ batchSize: 32, accumulation: 1 });
    expect(pickMicroBatch(6, 3, () => true)).toEqual({ batchSize: 6, accumulation: 3 });
  });

  it('takes the largest divisor of the effective batch that fits, the effective batch unchanged', () => {
    expect(pickMicroBatch(32, 1, upTo(8))).toEqual({ batchSize: 8, accumulation: 4 });
    expect(pickMicroBatch(32, 1, upTo(15))).toEqual({ batchSize: 8, accumulation: 4 }); // 9…15 do not divide 32
    expect(pickMicroBatch(12, 1, upTo(5))).toEqual({ batchSize: 4, accumulation: 3 });
    // E = 6 × 2 = 12: 4 divides 12 though not 6.
    expect(pickMicroBatch(6, 2, upTo(5))).toEqual({ batchSize: 4, accumulation: 3 });
    expect(pickMicroBatch(7, 1, upTo(6))).toEqual({ batchSize: 1, accumulation: 7 }); // 7 is prime
  });

  it('asks whether each split fits with its own accumulation', () => {
    const asked: [number, number][] = [];
    pickMicroBatch(8, 3, (m, a) => {
      asked.push([m, a]);
      return false;
    });
    // Divisors of 24 from 8 down, each with 24 / m.
    expect(asked).toEqual([
      [8, 3],
      [6, 4],
      [4, 6],
      [3, 8],
      [2, 12],
      [1, 24],
    ]);
  });

  it('gives null when nothing fits, and never an accumulation over the limit', () => {
    expect(pickMicroBatch(8, 1, () => false)).toBeNull();
    const batch = 4 * ACCUMULATION_MAX;
    expect(pickMicroBatch(batch, 1, upTo(3))).toBeNull(); // micro-batch 1…3 would need accumulation > the limit
    expect(pickMicroBatch(batch, 1, upTo(4))).toEqual({ batchSize: 4, accumulation: ACCUMULATION_MAX });
  });
});
