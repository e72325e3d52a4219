// runs.get and runs.compare of runs evaluated more often than they keep checkpoints (validation
// every 100 steps, a checkpoint every 500, the last 2 kept): the best validation loss is the
// lowest of every evaluation, with its step, also where no checkpoint was kept (the Runs table
// showed the lowest of the kept checkpoints' and the last evaluation instead); the latest value
// of each metric and the final ones that compare gives are those at each metric's last step,
// whatever order the points were stored in.
import { afterEach, describe, expect, it } from 'vitest';
import { runConfigSchema } from '../../../src/shared/contract/runs';
import { AppServices } from '../../../src/main/services/app';
import { addDatasetRow } from '../../support/storeRows';
import { tempDirs } from '../../support/tmp';

const tempDir = tempDirs('spanfill-runs-best-eval-');
const opened: AppServices[] = [];
afterEach(async () => {
  for (const app of opened.splice(0)) await app.close();
});

const config = runConfigSchema.parse({
  model: '/m',
  datasetId: 'ds-1',
  maxSteps: 2000,
  evalEvery: 100,
  checkpointEvery: 500,
  keepLast: 2,
});

/** Validation losses at steps 100…2000: lowest (1.1019) at 1400, between the checkpoints at 1000 and 1500. */
function evalLoss(step: number): number {
  return step === 1400 ? 1.1019 : 1.2 + Math.abs(step - 1400) / 10_000;
}

/** Run `id` of 2000 steps: its points stored newest first; checkpoints 1500 and 2000 kept, 1500 best among them. */
function addRun(app: AppServices, id: string, lossAtEnd: number): void {
  app.runs.repo.add({ id, name: id, config, totalSteps: 2000, status: 'queued' });
  app.runs.repo.setStatus(id, 'completed', { step: 2000 });
  for (let step = 2000; step >= 1; step--) {
    const points = [{ step, name: 'loss', value: step === 2000 ? lossAtEnd : 3 - step / 1000 }];
    if (step % 10 === 0) points.push({ step, name: 'lr', value: step / 1e6 });
    if (step % 100 === 0) points.push({ step, name: 'eval.loss', value: evalLoss(step) });
    app.runs.repo.addMetrics(id, points);
  }
  for (const step of [1500, 2000]) {
    const stored = { step, path: `runs/${id}/checkpoints/step-${step}`, eval: { loss: evalLoss(step) } };
    app.runs.repo.addCheckpoint(id, { ...stored, isBest: step === 1500 }, []);
  }
}

function open(): AppServices {
  const app = new AppServices({ dataDir: tempDir(), env: {} });
  opened.push(app);
  addDatasetRow(app.store.db);
  return app;
}

describe('runs evaluated more often than they keep checkpoints', () => {
  it('gives the lowest validation loss of every evaluation and its step, not the kept checkpoints’', () => {
    const app = open();
    addRun(app, 'r-1', 0.75);
    const detail = app.runs.get('r-1');
    expect(detail.bestEval).toEqual({ step: 1400, value: 1.1019 });
    expect(detail.last).toEqual({ 'eval.loss': evalLoss(2000), loss: 0.75, lr: 0.002 });
    expect(Object.keys(detail.last)).toEqual(['eval.loss', 'loss', 'lr']);
    // What the kept checkpoints say of it is higher: the best is not among them.
    expect(Math.min(...detail.checkpoints.map((c) => c.eval?.loss ?? Infinity))).toBeGreaterThan(1.1019);
  });

  it('compares the same best validation loss and each metric’s value at its last step', () => {
    const app = open();
    addRun(app, 'r-1', 0.75);
    addRun(app, 'r-2', 0.5);
    app.runs.repo.add({ id: 'r-3', name: 'r-3', config, totalSteps: 2000, status: 'queued' });
    const compared = app.runs.compare(['r-1', 'r-2', 'r-3']);
    expect(compared.metrics).toEqual([
      { final: { 'eval.loss': evalLoss(2000), loss: 0.75, lr: 0.002 }, bestEvalLoss: 1.1019 },
      { final: { 'eval.loss': evalLoss(2000), loss: 0.5, lr: 0.002 }, bestEvalLoss: 1.1019 },
      { final: {}, bestEvalLoss: null },
    ]);
    expect(app.runs.get('r-3').bestEval).toBeNull();
  });
});
