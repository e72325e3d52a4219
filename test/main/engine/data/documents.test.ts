// Document hashing and the 64-bit hash set that drops repeated documents on import.
import { describe, expect, it } from 'vitest';
import { HashSet64, hashDocument } from '../../../../src/main/engine/data/documents';

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
