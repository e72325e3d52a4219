// A run whose engine host dies mid-run (SIGKILL of the host's pid, as the OS's out-of-memory
// killer would): the run becomes failed with a message that says the engine host stopped and
// what to try, every checkpoint written before stays listed and loadable, and the run resumes
// from its last checkpoint to the end in a fresh host. One that dies before its first
// checkpoint says it saved none and that Resume starts it over; `spanfill runs resume` says so.
// A store that cannot be written mid-run (a full disk) fails the run with that cause; a resume
// drops the points a killed process stored past the checkpoint it goes on from.
import { afterEach, describe, expect, it } from 'vitest';
import type { EventMap } from '../../../src/shared/events';
import { loadT5Config } from '../../../src/main/engine/t5/config';
import { readCheckpoint } from '../../../src/main/engine/train/checkpoint';
import { AppServices } from '../../../src/main/services/app';
import { tempDirs } from '../../support/tmp';
import { importTexts, KILL_TEXTS, spanfillIn, SPM } from '../cli/commands/train-support';
import { smallRunConfig } from './runs-support';

const tempDir = tempDirs('spanfill-runs-failed-');
const opened: AppServices[] = [];
afterEach(async () => {
  for (const app of opened.splice(0)) await app.close();
});

describe('runs service: the engine host dies mid-run', () => {
  it('marks the run failed with what to try, keeps every checkpoint, and resumes from the last', async () => {
    const dataDir = tempDir();
    const datasetId = await importTexts(dataDir, KILL_TEXTS);
    const app = new AppServices({ dataDir, env: {} });
    opened.push(app);
    const config = smallRunConfig(datasetId, { maxSteps: 400, checkpointEvery: 2, keepLast: 100, evalEvery: 0 });
    const started = await app.runs.start(config);
    // Kill once a few checkpoints are stored, well before the end.
    await new Promise<void>((resolve) => {
      const off = app.events.subscribe((name, payload) => {
        if (name === 'runs.checkpoint' && (payload as EventMap['runs.checkpoint']).step >= 6) {
          off();
          resolve();
        }
      });
    });
    const hostPid = app.runs.repo.get(started.id)?.hostPid;
    expect(hostPid).toBeGreaterThan(0);
    process.kill(hostPid as number, 'SIGKILL');
    const failed = await app.runs.wait(started.id);

    expect(failed.status).toBe('failed');
    expect(failed.step).toBeLessThan(400);
    expect(failed.error).toMatch(/^The engine host was killed by SIGKILL/);
    expect(failed.error).toMatch(/The engine host stopped while training/);
    expect(failed.error).toMatch(/Its checkpoints are kept/);
    // It trained on the CPU (smallRunConfig): the CPU is not offered as a way out.
    expect(failed.error).toMatch(
      /Should it stop again, .*: start a new run with a smaller Batch size \(--batch-size\) or a shorter Input length/,
    );
    expect(failed.error).not.toMatch(/provider cpu/);
    expect(failed.error).toContain(`spanfill runs resume ${started.id}`);

    const kept = app.runs.checkpoints(started.id);
    expect(kept.length).toBeGreaterThanOrEqual(3);
    expect(kept.map((c) => c.step)).toEqual(kept.map((_, i) => 2 * (i + 1))); // 2, 4, 6, …: none lost
    const modelConfig = loadT5Config(SPM);
    for (const checkpoint of kept) {
      expect(readCheckpoint(checkpoint.path, modelConfig).state.step, checkpoint.path).toBe(checkpoint.step);
    }
    const lastKept = kept.at(-1)?.step ?? 0;

    const resumed = await app.runs.resume(started.id);
    expect(resumed.status).toBe('queued'); // its trainer starting; running once it has
    expect(kept.map((c) => c.step)).toContain(resumed.step); // a checkpoint's step, where it goes on from
    await new Promise<void>((resolve) => {
      const off = app.events.subscribe((name, payload) => {
        if (name === 'runs.progress' && (payload as EventMap['runs.progress']).step >= lastKept + 4) {
          off();
          resolve();
        }
      });
    });
    const stopped = await app.runs.stop(started.id);
    expect(stopped).toMatchObject({ status: 'stopped', error: null });
    expect(stopped.step).toBeGreaterThanOrEqual(lastKept + 4);
    const after = app.runs.checkpoints(started.id).map((c) => c.step);
    expect(after.slice(0, kept.length)).toEqual(kept.map((c) => c.step));
    expect(after.at(-1)).toBe(stopped.step);
  }, 120_000);

  it('says a run that dies before its first checkpoint saved none, and that Resume starts over', async () => {
    const dataDir = tempDir();
    const datasetId = await importTexts(dataDir, KILL_TEXTS);
    const app = new AppServices({ dataDir, env: {} });
    opened.push(app);
    const config = smallRunConfig(datasetId, { maxSteps: 100, checkpointEvery: 0, evalEvery: 0 });
    const started = await app.runs.start(config);
    await new Promise<void>((resolve) => {
      const off = app.events.subscribe((name) => {
        if (name === 'runs.progress') {
          off();
          resolve();
        }
      });
    });
    process.kill(app.runs.repo.get(started.id)?.hostPid as number, 'SIGKILL');
    const failed = await app.runs.wait(started.id);
    expect(failed.status).toBe('failed');
    expect(app.runs.checkpoints(started.id)).toEqual([]);
    expect(failed.error).toMatch(/The engine host stopped while training .*\. It saved no checkpoint; Resume /);
    expect(failed.error).toContain(
      `Resume (in a terminal: \`spanfill runs resume ${started.id}\`) continues from the beginning. Should it stop again`,
    );
    // Resumed (here by the CLI), it says where it goes on from: the beginning, not the last
    // step it recorded, and trains to the end.
    expect(failed.step).toBeGreaterThan(0);
    await opened.splice(0).at(0)?.close();
    const resumed = await spanfillIn(dataDir, ['runs', 'resume', started.id]);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toContain(`run ${started.id}: no checkpoint to resume from, starting again at step 0/100\n`);
    expect(resumed.stderr).toMatch(/\ncompleted at step 100\/100\n/);
  }, 120_000);
});

describe('runs service: the store cannot be written mid-run (a full disk)', () => {
  const full = (): Error => Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });

  async function startRun() {
    const dataDir = tempDir();
    const datasetId = await importTexts(dataDir, KILL_TEXTS);
    const app = new AppServices({ dataDir, env: {} });
    opened.push(app);
    const config = smallRunConfig(datasetId, { maxSteps: 400, checkpointEvery: 4, evalEvery: 0 });
    return { app, started: await app.runs.start(config) };
  }

  it('stops the run and marks it failed with the cause, nothing thrown out of an event handler', async () => {
    const { app, started } = await startRun();
    const repo = app.runs.repo;
    const setProgress = repo.setProgress.bind(repo);
    let calls = 0;
    repo.setProgress = (...args) => {
      calls += 1;
      if (calls > 3) throw full();
      setProgress(...args);
    };
    const ended = await app.runs.wait(started.id);
    expect(ended.status).toBe('failed');
    expect(ended.step).toBeLessThan(400);
    expect(ended.error).toMatch(/^The disk is full\. Its checkpoints are kept; /);
  });

  it('rejects the wait with the cause when even the failed status cannot be stored', async () => {
    const { app, started } = await startRun();
    const repo = app.runs.repo;
    const setStatus = repo.setStatus.bind(repo);
    repo.addMetrics = () => {
      throw full();
    };
    repo.setStatus = (id, status, update) => {
      if (status === 'failed') throw full();
      return setStatus(id, status, update);
    };
    await expect(app.runs.wait(started.id)).rejects.toThrow(/^The disk is full\. /);
    // Left 'running' by this process: the next process to open the store marks it interrupted.
    expect(repo.get(started.id)?.status).toBe('running');
  });
});

describe('runs service: a resume after a process died between checkpoints', () => {
  it('drops the points stored past the checkpoint it goes on from, which it trains again', async () => {
    const dataDir = tempDir();
    const datasetId = await importTexts(dataDir, KILL_TEXTS);
    const app = new AppServices({ dataDir, env: {} });
    opened.push(app);
    const config = smallRunConfig(datasetId, { maxSteps: 40, checkpointEvery: 0, evalEvery: 0 });
    const started = await app.runs.start(config);
    const paused = await app.runs.pause(started.id);
    // As a killed process leaves them: points of steps after the last checkpoint.
    const stale = [1, 2, 3].map((n) => ({ step: paused.step + n, name: 'loss', value: 999 }));
    app.runs.repo.addMetrics(started.id, [...stale, { step: paused.step + 2, name: 'eval.loss', value: 999 }]);
    await app.runs.resume(started.id);
    const values = (): number[] => [...app.runs.repo.metrics(started.id).values()].flatMap((series) => series.values);
    expect(values()).not.toContain(999);
    expect(await app.runs.wait(started.id)).toMatchObject({ status: 'completed', step: 40 });
    expect(app.runs.repo.metrics(started.id).get('loss')?.steps).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    expect(values()).not.toContain(999);
  });
});
