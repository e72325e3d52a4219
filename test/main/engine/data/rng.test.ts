import { describe, expect, it } from 'vitest';
import { HashSet64, hashDocument } from '../../../../src/main/engine/data/documents';
import { Rng } from '../../../../src/main/engine/data/rng';

describe('Rng (xoshiro128**)', () => {
  it('matches the reference algorithm from state (1, 2, 3, 4)', () => {
    // Values from a direct transcription of Blackman & Vigna's xoshiro128** next().
    const rng = Rng.fromState(1, 2, 3, 4);
    expect(Array.from({ length: 6 }, () => rng.next())).toEqual([11520, 0, 5927040, 70819200, 2031721883, 1637235492]);
  });
  it('seeds as the header spec says (checked against a BigInt transcription of it)', () => {
    // Independent of rng.ts: 64-bit BigInt arithmetic reduced mod 2³² at each step.
    const M = 0xffffffffn;
    const fmix = (x: bigint): bigint => {
      let h = x & M;
      h ^= h >> 16n;
      h = (h * 0x85ebca6bn) & M;
      h ^= h >> 13n;
      h = (h * 0xc2b2ae35n) & M;
      h ^= h >> 16n;
      return h;
    };
    const specState = (...seed: number[]): number[] => {
      const words = seed.flatMap((n) => [BigInt(n) & M, (BigInt(n) >> 32n) & M]);
      let h = 0x9e3779b9n;
      for (const w of words) h = fmix((h ^ w) + 0x7f4a7c15n);
      return [0n, 1n, 2n, 3n].map((i) => Number((h = fmix(h + 0x9e3779b9n + i))));
    };
    for (const seed of [[42, 0, 7], [0], [2 ** 32 - 1, 5], [2 ** 40 + 3, 1, 2]]) {
      const [s0, s1, s2, s3] = specState(...seed);
      const fromSeed = new Rng(...seed);
      const fromState = Rng.fromState(s0, s1, s2, s3);
      expect(Array.from({ length: 8 }, () => fromSeed.next())).toEqual(
        Array.from({ length: 8 }, () => fromState.next()),
      );
    }
    expect(new Rng(42, 0, 7).next()).not.toBe(new Rng(42, 1, 7).next());
    expect(new Rng(42, 0, 7).next()).not.toBe(new Rng(43, 0, 7).next());
  });
  it('below(n) is uniform and in range', () => {
    const rng = new Rng(1);
    const counts = new Array(6).fill(0);
    for (let i = 0; i < 60_000; i++) counts[rng.below(6)]++;
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(400);
    expect(() => rng.below(0)).toThrow('Rng.below: n must be an integer in [1, 2^32], got 0');
  });
});

describe('HashSet64', () => {
  it('adds, detects repeats, survives growth and the all-zero key', () => {
    const set = new HashSet64();
    const keys = Array.from({ length: 5000 }, (_, i) => hashDocument(`document ${i}`));
    for (const k of keys) expect(set.add(k.lo, k.hi)).toBe(true);
    for (const k of keys) expect(set.add(k.lo, k.hi)).toBe(false);
    expect(set.size).toBe(5000);
    expect(set.add(0, 0)).toBe(true);
    expect(set.add(0, 0)).toBe(false);
  });
});
