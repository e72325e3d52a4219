// runs.metrics as a caller gets it, through the call's dispatch and JSON (what both transports
// send): each run's series as columns, steps and values of one length in step order, that come
// back from JSON exactly as stored; a run or a name without points; the `names` filter; an
// unknown run refused by name as before.
import { afterEach, describe, expect, it } from 'vitest';
import { runConfigSchema, type RunMetrics } from '../../../src/shared/contract/runs';
import type { Envelope } from '../../../src/shared/errors';
import { AppServices } from '../../../src/main/services/app';
import { dispatchCall } from '../../../src/main/services/dispatch';
import type { Handlers } from '../../../src/main/services/handler';
import { runHandlers } from '../../../src/main/services/runsHandlers';
import { addDatasetRow } from '../../support/storeRows';
import { tempDirs } from '../../support/tmp';

const tempDir = tempDirs('spanfill-runs-metrics-');
const opened: AppServices[] = [];
afterEach(async () => {
  for (const app of opened.splice(0)) await app.close();
});

const config = runConfigSchema.parse({ model: '/m', datasetId: 'ds-1', maxSteps: 500, evalEvery: 100 });

/** Values whose shortest decimal needs all 17 digits, or none, or an exponent: exact only if nothing rounds them. */
const awkward = (step: number) =>
  [0.1 + 0.2, 1 / 3, Math.PI * 1e-300, 5e-324, 1.7976931348623157e308, 123456789.12345679][step % 6];

/** A service with runs r-1 (loss every step stored newest first, lr and eval.loss) and r-empty (no points). */
function open(): AppServices {
  const app = new AppServices({ dataDir: tempDir(), env: {} });
  opened.push(app);
  addDatasetRow(app.store.db);
  for (const id of ['r-1', 'r-empty']) app.runs.repo.add({ id, name: id, config, totalSteps: 500, status: 'queued' });
  for (let step = 500; step >= 1; step--) {
    const points = [{ step, name: 'loss', value: step % 7 === 0 ? awkward(step) : 3 - step / 1000 }];
    if (step % 10 === 0) points.push({ step, name: 'lr', value: step / 1e6 });
    if (step % 100 === 0) points.push({ step, name: 'eval.loss', value: 2 + Math.sin(step) });
    app.runs.repo.addMetrics('r-1', points);
  }
  return app;
}

/** runs.metrics through its dispatch, its answer through JSON as a transport sends it. */
async function ask(app: AppServices, args: unknown): Promise<Envelope<RunMetrics>> {
  const envelope = await dispatchCall(runHandlers(app) as unknown as Handlers, 'runs.metrics', args);
  return JSON.parse(JSON.stringify(envelope)) as Envelope<RunMetrics>;
}

async function answer(app: AppServices, args: unknown): Promise<RunMetrics> {
  const envelope = await ask(app, args);
  if (!envelope.ok) throw new Error(envelope.error.message);
  return envelope.result;
}

/** Run `id`'s points of `name` as stored, read by SQL directly. */
function stored(app: AppServices, id: string, name: string): { step: number; value: number }[] {
  const sql = 'SELECT step, value FROM metrics WHERE run_id = ? AND name = ? ORDER BY step';
  return app.store.db.prepare(sql).all(id, name) as { step: number; value: number }[];
}

describe('runs.metrics', () => {
  it('answers columns of one length in step order that come back from JSON exactly as stored', async () => {
    const app = open();
    const metrics = await answer(app, { ids: ['r-1'] });
    expect(Object.keys(metrics)).toEqual(['r-1']);
    expect(Object.keys(metrics['r-1'])).toEqual(['eval.loss', 'loss', 'lr']);
    for (const [name, series] of Object.entries(metrics['r-1'])) {
      expect(Object.keys(series).sort()).toEqual(['steps', 'values']);
      const points = stored(app, 'r-1', name);
      expect(series.steps).toEqual(points.map((p) => p.step));
      expect(series.values).toHaveLength(series.steps.length);
      series.values.forEach((value, i) => expect(Object.is(value, points[i].value), `${name} ${i}`).toBe(true));
    }
    expect(metrics['r-1'].loss.steps).toEqual(Array.from({ length: 500 }, (_, i) => i + 1));
    expect(metrics['r-1']['eval.loss'].steps).toEqual([100, 200, 300, 400, 500]);
    expect(metrics['r-1'].loss.values[41]).toBe(0.1 + 0.2); // step 42
  });

  it('gives a run without points no series, and leaves out names a run does not have', async () => {
    const app = open();
    expect(await answer(app, { ids: ['r-empty', 'r-1'], names: ['eval.loss', 'gradNorm'] })).toEqual({
      'r-empty': {},
      'r-1': {
        'eval.loss': { steps: [100, 200, 300, 400, 500], values: stored(app, 'r-1', 'eval.loss').map((p) => p.value) },
      },
    });
    expect(await answer(app, { ids: ['r-1'], names: [] })).toEqual({ 'r-1': {} });
  });

  it('gives only the series `names` asks for', async () => {
    const app = open();
    const metrics = await answer(app, { ids: ['r-1'], names: ['lr', 'loss'] });
    expect(Object.keys(metrics['r-1'])).toEqual(['loss', 'lr']);
    expect(metrics['r-1'].lr.steps).toEqual(Array.from({ length: 50 }, (_, i) => (i + 1) * 10));
  });

  it('refuses an unknown run by its id, also among known ones', async () => {
    const app = open();
    for (const ids of [['r-missing'], ['r-1', 'r-missing']]) {
      const envelope = await ask(app, { ids });
      expect(envelope).toEqual({
        ok: false,
        error: expect.objectContaining({
          code: 'not_found',
          message: 'No run r-missing; `spanfill runs list` shows the ids',
        }) as unknown,
      });
    }
  });
});
