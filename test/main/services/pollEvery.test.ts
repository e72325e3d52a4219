// pollEvery: looks again after a look that throws, and never keeps the process alive.
import { describe, expect, it } from 'vitest';
import { pollEvery } from '../../../src/main/services/pollEvery';

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
