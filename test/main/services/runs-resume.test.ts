// The runs service over a real engine host and store, where runs and processes meet: resumes
// and removals refused, saying why; a run resumed from its own checkpoint once the run it
// started from is removed; a data directory moved keeps its runs; a second trainer on the same
// data directory is refused naming the process that holds it. (The rest: runs.test.ts.)
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../src/shared/errors';
import { trainerLockPath } from '../../../src/main/services/runsLock';
import { deadPid } from '../../support/processes';
import { reached, runsServiceKit, smallRunConfig } from './runs-support';

const { tempDir, opened, open, setUp } = runsServiceKit();

const base = smallRunConfig;

describe('runs service: a data directory moved', () => {
  it('keeps its runs: their checkpoints are found, resumed from and pruned in the new place', async () => {
    const { app, datasetId, dataDir } = await setUp();
    const started = await app.runs.start(base(datasetId, { maxSteps: 40, checkpointEvery: 4, keepLast: 2 }));
    await reached(app, 'runs.checkpoint', 8);
    const paused = await app.runs.pause(started.id);
    await app.close();
    opened.splice(0);
    const moved = join(tempDir(), 'moved');
    renameSync(dataDir, moved);

    const again = open(moved);
    const kept = again.runs.checkpoints(started.id);
    expect(kept.map((c) => c.step)).toContain(paused.step);
    for (const checkpoint of kept) expect(checkpoint.path.startsWith(join(moved, 'runs', started.id))).toBe(true);
    expect(existsSync(again.runs.checkpointPath(started.id, 'last'))).toBe(true);
    await again.runs.resume(started.id);
    expect(await again.runs.wait(started.id)).toMatchObject({ status: 'completed', step: 40 });
    // Those pruned on the way (before and after the move) are forgotten, the others are there.
    const last = again.runs.checkpoints(started.id);
    expect(last.length).toBeLessThanOrEqual(3);
    expect(last.at(-1)?.step).toBe(40);
    for (const checkpoint of last) expect(existsSync(checkpoint.path)).toBe(true);
    // One deleted by hand is said to be gone, not missing from the list it is in.
    rmSync(last.at(-1)!.path, { recursive: true });
    expect(() => again.runs.checkpointPath(started.id, 'last')).toThrow(
      `Run ${started.id}'s checkpoint at step 40 is no longer on disk (${last.at(-1)!.path}); it was deleted outside Spanfill`,
    );
  });
});

describe('runs service: processes', () => {
  it('refuses to resume a run whose dataset was removed, saying why', async () => {
    const { app, datasetId } = await setUp();
    app.runs.repo.add({ id: 'r-orphan', name: 'x', config: base(datasetId), totalSteps: 10, status: 'stopped' });
    app.datasets.remove(datasetId);
    expect(app.runs.get('r-orphan').datasetId).toBeNull();
    await expect(app.runs.resume('r-orphan')).rejects.toThrow(
      new ApiError('conflict', `Run r-orphan cannot be resumed: the dataset it trained on (${datasetId}) was removed.`),
    );
    expect(app.runs.get('r-orphan').status).toBe('stopped');
  });

  it("refuses to resume a run whose provider does not load here as the store's state, saying how to go on", async () => {
    const { app, datasetId } = await setUp();
    app.runs.repo.add({
      id: 'r-dml',
      name: 'x',
      config: base(datasetId, { provider: 'dml' }),
      totalSteps: 10,
      status: 'stopped',
    });
    // The run's own provider, not the caller's argument (runs resume takes none): the CLI exits 1.
    await expect(app.runs.resume('r-dml')).rejects.toMatchObject({
      code: 'invalid_input',
      message: expect.stringMatching(
        /^provider 'dml' is not available on this machine.*; a run resumes on the provider it trained on: to go on here, start a new run from its last checkpoint \(Train → Base model\) with provider cpu/,
      ),
    });
    expect(app.runs.get('r-dml').status).toBe('stopped');
  });

  it('refuses to resume a run whose loss stopped being finite, saying how to go on', async () => {
    const { app, datasetId } = await setUp();
    app.runs.repo.add({ id: 'r-nan', name: 'x', config: base(datasetId), totalSteps: 10, status: 'queued' });
    const error = 'The training loss became not a number (NaN) at step 3: training diverged. It saved no checkpoint; …';
    app.runs.repo.setStatus('r-nan', 'failed', { error });
    await expect(app.runs.resume('r-nan')).rejects.toThrow(
      new ApiError(
        'conflict',
        'Run r-nan is not resumed: its training loss stopped being finite, and a resume would replay the same steps ' +
          `to the same end. Start a new run with a lower learning rate (lr, ${base(datasetId).lr} in this run; ` +
          'gradient clipping was on, clipNorm 1).',
      ),
    );
    expect(app.runs.get('r-nan')).toMatchObject({ status: 'failed', error });
  });

  it('does not delete a run while another trains from one of its checkpoints', async () => {
    const { app, datasetId, dataDir } = await setUp();
    app.runs.repo.add({ id: 'r-a', name: 'a', config: base(datasetId), totalSteps: 10, status: 'completed' });
    const checkpoint = join(dataDir, 'runs', 'r-a', 'checkpoints', 'step-00000010');
    const config = { ...base(datasetId), model: checkpoint };
    app.runs.repo.add({ id: 'r-b', name: 'b', config, totalSteps: 10, status: 'queued' });
    app.runs.repo.setStatus('r-b', 'running', { ownerPid: process.pid });
    expect(() => app.runs.remove('r-a')).toThrow(
      new ApiError(
        'conflict',
        'Run r-b ("b") is training from a checkpoint of run r-a; stop it first (or let it finish). ' +
          'Each checkpoint it saves copies the tokenizer files of the model it trains from.',
      ),
    );
    app.runs.repo.setStatus('r-b', 'stopped');
    expect(app.runs.remove('r-a')).toEqual({ id: 'r-a', removed: true });
  });

  it('resumes a run from its own checkpoint when the run it started from was removed', async () => {
    const { app, datasetId } = await setUp();
    const first = await app.runs.start(base(datasetId, { maxSteps: 4 }));
    await app.runs.wait(first.id);
    const from = app.runs.checkpointPath(first.id, 'last');
    const config = { model: from, maxSteps: 24, checkpointEvery: 4, keepLast: 1, evalEvery: 0 };
    const second = await app.runs.start(base(datasetId, config));
    await reached(app, 'runs.checkpoint', 8);
    await app.runs.pause(second.id);
    app.runs.remove(first.id);
    await app.runs.resume(second.id);
    // keepLast 1 prunes the checkpoint it resumed from: later ones still get their tokenizer files.
    expect(await app.runs.wait(second.id)).toMatchObject({ status: 'completed', step: 24, model: from });
    expect(existsSync(join(app.runs.checkpointPath(second.id, 'last'), 'tokenizer.json'))).toBe(true);
  });

  it('says why a run that started from a removed run and saved no checkpoint cannot be resumed', async () => {
    const { app, datasetId, dataDir } = await setUp();
    const gone = join(dataDir, 'runs', 'r-gone', 'checkpoints', 'step-00000010');
    const config = { ...base(datasetId), model: gone };
    app.runs.repo.add({ id: 'r-b', name: 'b', config, totalSteps: 10, status: 'stopped' });
    await expect(app.runs.resume('r-b')).rejects.toThrow(
      new ApiError(
        'conflict',
        'Run r-b cannot be resumed: it saved no checkpoint, and the checkpoint it started from (run r-gone, ' +
          'step 10) was removed. Start a new run.',
      ),
    );
    expect(app.runs.get('r-b').status).toBe('stopped');
  });

  it('refuses a second trainer on the same data directory, naming the process and its run', async () => {
    const { app, datasetId, dataDir } = await setUp();
    mkdirSync(join(dataDir, 'runs'), { recursive: true });
    writeFileSync(trainerLockPath(dataDir), JSON.stringify({ pid: process.ppid }));
    await expect(app.runs.start(base(datasetId))).rejects.toThrow(
      new RegExp(`Another trainer is running on this data directory \\(pid ${process.ppid}\\)`),
    );
    expect(app.runs.list()).toEqual([]);
    // The run that process trains, where the store has it, by id and name, and how to stop it.
    app.runs.repo.add({ id: 'r-other', name: 'other', config: base(datasetId), totalSteps: 10, status: 'queued' });
    app.runs.repo.setStatus('r-other', 'running', { ownerPid: process.ppid });
    await expect(app.runs.start(base(datasetId))).rejects.toThrow(
      new ApiError(
        'conflict',
        `Run r-other ("other") is training on this data directory (pid ${process.ppid}); one run trains at a ` +
          'time: wait for it, or stop it (Runs screen, or `spanfill runs stop r-other`)',
      ),
    );
    // A resume that has taken the lock but not yet marked its run running: named from the lock.
    app.runs.repo.setStatus('r-other', 'interrupted');
    writeFileSync(trainerLockPath(dataDir), JSON.stringify({ pid: process.ppid, runId: 'r-other' }));
    await expect(app.runs.resume('r-other')).rejects.toThrow(
      new ApiError(
        'conflict',
        `Run r-other ("other") is starting to train on this data directory (pid ${process.ppid}); one run trains ` +
          'at a time: wait for it, or stop it (Runs screen, or `spanfill runs stop r-other`)',
      ),
    );
    app.runs.repo.setStatus('r-other', 'stopped');
    writeFileSync(trainerLockPath(dataDir), JSON.stringify({ pid: deadPid() })); // stale: taken over
    const started = await app.runs.start(base(datasetId, { maxSteps: 2 }));
    expect((await app.runs.wait(started.id)).status).toBe('completed');
  });
});
