// A tiny seeded random generator for generated test cases (mulberry32, a public-domain
// 32-bit generator by Tommy Ettinger): not for anything but spreading cases, so a failing
// case can be replayed from its seed.

/** Returns a function giving numbers in [0, 1), the same sequence for the same seed. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
