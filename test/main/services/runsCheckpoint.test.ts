// Picking a run's checkpoint by best, last or step among real folders: the best by validation
// loss (else the last), and the two ways one is missing (not kept; deleted by hand) said apart;
// picked again while its run trains: best or last from disk, a step pruned meanwhile said so. A
// pick that is gone or unreadable says which checkpoints read instead.
import { rmSync, truncateSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkpointPicker, pickCheckpoint } from '../../../src/main/services/runsCheckpoint';
import { checkpointDirName } from '../../../src/main/engine/train/checkpoint';
import { ApiError } from '../../../src/shared/errors';
import { tempDirs } from '../../support/tmp';
import { checkpoints } from './runsCheckpoint-support';
import { fakeCheckpoint } from './runs-support';

const tempDir = tempDirs('spanfill-runs-checkpoint-');

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

describe('checkpointPicker', () => {
  /**
   * Run r-1 with whole checkpoints on disk at the steps of `onDisk` (their validation losses), the
   * store's rows at `listed`, and its keepLast while it trains (undefined: it does not).
   */
  function run(onDisk: Record<number, number | null>, listed: readonly number[], keepLast: number | undefined) {
    const folder = path.join(tempDir(), 'checkpoints');
    const at = (step: number) => path.join(folder, checkpointDirName(step));
    for (const [step, loss] of Object.entries(onDisk)) fakeCheckpoint(at(Number(step)), Number(step), loss);
    const rows = listed.map((step) => ({ step, path: at(step), isBest: false, eval: null, createdAt: '' }));
    return { source: { runId: 'r-1', rows: () => rows, folder, keptWhileTraining: () => keepLast }, at };
  }

  it("picks the store's while it is on disk; while the run trains, best or last on disk once it is not", () => {
    // Its trainer saved 6 (the best) and 8 and pruned 2 and 4; the store has heard of 6 only.
    const { source, at } = run({ 6: 2.5, 8: 3 }, [2, 4, 6], 1);
    expect(checkpointPicker(source, 'last')(false)).toBe(at(6));
    expect(checkpointPicker(source, 'last')(true)).toBe(at(8)); // 6 went before it was linked: the disk's
    expect(checkpointPicker(source, 'best')(true)).toBe(at(6));
    const { source: behind, at: atBehind } = run({ 6: 2.5, 8: 3 }, [2, 4], 1);
    expect(checkpointPicker(behind, 'last')(false)).toBe(atBehind(8));
    expect(checkpointPicker(behind, 'best')(false)).toBe(atBehind(6));
  });

  it('says a step the store listed was pruned as it was read; one not yet in the store is read', () => {
    const { source, at } = run({ 6: null, 8: null }, [4, 6], 2);
    const pruned = new ApiError(
      'not_found',
      "Run r-1's checkpoint at step 4 was deleted while it was being read: the run is training and keeps only " +
        'its best checkpoint and its newest 2 (keepLast 2); its checkpoints now: 6, 8',
    );
    expect(() => checkpointPicker(source, 4)(false)).toThrow(pruned);
    expect(() => checkpointPicker(source, 4)(true)).toThrow(pruned);
    expect(checkpointPicker(source, 8)(false)).toBe(at(8));
    for (const isAgain of [false, true])
      expect(() => checkpointPicker(source, 5)(isAgain)).toThrow('Run r-1 has no checkpoint 5 (checkpoints: 4, 6)');
  });

  it("keeps to the store's picks for a run that does not train: one gone was deleted outside Spanfill", () => {
    const { source } = run({ 6: null, 8: null }, [2, 4], undefined);
    for (const which of ['last', 'best', 4] as const)
      for (const isAgain of [false, true])
        expect(() => checkpointPicker(source, which)(isAgain)).toThrow(
          /step 4 is no longer on disk .*outside Spanfill; choose one that reads: step 8, 6 \(in a terminal: `--checkpoint 8`\)$/,
        );
  });

  it('says of an unreadable pick what is wrong and which to choose instead, not only once loading fails', () => {
    const { source, at } = run({ 10: 2, 20: 1.5 }, [10, 20], undefined);
    truncateSync(path.join(at(20), 'model.safetensors'), 4);
    for (const which of ['last', 'best', 20] as const)
      expect(() => checkpointPicker(source, which)(false)).toThrow(
        /^Run r-1's checkpoint at step 20 cannot be read: model\.safetensors .*; choose one that reads: step 10 \(in a terminal: `--checkpoint 10`\)$/,
      );
    expect(checkpointPicker(source, 10)(false)).toBe(at(10));
    rmSync(at(10), { recursive: true });
    expect(() => checkpointPicker(source, 'best')(false)).toThrow(
      /cannot be read: .*; it has no other checkpoint that reads$/,
    );
  });
});
