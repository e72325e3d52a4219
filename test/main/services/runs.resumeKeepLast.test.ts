// runs.resume with keepLast: the run's Checkpoints kept changes (its configuration says so, for
// `runs show` and the run's settings) and the trainer prunes by it from the first checkpoint it
// saves after the resume; a resume refused before it trains leaves the run's own. What a run
// whose disk filled up needs: to go on keeping fewer checkpoints (runsFailure.ts's advice).
import { describe, expect, it } from 'vitest';
import { type Envelope, unwrapEnvelope } from '../../../src/shared/errors';
import type { RunStarted } from '../../../src/shared/contract/runs';
import { listCheckpoints } from '../../../src/main/engine/train/checkpoint';
import { reached, runsServiceKit, smallRunConfig } from './runs-support';

const { setUp } = runsServiceKit();

describe('runs service: a resume that keeps fewer checkpoints', () => {
  it('stores the new Checkpoints kept and prunes to it from its first checkpoint on', async () => {
    const { app, datasetId } = await setUp();
    const config = smallRunConfig(datasetId, { maxSteps: 40, checkpointEvery: 4, evalEvery: 0, keepLast: 4 });
    const started = await app.runs.start(config);
    await reached(app, 'runs.checkpoint', 12);
    const paused = await app.runs.pause(started.id);
    const before = listCheckpoints(app.runs.checkpointDir(started.id)).map((c) => c.step);
    expect(before.length).toBeGreaterThan(1);

    const firstNew = reached(app, 'runs.checkpoint', paused.step + 1);
    const resumed = await app.call('runs.resume', { id: started.id, keepLast: 1 });
    expect(unwrapEnvelope(resumed as Envelope<RunStarted>).step).toBe(paused.step);
    expect(app.runs.get(started.id).config.keepLast).toBe(1);
    await firstNew;
    const again = await app.runs.pause(started.id);
    // Pruned to one: each checkpoint from before the resume is gone, as the store says too.
    const kept = listCheckpoints(app.runs.checkpointDir(started.id)).map((c) => c.step);
    expect(kept).toEqual([again.step]);
    expect(app.runs.checkpoints(started.id).map((c) => c.step)).toEqual(kept);

    // A resume that names none goes on with the run's stored one.
    await app.runs.resume(started.id);
    expect(await app.runs.wait(started.id)).toMatchObject({ status: 'completed', step: 40 });
    expect(app.runs.get(started.id).config.keepLast).toBe(1);
    expect(listCheckpoints(app.runs.checkpointDir(started.id)).map((c) => c.step)).toEqual([40]);
  });

  it("leaves the run's own Checkpoints kept when the resume is refused before it trains", async () => {
    const { app, datasetId } = await setUp();
    const config = smallRunConfig(datasetId, { provider: 'dml', keepLast: 5 });
    app.runs.repo.add({ id: 'r-dml', name: 'x', config, totalSteps: 10, status: 'stopped' });
    // Refused as it prepares (its provider does not load here), after it was queued.
    await expect(app.runs.resume('r-dml', undefined, { keepLast: 1 })).rejects.toMatchObject({ code: 'invalid_input' });
    expect(app.runs.get('r-dml')).toMatchObject({ status: 'stopped', config: { keepLast: 5 } });
  });
});
