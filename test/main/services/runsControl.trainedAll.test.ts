// A run whose process was killed after its final checkpoint, with every step's loss recorded,
// has nothing left to train: the next open (recoverInterrupted) completes it, as its own end
// would have — its step the final one, no error, its elapsed training time from that
// checkpoint's trainer state, finished when that checkpoint was written, its final evaluation
// stored from it — and says so to the screens. A run whose last losses were not recorded yet
// re-trains those steps, so it is interrupted and told that it continues from its last
// checkpoint, as any other; so is one whose final checkpoint does not read whole.
import { readFileSync, truncateSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { EventMap } from '../../../src/shared/events';
import { runConfigSchema } from '../../../src/shared/contract/runs';
import { AppServices } from '../../../src/main/services/app';
import { checkpointDirName, TRAINER_STATE_FILE } from '../../../src/main/engine/train/checkpoint';
import { deadPid } from '../../support/processes';
import { addDatasetRow } from '../../support/storeRows';
import { tempDirs } from '../../support/tmp';
import { fakeCheckpoint } from './runs-support';

const tempDir = tempDirs('spanfill-runs-trained-all-');
const opened: AppServices[] = [];
afterEach(async () => {
  for (const app of opened.splice(0)) await app.close();
});

const config = runConfigSchema.parse({ model: '/m', datasetId: 'ds-1', maxSteps: 30 });
const id = 'r-final';
/** When the final checkpoint was written (its trainer state's time), and the training time it keeps. */
const SAVED_AT = new Date('2024-05-06T07:08:09.000Z');
const TRAINED_MS = 123_456;

/**
 * Run `id` (30 steps) whose process was killed after checkpoints 20 and 30, its losses recorded
 * to `lossesTo` and its progress to step 29; the final checkpoint evaluated (loss 0.5) and, with
 * `isDamaged`, its model file cut short; with `isStoreFull`, the store too full to complete it.
 * Then recovered (as an open does): the app, the ids recovered, the status changes announced
 * and the status writes asked of the store.
 */
function killedAfterFinal(
  lossesTo: number,
  { isDamaged = false, isStoreFull = false } = {},
): { app: AppServices; recovered: string[]; announced: EventMap['runs.statusChanged'][]; writes: string[] } {
  const app = new AppServices({ dataDir: tempDir(), env: {} });
  opened.push(app);
  addDatasetRow(app.store.db, 'ds-1');
  app.runs.repo.add({ id, name: 'final', config, totalSteps: 30, status: 'running', owner: { ownerPid: deadPid() } });
  app.runs.repo.setProgress(id, 29, 100_000);
  app.runs.repo.addMetrics(
    id,
    Array.from({ length: lossesTo }, (_, i) => ({ step: i + 1, name: 'loss', value: 1 })),
  );
  for (const step of [20, 30]) {
    const dir = path.join(app.runs.checkpointDir(id), checkpointDirName(step));
    fakeCheckpoint(dir, step, step === 30 ? 0.5 : null);
    if (step !== 30) continue;
    const stateFile = path.join(dir, TRAINER_STATE_FILE);
    const state = JSON.parse(readFileSync(stateFile, 'utf8')) as Record<string, unknown>;
    writeFileSync(stateFile, JSON.stringify({ ...state, elapsedMs: TRAINED_MS, tokensSeen: 960 }));
    utimesSync(stateFile, SAVED_AT, SAVED_AT);
    if (isDamaged) truncateSync(path.join(dir, 'model.safetensors'), 10);
  }
  if (isStoreFull)
    app.runs.repo.completeGone = () => {
      throw Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
    };
  const announced: EventMap['runs.statusChanged'][] = [];
  app.events.subscribe((name, payload) => {
    if (name === 'runs.statusChanged') announced.push(payload as EventMap['runs.statusChanged']);
  });
  const writes = statusWrites(app);
  return { app, recovered: app.runs.recoverInterrupted(), announced, writes };
}

/** The writes of a run's status the repository is asked for from now on, by name, in order. */
function statusWrites(app: AppServices): string[] {
  const writes: string[] = [];
  const { repo } = app.runs;
  for (const name of ['setStatus', 'interrupt', 'completeGone'] as const) {
    const write = repo[name].bind(repo) as (...args: unknown[]) => unknown;
    (repo as unknown as Record<string, unknown>)[name] = (...args: unknown[]) => {
      writes.push(name);
      return write(...args);
    };
  }
  return writes;
}

describe('a run killed after its final checkpoint', () => {
  it('is completed when every step is trained and saved, as its own end would have completed it', () => {
    const { app, recovered, announced, writes } = killedAfterFinal(30);
    expect(recovered).toEqual([id]);
    // In one conditional write: never interrupted on the way, for a crash or another process to find.
    expect(writes).toEqual(['completeGone']);
    expect(announced.map((a) => a.status)).toEqual(['completed']);
    const run = app.runs.get(id);
    expect(run).toMatchObject({
      status: 'completed',
      step: 30,
      totalSteps: 30,
      error: null,
      elapsedMs: TRAINED_MS,
      finishedAt: SAVED_AT.toISOString(),
    });
    // Its final evaluation, kept in the checkpoint, is the run's last and best.
    expect(run.last['eval.loss']).toBe(0.5);
    expect(run.bestEval).toMatchObject({ step: 30, value: 0.5 });
    expect(run.checkpoints.map((c) => [c.step, c.isBest])).toEqual([
      [20, false],
      [30, true],
    ]);
    expect(announced.at(-1)).toEqual({ runId: id, status: 'completed', step: 30 });
    // Nothing to resume: a resume says it is completed.
    return expect(app.runs.resume(id)).rejects.toThrow(`Run ${id} is completed; start a new run to train more`);
  });

  it('on a full disk stays interrupted, saying Resume completes it at once', () => {
    const { app, recovered, announced, writes } = killedAfterFinal(30, { isStoreFull: true });
    expect(recovered).toEqual([id]);
    expect(writes).toEqual(['completeGone', 'interrupt']);
    expect(app.runs.get(id).error).toMatch(
      /^The process training it \(pid \d+\) ended without stopping it, after its final checkpoint \(step 30 of 30\): every step is trained and saved; Resume \(in a terminal: `spanfill runs resume r-final`\) completes it at once$/,
    );
    expect(announced.at(-1)).toMatchObject({ runId: id, status: 'interrupted' });
  });

  it('is interrupted, continuing from its last checkpoint, while losses of its last steps are not recorded', () => {
    const { app, recovered } = killedAfterFinal(25);
    expect(recovered).toEqual([id]);
    expect(app.runs.get(id).status).toBe('interrupted');
    expect(app.runs.get(id).error).toMatch(
      /; Resume \(in a terminal: `spanfill runs resume r-final`\) continues from its last checkpoint$/,
    );
  });

  it('is interrupted, continuing from its last checkpoint, when its final checkpoint does not read whole', () => {
    const { app } = killedAfterFinal(30, { isDamaged: true });
    expect(app.runs.get(id)).toMatchObject({ status: 'interrupted', step: 29 });
    expect(app.runs.get(id).error).toMatch(/continues from its last checkpoint$/);
  });
});
