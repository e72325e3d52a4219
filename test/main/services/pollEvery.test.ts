// pollEvery: looks again after a look that throws, and never keeps the process alive; goneFrom:
// what was seen and is gone, said once.
import { describe, expect, it } from 'vitest';
import { goneFrom, pollEvery } from '../../../src/main/services/pollEvery';

describe('pollEvery', () => {
  it('looks again after a look that throws, without holding the process open', async () => {
    let looks = 0;
    const timer = pollEvery(5, () => {
      looks += 1;
      if (looks === 1) throw new Error('SQLITE_BUSY: database is locked');
    });
    try {
      expect(timer.hasRef()).toBe(false);
      await new Promise((resolve) => setTimeout(resolve, 60));
      expect(looks).toBeGreaterThan(2);
    } finally {
      clearInterval(timer);
    }
  });
});

describe('goneFrom', () => {
  it('names the ids seen before and missing now, once', () => {
    const seen = new Map<string, unknown>([
      ['a', 1],
      ['b', 2],
      ['c', 3],
    ]);
    expect(goneFrom(seen, [{ id: 'b' }, { id: 'd' }])).toEqual(['a', 'c']);
    expect([...seen.keys()]).toEqual(['b']);
    expect(goneFrom(seen, [{ id: 'b' }])).toEqual([]);
  });
});
