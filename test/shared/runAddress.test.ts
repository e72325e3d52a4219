// A run's address on the Train screen, read back whatever its id holds; a malformed or foreign
// hash names no run.
import { describe, expect, it } from 'vitest';
import { runFromHash, runHash } from '../../src/shared/runAddress';

describe('runAddress', () => {
  it("read a run's address back to its id", () => {
    expect(runHash('r-1a2b3c4d')).toBe('#/train/r-1a2b3c4d');
    for (const id of ['r-1a2b3c4d', 'a run/with ?odd #chars %', 'ünï']) expect(runFromHash(runHash(id))).toBe(id);
    expect(runFromHash('#/train/r-1/')).toBe('r-1');
  });

  it('name no run for other addresses or a malformed one', () => {
    for (const hash of ['#/train', '#/train/', '#/runs/r-1', '#/train/r-1/more', '#/train/%E0%A4%A', ''])
      expect(runFromHash(hash)).toBeUndefined();
  });
});
