// The engine's one seeded pseudo-random generator: xoshiro128** (Blackman & Vigna,
// "Scrambled linear pseudorandom number generators", 2018; https://prng.di.unimi.it/) with
// two seed derivations, for masks (fromWords) and for init and sampling (fromSplitMix32).
// Not cryptographic, and deliberately neither numpy's nor torch's stream: results are
// reproducible within Spanfill, not bit-equal to HF's.
//
// Spec (so another implementation can reproduce a mask, a sample or a random init; all
// arithmetic mod 2³²):
//   next(): r = rotl(s1·5, 7)·9; t = s1 << 9; s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3;
//           s2 ^= t; s3 = rotl(s3, 11); return r
//   fromWords(n…) (masks, epoch order, import bench): words: each n → (|n| mod 2³²,
//     ⌊|n| / 2³²⌋ mod 2³²), in order; h = 0x9e3779b9; for each word w:
//     h = fmix32((h xor w) + 0x7f4a7c15); for i = 0..3: h = fmix32(h + 0x9e3779b9 + i);
//     s_i = h (all-zero state → s0 = 1). fmix32 is murmur3's 32-bit finaliser.
//   fromSplitMix32(seed) (random init, sampling): x = seed mod 2³²; for i = 0..3:
//     x += 0x9e3779b9; z = (z xor z >> 16)·0x85ebca6b; z = (z xor z >> 13)·0xc2b2ae35
//     starting from z = x; s_i = z xor z >> 16.
//   fromString(text) = fromSplitMix32(FNV-1a 32 over the UTF-16 code units of text).
//   nextFloat() = next() / 2³²; uniform() = ((next() >> 5)·2²⁶ + (next() >> 6)) / 2⁵³;
//   normal(): Box–Muller on u = uniform() (redrawn while 0) and v = uniform():
//     √(−2 ln u)·cos 2πv, then √(−2 ln u)·sin 2πv from the cache on the next call;
//   below(n): rejection on next() against the largest multiple of n not above 2³², then mod n;
//   shuffle: Fisher–Yates from the last index down, j = below(i + 1).

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

type State = [number, number, number, number];

/** fromWords' seeding: any number of uint32 words into four state words, never all zero. */
function stateFromWords(words: readonly number[]): State {
  let h = 0x9e3779b9;
  for (const w of words) h = fmix32((h ^ (w >>> 0)) + 0x7f4a7c15);
  const state: State = [0, 0, 0, 0];
  for (let i = 0; i < 4; i++) {
    h = fmix32(h + 0x9e3779b9 + i);
    state[i] = h;
  }
  if ((state[0] | state[1] | state[2] | state[3]) === 0) state[0] = 1; // all-zero is a fixed point
  return state;
}

/**
 * fromSplitMix32's seeding: four consecutive splitmix32 outputs. They come from four distinct
 * counter values through a bijection, so at most one is zero and the state is never all zero.
 */
function stateFromSplitMix32(seed: number): State {
  let x = seed >>> 0;
  const state: State = [0, 0, 0, 0];
  for (let i = 0; i < 4; i++) {
    x = (x + 0x9e3779b9) | 0;
    let z = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    state[i] = (z ^ (z >>> 16)) >>> 0;
  }
  return state;
}

/** FNV-1a over UTF-16 code units: turns a name into a 32-bit seed. */
function fnv1a32(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}

export class Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  private spareNormal: number | null = null;

  private constructor([s0, s1, s2, s3]: State) {
    this.s0 = s0 >>> 0;
    this.s1 = s1 >>> 0;
    this.s2 = s2 >>> 0;
    this.s3 = s3 >>> 0;
  }

  /**
   * The masking seed derivation. @param seedWords e.g. `[seed, epoch, exampleIndex]`: each
   * word is a finite number taken as ⌊|n|⌋ mod 2³² plus its high part (a seed above 2³²
   * differs from its low half).
   */
  static fromWords(...seedWords: number[]): Rng {
    const words: number[] = [];
    for (const w of seedWords) {
      if (!Number.isFinite(w)) throw new Error(`Rng seed word must be a finite number, got ${w}`);
      const n = Math.floor(Math.abs(w));
      words.push(n >>> 0, Math.floor(n / 4294967296) >>> 0);
    }
    return new Rng(stateFromWords(words));
  }

  /** The init and sampling seed derivation: one seed, taken mod 2³² (ToUint32). */
  static fromSplitMix32(seed: number): Rng {
    return new Rng(stateFromSplitMix32(seed));
  }

  /** A stream per name (e.g. `${seed}:${parameterName}`): fromSplitMix32(FNV-1a(text)). */
  static fromString(text: string): Rng {
    return Rng.fromSplitMix32(fnv1a32(text));
  }

  /** A generator with the given raw state (tests against reference implementations). */
  static fromState(s0: number, s1: number, s2: number, s3: number): Rng {
    return new Rng([s0, s1, s2, s3]);
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

  /** Uniform float in [0, 1) with 32 bits of resolution (one next()). */
  nextFloat(): number {
    return this.next() / 4294967296;
  }

  /** Uniform float in [0, 1) with 53 random bits (two next()). */
  uniform(): number {
    const high = this.next() >>> 5; // 27 bits
    const low = this.next() >>> 6; // 26 bits
    return (high * 67108864 + low) / 9007199254740992;
  }

  /** Standard normal (Box–Muller, the second value cached). */
  normal(): number {
    if (this.spareNormal !== null) {
      const value = this.spareNormal;
      this.spareNormal = null;
      return value;
    }
    let u = 0;
    while (u === 0) u = this.uniform();
    const v = this.uniform();
    const radius = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = radius * Math.sin(2 * Math.PI * v);
    return radius * Math.cos(2 * Math.PI * v);
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
