// A run killed (kill -9) as its engine host wrote a checkpoint, before its own process stored
// that step's evaluation: resumed, it ends with every metric an uninterrupted run of the same
// configuration has, the checkpoint's evaluation included (its trainer state keeps it), and its
// last values (the summary `train` and `runs resume` print) are the uninterrupted run's. The
// llm.c way: the same numbers, to the bit, as the run that was never killed. Over a real engine
// host and store.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AppServices } from '../../../src/main/services/app';
import { checkpointDirName } from '../../../src/main/engine/train/checkpoint';
import { runsServiceKit, smallRunConfig } from './runs-support';

const { setUp } = runsServiceKit();

/** What the store holds of run `id`'s metrics: every series, and each one's last value (throughput, a timing, left out). */
function recorded(app: AppServices, id: string) {
  const series = Object.fromEntries(app.runs.repo.metrics(id));
  const last = app.runs.repo.lastMetrics(id);
  delete series.tokensPerSecond;
  delete last.tokensPerSecond;
  return { series, last };
}

/**
 * Run `id` as the kill left it: trained and checkpointed to `step`, the checkpoints after it
 * not written, its metric points after `step` and its evaluation at `step` not stored.
 */
function killedAt(app: AppServices, id: string, step: number, laterSteps: readonly number[]): void {
  const db = app.store.db;
  db.prepare('DELETE FROM metrics WHERE run_id = ? AND step > ?').run(id, step);
  db.prepare("DELETE FROM metrics WHERE run_id = ? AND step = ? AND name LIKE 'eval.%'").run(id, step);
  for (const later of laterSteps) {
    rmSync(join(app.runs.checkpointDir(id), checkpointDirName(later)), { recursive: true });
    app.runs.repo.removeCheckpoints(id, [`runs/${id}/checkpoints/${checkpointDirName(later)}`]);
  }
  app.runs.repo.setStatus(id, 'interrupted', { step, finishedAt: null });
}

describe('a run killed as it saved a checkpoint, resumed', () => {
  it('ends with the metrics of the run that was not killed', async () => {
    const { app, datasetId } = await setUp();
    const config = smallRunConfig(datasetId, { maxSteps: 8, keepLast: 5 });
    const whole = await app.runs.start(config);
    expect(await app.runs.wait(whole.id)).toMatchObject({ status: 'completed', step: 8 });
    const expected = recorded(app, whole.id);
    expect(expected.series['eval.loss'].steps).toEqual([4, 8]);

    // Killed as step 4's checkpoint appeared: it goes on from step 4 and records step 4's evaluation.
    const killed = await app.runs.start(config);
    await app.runs.wait(killed.id);
    killedAt(app, killed.id, 4, [8]);
    expect((await app.runs.resume(killed.id)).step).toBe(4);
    expect(await app.runs.wait(killed.id)).toMatchObject({ status: 'completed', step: 8 });
    expect(recorded(app, killed.id)).toEqual(expected);

    // Killed as the last checkpoint appeared: nothing is left to train, its summary is the whole run's.
    killedAt(app, killed.id, 8, []);
    expect(recorded(app, killed.id).last['eval.loss']).toBe(expected.series['eval.loss'].values[0]);
    expect((await app.runs.resume(killed.id)).step).toBe(8);
    expect(await app.runs.wait(killed.id)).toMatchObject({ status: 'completed', step: 8 });
    expect(recorded(app, killed.id)).toEqual(expected);
  });
});
