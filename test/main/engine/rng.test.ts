// The engine's seeded generator against its header spec. Known answers come from an
// independent Python transcription of the spec (arbitrary-precision integers reduced
// mod 2³² at each step, math.log/sin/cos), run once by hand; the BigInt check re-derives
// fromWords' state inside the test.
import { describe, expect, it } from 'vitest';
import { Rng } from '../../../src/main/engine/rng';

const draws = (rng: Rng, n: number, draw: (r: Rng) => number = (r) => r.next()): number[] =>
  Array.from({ length: n }, () => draw(rng));

describe('Rng core (xoshiro128**)', () => {
  it('matches the reference algorithm from state (1, 2, 3, 4)', () => {
    // Values from a direct transcription of Blackman & Vigna's xoshiro128** next().
    const rng = Rng.fromState(1, 2, 3, 4);
    expect(draws(rng, 6)).toEqual([11520, 0, 5927040, 70819200, 2031721883, 1637235492]);
  });
  it('nextFloat, uniform, below and shuffle follow the spec', () => {
    expect(draws(Rng.fromWords(42, 0, 7), 3, (r) => r.nextFloat())).toEqual([
      0.9694857986178249, 0.20460739894770086, 0.35471066157333553,
    ]);
    expect(draws(Rng.fromSplitMix32(1), 3, (r) => r.uniform())).toEqual([
      0.5686059948349658, 0.8893939367683266, 0.4705824180198359,
    ]);
    const rng = Rng.fromWords(7);
    expect(draws(rng, 10, (r) => r.below(6))).toEqual([4, 4, 1, 1, 3, 1, 0, 2, 0, 1]);
    expect(draws(rng, 3, (r) => r.below(1000003))).toEqual([597931, 478886, 775555]);
    expect(Rng.fromWords(3).shuffle([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])).toEqual([0, 3, 2, 8, 4, 6, 9, 5, 1, 7]);
  });
  it('normal() is Box–Muller with the sine value cached', () => {
    // Python's libm and V8's may differ in the last bit of log/sin/cos.
    const expected = [-0.4163341347692561, -0.412642431178956, 0.33112533054574256];
    draws(Rng.fromSplitMix32(5), 3, (r) => r.normal()).forEach((v, i) => expect(v).toBeCloseTo(expected[i], 14));
  });
  it('below(n) is uniform and in range', () => {
    const rng = Rng.fromWords(1);
    const counts = new Array(6).fill(0);
    for (let i = 0; i < 60_000; i++) counts[rng.below(6)]++;
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(400);
    expect(() => rng.below(0)).toThrow('Rng.below: n must be an integer in [1, 2^32], got 0');
  });
});

describe('Rng.fromWords (masks)', () => {
  it('seeds as the header spec says (known answers)', () => {
    expect(draws(Rng.fromWords(0), 4)).toEqual([2163434196, 2272248499, 2772566813, 678426]);
    expect(draws(Rng.fromWords(1), 4)).toEqual([1932529936, 2170723099, 2650055459, 1229216498]);
    expect(draws(Rng.fromWords(42, 0, 7), 4)).toEqual([4163909799, 878782087, 1523470691, 2054231710]);
    expect(draws(Rng.fromWords(2 ** 40 + 3, 1, 2), 4)).toEqual([3969060892, 3847775324, 440386287, 2694698381]);
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
      const fromSeed = Rng.fromWords(...seed);
      const fromState = Rng.fromState(s0, s1, s2, s3);
      expect(draws(fromSeed, 8)).toEqual(draws(fromState, 8));
    }
    expect(Rng.fromWords(42, 0, 7).next()).not.toBe(Rng.fromWords(42, 1, 7).next());
    expect(Rng.fromWords(42, 0, 7).next()).not.toBe(Rng.fromWords(43, 0, 7).next());
  });
  it('rejects a seed word that is not a finite number, naming it', () => {
    expect(() => Rng.fromWords(1, Number.NaN)).toThrow('Rng seed word must be a finite number, got NaN');
  });
});

describe('Rng.fromSplitMix32 and fromString (random init, sampling)', () => {
  it('seeds as the header spec says (known answers)', () => {
    expect(draws(Rng.fromSplitMix32(0), 4)).toEqual([3809008728, 1133695204, 53579671, 2891528803]);
    expect(draws(Rng.fromSplitMix32(1), 4)).toEqual([2442144158, 3238099751, 3819917871, 2104621829]);
    expect(draws(Rng.fromSplitMix32(42), 4)).toEqual([2837322924, 544945897, 479756282, 3500138142]);
    expect(draws(Rng.fromSplitMix32(2 ** 32 - 1), 4)).toEqual([835879718, 1921286648, 2356205009, 1885780724]);
    // The seed is taken mod 2³² (ToUint32), so −1 and 2³² − 1 are one stream.
    expect(draws(Rng.fromSplitMix32(-1), 4)).toEqual(draws(Rng.fromSplitMix32(2 ** 32 - 1), 4));
  });
  it('fromString hashes the UTF-16 code units with FNV-1a 32', () => {
    // FNV-1a of '', 'a', a parameter name and 'é€😀' (a surrogate pair), per the Python reference.
    const cases: [string, number][] = [
      ['', 2166136261],
      ['a', 3826002220],
      ['encoder.block.0.layer.0.SelfAttention.q.weight', 4161459278],
      ['é€😀', 207495949],
    ];
    for (const [text, hash] of cases)
      expect(draws(Rng.fromString(text), 4)).toEqual(draws(Rng.fromSplitMix32(hash), 4));
    const expected = [-0.24925363361605304, -0.3656320302264932, 1.1272805727936122, 0.8442892483527782];
    draws(Rng.fromString('3:shared.weight'), 4, (r) => r.normal()).forEach((v, i) =>
      expect(v).toBeCloseTo(expected[i], 14),
    );
  });
});
