// Seeded pseudo-random numbers for span corruption: xoshiro128** (Blackman & Vigna,
// "Scrambled linear pseudorandom number generators", 2018; https://prng.di.unimi.it/)
// seeded through the murmur3 32-bit finaliser. Not cryptographic, and deliberately not
// numpy's generator: masks are reproducible within Spanfill, not bit-equal to HF's.
//
// Spec (so another implementation can reproduce a mask):
//   words: each seed number n → (n mod 2³², ⌊n / 2³²⌋ mod 2³²), in order;
//   h = 0x9e3779b9; for each word w: h = fmix32((h xor w) + 0x7f4a7c15);
//   for i = 0..3: h = fmix32(h + 0x9e3779b9 + i); s_i = h   (all-zero state → s0 = 1);
//   next(): r = rotl(s1·5, 7)·9; t = s1 << 9; s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3;
//           s2 ^= t; s3 = rotl(s3, 11); return r   (all arithmetic mod 2³²)
//   below(n): rejection sampling on next() against the largest multiple of n below 2³².

/** murmur3's 32-bit finaliser: a bijective avalanche mix of one uint32. */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/** Turns any number of uint32 seed words into four non-zero state words. */
function seedState(words: readonly number[]): [number, number, number, number] {
  let h = 0x9e3779b9;
  for (const w of words) h = fmix32((h ^ (w >>> 0)) + 0x7f4a7c15);
  const state: [number, number, number, number] = [0, 0, 0, 0];
  for (let i = 0; i < 4; i++) {
    h = fmix32(h + 0x9e3779b9 + i);
    state[i] = h;
  }
  if ((state[0] | state[1] | state[2] | state[3]) === 0) state[0] = 1; // all-zero is a fixed point
  return state;
}

export class Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  /**
   * @param seedWords e.g. `[seed, epoch, exampleIndex]`: each word is taken mod 2³²
   *   (a seed above 2³² also mixes in its high part).
   */
  constructor(...seedWords: number[]) {
    const words: number[] = [];
    for (const w of seedWords) {
      if (!Number.isFinite(w)) throw new Error(`Rng seed word must be a finite number, got ${w}`);
      const n = Math.floor(Math.abs(w));
      words.push(n >>> 0, Math.floor(n / 4294967296) >>> 0);
    }
    [this.s0, this.s1, this.s2, this.s3] = seedState(words);
  }

  /** A generator with the given raw state (tests against the reference implementation). */
  static fromState(s0: number, s1: number, s2: number, s3: number): Rng {
    const rng = new Rng(0);
    [rng.s0, rng.s1, rng.s2, rng.s3] = [s0 >>> 0, s1 >>> 0, s2 >>> 0, s3 >>> 0];
    return rng;
  }

  /** Next uint32. */
  next(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5) >>> 0, 7), 9) >>> 0;
    const t = (this.s1 << 9) >>> 0;
    this.s2 = (this.s2 ^ this.s0) >>> 0;
    this.s3 = (this.s3 ^ this.s1) >>> 0;
    this.s1 = (this.s1 ^ this.s2) >>> 0;
    this.s0 = (this.s0 ^ this.s3) >>> 0;
    this.s2 = (this.s2 ^ t) >>> 0;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform float in [0, 1) with 32 bits of resolution. */
  nextFloat(): number {
    return this.next() / 4294967296;
  }

  /** Uniform integer in [0, n), unbiased; n must be an integer in [1, 2³²]. */
  below(n: number): number {
    if (!Number.isInteger(n) || n < 1 || n > 4294967296)
      throw new RangeError(`Rng.below: n must be an integer in [1, 2^32], got ${n}`);
    const limit = 4294967296 - (4294967296 % n);
    for (;;) {
      const r = this.next();
      if (r < limit) return r % n;
    }
  }

  /** Fisher–Yates shuffle in place. */
  shuffle<T extends { length: number; [i: number]: unknown }>(items: T): T {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.below(i + 1);
      const tmp = items[i];
      items[i] = items[j];
      items[j] = tmp;
    }
    return items;
  }
}
