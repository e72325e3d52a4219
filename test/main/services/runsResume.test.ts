// Resuming a run whose checkpoints are damaged, over a real engine host and store: the newest
// checkpoint that reads whole is resumed from and the newer ones are named with what is wrong
// (a corrupt trainer_state.json, a truncated model.safetensors), left on disk for the person to
// remove and replaced if training saves their step again; with none that reads, resume is
// refused until asked to start from step 0; a checkpoint that passes the checks but does not
// load (a tensor renamed, NaN weights) fails the run naming the folder to remove, not as
// diverged; runs.get marks checkpoints unreadable and missing.
import { readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../src/shared/errors';
import type { AppServices } from '../../../src/main/services/app';
import {
  checkpointDirName,
  OPTIMIZER_FILE,
  scanCheckpoints,
  TRAINER_STATE_FILE,
} from '../../../src/main/engine/train/checkpoint';
import { resumeNotices } from '../../../src/main/services/runsResume';
import { deadPid } from '../../support/processes';
import { runsServiceKit, smallRunConfig } from './runs-support';

const { setUp } = runsServiceKit();

/** What the tester wrote into a trainer_state.json. */
const GARBAGE = '{"step": 1, "garbage';
/** What JSON.parse says of it on this Node. */
const garbageError = ((): string => {
  try {
    JSON.parse(GARBAGE);
  } catch (error) {
    return (error as Error).message;
  }
  return '';
})();

/** A run trained to `maxSteps` with a checkpoint every 4 steps, then marked stopped (so it can be resumed). */
async function stoppedRun(app: AppServices, datasetId: string, maxSteps: number): Promise<string> {
  const started = await app.runs.start(smallRunConfig(datasetId, { maxSteps, keepLast: 5, evalEvery: 0 }));
  expect(await app.runs.wait(started.id)).toMatchObject({ status: 'completed', step: maxSteps });
  app.runs.repo.setStatus(started.id, 'stopped');
  return started.id;
}

const folderOf = (app: AppServices, id: string, step: number): string =>
  join(app.runs.checkpointDir(id), checkpointDirName(step));

/** Truncates a checkpoint's model.safetensors to half; its reason as runs show says it. */
function truncateModel(dir: string): string {
  const model = join(dir, 'model.safetensors');
  const size = statSync(model).size;
  const half = Math.floor(size / 2);
  truncateSync(model, half);
  return `model.safetensors is truncated (${half.toLocaleString('en')} of ${size.toLocaleString('en')} bytes)`;
}

describe('resuming past unreadable checkpoints', () => {
  it('resumes from the newest that reads, naming the newer ones, and replaces them as it saves their steps', async () => {
    const { app, datasetId } = await setUp();
    const id = await stoppedRun(app, datasetId, 12);
    const [eight, twelve] = [folderOf(app, id, 8), folderOf(app, id, 12)];
    writeFileSync(join(eight, TRAINER_STATE_FILE), GARBAGE);
    const truncated = truncateModel(twelve);
    expect(app.runs.get(id).checkpointProblems).toEqual([
      { step: 8, path: eight, kind: 'unreadable', reason: `trainer_state.json is not valid JSON (${garbageError})` },
      { step: 12, path: twelve, kind: 'unreadable', reason: truncated },
    ]);

    const resumed = await app.runs.resume(id);
    expect(resumed.step).toBe(4);
    expect(resumed.notices).toEqual([
      `step 8's trainer_state.json is not valid JSON (${garbageError}); step 12's ${truncated}; resuming from step 4. ` +
        `The unreadable folders are left in ${app.runs.checkpointDir(id)} for you to remove; training replaces one ` +
        'only if it saves a checkpoint at its step again.',
    ]);
    expect(await app.runs.wait(id)).toMatchObject({ status: 'completed', step: 12 });
    // The new checkpoints took the unreadable folders' places.
    const scan = scanCheckpoints(app.runs.checkpointDir(id));
    expect(scan.unreadable).toEqual([]);
    expect(scan.whole.map((c) => c.step)).toEqual([4, 8, 12]);
    expect(app.runs.get(id).checkpointProblems).toEqual([]);
    expect(app.runs.checkpoints(id).map((c) => c.step)).toEqual([4, 8, 12]);
  });

  it('refuses when none reads, naming each, and starts again from step 0 when asked to', async () => {
    const { app, datasetId } = await setUp();
    const id = await stoppedRun(app, datasetId, 8);
    const [four, eight] = [folderOf(app, id, 4), folderOf(app, id, 8)];
    writeFileSync(join(four, TRAINER_STATE_FILE), GARBAGE);
    const truncated = truncateModel(eight);
    const root = app.runs.checkpointDir(id);
    await expect(app.runs.resume(id)).rejects.toThrow(
      new ApiError(
        'conflict',
        `Run ${id} has no checkpoint that can be read: step 4's trainer_state.json is not valid JSON (${garbageError}); ` +
          `step 8's ${truncated}. Their folders are kept in ${root}. Start it again from step 0 ` +
          `(in a terminal: \`spanfill runs resume ${id} --from-start\`), or first put a readable copy of one back.`,
      ),
    );
    expect(app.runs.get(id).status).toBe('stopped');
    expect(scanCheckpoints(root).unreadable.map((c) => c.step)).toEqual([4, 8]);

    const again = await app.runs.resume(id, undefined, { fromStart: true });
    expect(again.step).toBe(0);
    expect(again.notices[0]).toMatch(/; starting again from step 0\. The unreadable folders are left in /);
    expect(await app.runs.wait(id)).toMatchObject({ status: 'completed', step: 8 });
    expect(scanCheckpoints(root).whole.map((c) => c.step)).toEqual([4, 8]);
    // Starting again is only for a run none of whose checkpoints reads.
    app.runs.repo.setStatus(id, 'stopped');
    await expect(app.runs.resume(id, undefined, { fromStart: true })).rejects.toThrow(
      /has a checkpoint that reads \(step 8\): Resume continues from it/,
    );
  });

  it('fails a checkpoint whose weights hold NaN (same length) as damaged, not diverged, and goes back past it', async () => {
    const { app, datasetId } = await setUp();
    const id = await stoppedRun(app, datasetId, 12);
    rmSync(folderOf(app, id, 12), { recursive: true }); // so that steps are left to train after step 8
    const eight = folderOf(app, id, 8);
    const model = join(eight, 'model.safetensors');
    const bytes = readFileSync(model);
    bytes.fill(0xff, bytes.length - 4000); // NaNs where numbers were, the length unchanged
    writeFileSync(model, bytes);
    expect(app.runs.get(id).checkpointProblems.filter((p) => p.kind === 'unreadable')).toEqual([]); // quick checks pass
    expect((await app.runs.resume(id)).step).toBe(8);
    const failed = await app.runs.wait(id);
    expect(failed).toMatchObject({ status: 'failed' });
    expect(failed.error).toMatch(
      new RegExp(
        `^The checkpoint ${eight} could not be loaded: its model\\.safetensors holds 1,000 values that are not ` +
          `finite \\(NaN or infinite\\), the first in '[^']+'; training cannot go on from them\\. Its checkpoints ` +
          `are kept\\. To go back to step 4, remove the folder ${eight} `,
      ),
    );
    expect(failed.error).not.toMatch(/diverged|learning rate/);
    rmSync(eight, { recursive: true });
    expect((await app.runs.resume(id)).step).toBe(4); // resumable: not refused as diverged
    expect(await app.runs.wait(id)).toMatchObject({ status: 'completed', step: 12 });
  });

  it('blames a checkpoint whose finite weights give a loss that is not finite at once, not the settings', async () => {
    const { app, datasetId } = await setUp();
    const id = await stoppedRun(app, datasetId, 12);
    rmSync(folderOf(app, id, 12), { recursive: true });
    const eight = folderOf(app, id, 8);
    const model = join(eight, 'model.safetensors');
    const bytes = readFileSync(model);
    // Finite but huge numbers where the last 1,000 weights were (float32's largest, little-endian):
    // they pass the load's check, and the first step's loss overflows.
    const huge = Buffer.alloc(4);
    huge.writeFloatLE(3.4e38);
    for (let at = bytes.length - 4000; at < bytes.length; at += 4) huge.copy(bytes, at);
    writeFileSync(model, bytes);
    expect((await app.runs.resume(id)).step).toBe(8);
    const failed = await app.runs.wait(id);
    expect(failed).toMatchObject({ status: 'failed' });
    expect(failed.error).toMatch(
      new RegExp(
        `at step 9, the first step after resuming from ${eight}, which the same settings reached with finite ` +
          `losses: its weights or optimizer state may have been damaged after it was written\\. Its checkpoints are ` +
          `kept\\. To go back to step 4, remove the folder ${eight} `,
      ),
    );
    expect(failed.error).not.toMatch(/diverged|learning rate/);
    rmSync(eight, { recursive: true });
    expect((await app.runs.resume(id)).step).toBe(4); // resumable: not refused as diverged
    expect(await app.runs.wait(id)).toMatchObject({ status: 'completed', step: 12 });
  });

  it('fails a checkpoint that does not load naming the folder to remove, and marks a deleted one missing', async () => {
    const { app, datasetId } = await setUp();
    const id = await stoppedRun(app, datasetId, 8);
    const [four, eight] = [folderOf(app, id, 4), folderOf(app, id, 8)];
    // The same length, a tensor's name changed: only loading it finds that.
    const model = join(eight, 'model.safetensors');
    writeFileSync(model, readFileSync(model, 'latin1').replace('shared.weight', 'shared.wEight'), 'latin1');
    expect(app.runs.get(id).checkpointProblems).toEqual([]);
    await app.runs.resume(id);
    const failed = await app.runs.wait(id);
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatch(new RegExp(`^The checkpoint ${eight} could not be loaded: `));
    expect(failed.error).toContain(
      `Its checkpoints are kept. To go back to step 4, remove the folder ${eight} (or move it out of that folder ` +
        `to keep it); then Resume (in a terminal: \`spanfill runs resume ${id}\`) continues from step 4`,
    );

    rmSync(four, { recursive: true });
    expect(app.runs.get(id).checkpointProblems).toEqual([
      { step: 4, path: four, kind: 'missing', reason: 'its folder was deleted outside Spanfill' },
    ]);
  });
});

describe('resuming from a checkpoint whose optimizer state does not load', () => {
  it('fails naming the folder to remove, as for its weights, not to resume from it again', async () => {
    const { app, datasetId } = await setUp();
    const id = await stoppedRun(app, datasetId, 8);
    const eight = folderOf(app, id, 8);
    // A slot's name changed in the header (the same length): only setting the state finds that.
    const optimizer = join(eight, OPTIMIZER_FILE);
    writeFileSync(optimizer, readFileSync(optimizer, 'latin1').replace('opt.', 'opX.'), 'latin1');
    expect(app.runs.get(id).checkpointProblems).toEqual([]);
    await app.runs.resume(id);
    const failed = await app.runs.wait(id);
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatch(
      new RegExp(`^The checkpoint ${eight} could not be loaded: setState\\(\\): missing 'opt\\.`),
    );
    expect(failed.error).toContain(
      `Its checkpoints are kept. To go back to step 4, remove the folder ${eight} (or move it out of that folder ` +
        `to keep it); then Resume (in a terminal: \`spanfill runs resume ${id}\`) continues from step 4`,
    );
  });
});

describe('resuming a run whose checkpoints were deleted outside Spanfill', () => {
  it.each([
    ['its checkpoints folder', (app: AppServices, id: string) => app.runs.checkpointDir(id)],
    ['its run folder', (app: AppServices, id: string) => join(app.runs.checkpointDir(id), '..')],
  ])('refuses when %s is gone, keeping its history, and starts again when asked to', async (_, folder) => {
    const { app, datasetId } = await setUp();
    const id = await stoppedRun(app, datasetId, 8);
    const before = app.runs.repo.metrics(id);
    rmSync(folder(app, id), { recursive: true });
    // A kill left it running: marking it interrupted puts its rows right from its folder.
    app.runs.repo.setStatus(id, 'running', { ownerPid: deadPid(), step: 8 });
    expect(app.runs.recoverInterrupted()).toEqual([id]);
    expect(app.runs.get(id).checkpointProblems.map((p) => [p.step, p.kind])).toEqual([
      [4, 'missing'],
      [8, 'missing'],
    ]);
    await expect(app.runs.resume(id)).rejects.toThrow(
      `Run ${id} has no checkpoint that can be read: step 4's folder is gone (deleted outside Spanfill); step 8's ` +
        'folder is gone (deleted outside Spanfill). Start it again from step 0',
    );
    expect(app.runs.repo.metrics(id)).toEqual(before);
    expect(app.runs.get(id)).toMatchObject({ status: 'interrupted', step: 8 });

    expect((await app.runs.resume(id, undefined, { fromStart: true })).step).toBe(0);
    expect(await app.runs.wait(id)).toMatchObject({ status: 'completed', step: 8 });
    expect(app.runs.checkpoints(id).map((c) => c.step)).toEqual([4, 8]);
    expect(app.runs.get(id).checkpointProblems).toEqual([]);
  });
});

describe('resumeNotices', () => {
  const unreadable = (step: number) =>
    ({ step, path: `/r/step-${step}`, kind: 'unreadable', reason: 'config.json is missing' }) as const;
  const missing = {
    step: 30,
    path: '/r/step-30',
    kind: 'missing',
    reason: 'its folder was deleted outside Spanfill',
  } as const;

  it('names only the checkpoints newer than the one resumed from, a missing one as gone', () => {
    expect(resumeNotices('r-1', '/r', [unreadable(10), unreadable(20), missing], 15, false)).toEqual([
      "step 20's config.json is missing; step 30's folder is gone (deleted outside Spanfill); resuming from step 15. " +
        'The unreadable folder /r/step-20 is left for you to remove; training replaces it only if it saves a ' +
        'checkpoint at step 20 again.',
    ]);
    expect(resumeNotices('r-1', '/r', [unreadable(10)], 15, false)).toEqual([]);
    // Only missing ones, none left to read: refused as with unreadable ones, until asked to start again.
    expect(() => resumeNotices('r-1', '/r', [missing], undefined, false)).toThrow(
      new ApiError(
        'conflict',
        "Run r-1 has no checkpoint that can be read: step 30's folder is gone (deleted outside Spanfill). " +
          'Start it again from step 0 (in a terminal: `spanfill runs resume r-1 --from-start`), or first put a ' +
          'readable copy of one back.',
      ),
    );
    expect(resumeNotices('r-1', '/r', [missing], undefined, true)).toEqual([
      "step 30's folder is gone (deleted outside Spanfill); starting again from step 0.",
    ]);
  });
});
