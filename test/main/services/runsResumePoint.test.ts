// Which checkpoint a resume continues from when the store lacks the last steps' losses (a process
// killed after writing a checkpoint, before storing its steps' metrics): the last one at or
// before the last stored loss, whatever step the run's other metrics reach; with no loss stored,
// the last checkpoint. Over a real engine host and store.
import { describe, expect, it } from 'vitest';
import type { AppServices } from '../../../src/main/services/app';
import { runsServiceKit, smallRunConfig } from './runs-support';

const { setUp } = runsServiceKit();

/** Drops run `id`'s loss points after `step`, keeping its other metrics, and marks it stopped. */
function lossesLostAfter(app: AppServices, id: string, step: number): void {
  app.store.db.prepare("DELETE FROM metrics WHERE run_id = ? AND name = 'loss' AND step > ?").run(id, step);
  app.runs.repo.setStatus(id, 'stopped');
}

describe('the checkpoint a resume continues from', () => {
  it('is the last at or before the last stored loss, not the last step of other metrics', async () => {
    const { app, datasetId } = await setUp();
    const started = await app.runs.start(smallRunConfig(datasetId, { maxSteps: 12, keepLast: 5, evalEvery: 0 }));
    const id = started.id;
    expect(await app.runs.wait(id)).toMatchObject({ status: 'completed', step: 12 });
    expect(app.runs.checkpoints(id).map((c) => c.step)).toEqual([4, 8, 12]);

    lossesLostAfter(app, id, 6);
    expect(app.runs.repo.lastMetricSteps(id, ['loss', 'lr'])).toEqual(
      new Map([
        ['loss', 6],
        ['lr', 12],
      ]),
    );
    expect((await app.runs.resume(id)).step).toBe(4);
    expect(await app.runs.wait(id)).toMatchObject({ status: 'completed', step: 12 });
    expect(app.runs.metrics([id], ['loss'])[id].loss.steps).toEqual(range(1, 12));

    lossesLostAfter(app, id, 8); // a checkpoint at the last loss's step is whole
    expect((await app.runs.resume(id)).step).toBe(8);
    expect(await app.runs.wait(id)).toMatchObject({ status: 'completed', step: 12 });

    lossesLostAfter(app, id, 0); // none stored: the last checkpoint, the series then has a gap
    expect((await app.runs.resume(id)).step).toBe(12);
    await app.runs.wait(id);
  });
});

/** The whole numbers from `first` to `last`. */
const range = (first: number, last: number): number[] => Array.from({ length: last - first + 1 }, (_, i) => first + i);
