// Picking a run's checkpoint by best, last or step among real folders: the best by validation
// loss (else the last), and the two ways one is missing (not kept; deleted by hand) said apart.
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunCheckpoint } from '../../../src/shared/contract/runs';
import { pickCheckpoint } from '../../../src/main/services/runsCheckpoint';
import { tempDirs } from '../../support/tmp';

const tempDir = tempDirs('spanfill-runs-checkpoint-');

function checkpoints(dir: string, best: number | null): RunCheckpoint[] {
  return [10, 20, 30].map((step) => {
    const folder = path.join(dir, `step-000000${step}`);
    mkdirSync(folder, { recursive: true });
    return { step, path: folder, isBest: step === best, eval: null, createdAt: '' };
  });
}

describe('pickCheckpoint', () => {
  it('takes the best, else the last; the last; or a step', () => {
    const dir = tempDir();
    const list = checkpoints(dir, 20);
    expect(pickCheckpoint('r-1', list, 'best')).toBe(list[1].path);
    expect(pickCheckpoint('r-1', list, 'last')).toBe(list[2].path);
    expect(pickCheckpoint('r-1', list, 10)).toBe(list[0].path);
    expect(pickCheckpoint('r-1', checkpoints(tempDir(), null), 'best')).toMatch(/step-00000030$/);
  });

  it('says which steps it keeps for one it never kept, and where one deleted by hand was', () => {
    const dir = tempDir();
    const list = checkpoints(dir, 20);
    expect(() => pickCheckpoint('r-1', list, 15)).toThrow('Run r-1 has no checkpoint 15 (checkpoints: 10, 20, 30)');
    expect(() => pickCheckpoint('r-1', [], 'last')).toThrow('Run r-1 has no checkpoint last (checkpoints: none yet)');
    rmSync(list[1].path, { recursive: true });
    expect(() => pickCheckpoint('r-1', list, 'best')).toThrow(
      `Run r-1's checkpoint at step 20 is no longer on disk (${list[1].path}); it was deleted outside Spanfill`,
    );
  });
});
