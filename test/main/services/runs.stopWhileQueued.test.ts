// A run whose resume is accepted but has not trained a step yet (queued: it prepares, then its
// trainer starts in the engine host). A stop asked meanwhile, here or from another process
// (`spanfill runs stop ID` beside `spanfill runs resume ID`), ends it before it trains any step:
// stopped at the step it was at, its checkpoints as they were. And until its trainer has
// started, a removal of its dataset is refused as of a run starting to train, not training.

import { describe, expect, it } from 'vitest';
import type { RunSummary } from '../../../src/shared/contract/runs';
import type { EventMap } from '../../../src/shared/events';
import type { AppServices } from '../../../src/main/services/app';
import { outcome, reached, runsServiceKit, smallRunConfig } from './runs-support';

const { open, setUp } = runsServiceKit();

/** A run paused after its first checkpoint, and the services of a second process on its data directory. */
async function runPausedAtCheckpoint() {
  const { app, datasetId, dataDir } = await setUp();
  const config = smallRunConfig(datasetId, { name: 'queued', maxSteps: 12, checkpointEvery: 4, evalEvery: 0 });
  const started = await app.runs.start(config);
  await reached(app, 'runs.checkpoint', 4);
  const paused = await app.runs.pause(started.id);
  expect(paused.status).toBe('paused');
  return { app, datasetId, paused, other: open(dataDir) };
}

/** The steps of every progress event `app` sends from now on. */
function progressSteps(app: AppServices): number[] {
  const steps: number[] = [];
  app.events.subscribe((event, payload) => {
    if (event === 'runs.progress') steps.push((payload as EventMap['runs.progress']).step);
  });
  return steps;
}

/** Calls `then` right after `app` asks its engine host to train (its trainer starting, not yet training). */
function asTrainerStarts(app: AppServices, then: () => void): void {
  const request = app.engine.request.bind(app.engine);
  app.engine.request = ((type, payload, options) => {
    const answer = request(type, payload, options);
    if (type === 'train.run') then();
    return answer;
  }) as typeof app.engine.request;
}

describe('a stop while a resume is queued', () => {
  it('from another process as the resume prepares: stopped at its step, no step trained', async () => {
    const { app, paused, other } = await runPausedAtCheckpoint();
    const checkpoints = app.runs.checkpoints(paused.id).map((c) => c.step);
    let stopping: Promise<unknown> | undefined;
    const tokens = app.datasets.tokens.bind(app.datasets);
    app.datasets.tokens = (...args) => {
      stopping ??= outcome(() => other.runs.stop(paused.id)); // asked once it is queued, not awaited here
      return tokens(...args);
    };
    const steps = progressSteps(app);
    await app.runs.resume(paused.id);
    const ended = await app.runs.wait(paused.id);
    expect(await stopping).toMatchObject({ status: 'stopped', step: paused.step });
    expect(ended).toMatchObject({ status: 'stopped', step: paused.step });
    expect(steps).toEqual([]);
    expect(app.runs.checkpoints(paused.id).map((c) => c.step)).toEqual(checkpoints);
    // Nothing lost: it resumes from there again.
    await app.runs.resume(paused.id);
    expect(await app.runs.wait(paused.id)).toMatchObject({ status: 'completed', step: 12 });
  }, 120_000);

  it("the app's own Stop as its trainer starts: stopped at its step, no step trained", async () => {
    const { app, paused } = await runPausedAtCheckpoint();
    let stopping: Promise<RunSummary> | undefined;
    asTrainerStarts(app, () => {
      stopping ??= app.runs.stop(paused.id);
    });
    const steps = progressSteps(app);
    await app.runs.resume(paused.id);
    expect(await stopping).toMatchObject({ status: 'stopped', step: paused.step });
    expect(await app.runs.wait(paused.id)).toMatchObject({ status: 'stopped', step: paused.step });
    expect(steps).toEqual([]);
  }, 120_000);
});

describe("a dataset's removal while a resume on it is queued", () => {
  it('says the run is starting to train, not training, until its trainer starts', async () => {
    const { app, datasetId, paused, other } = await runPausedAtCheckpoint();
    let removal: Promise<unknown> | undefined;
    asTrainerStarts(app, () => {
      removal ??= outcome(() => other.datasets.remove(datasetId));
    });
    await app.runs.resume(paused.id);
    expect(await removal).toMatchObject({
      code: 'conflict',
      message:
        `Run ${paused.id} ("queued") is starting to train on dataset ${datasetId}; stop it first (or let it ` +
        'finish). A run whose dataset is removed cannot be resumed.',
    });
    expect(await app.runs.wait(paused.id)).toMatchObject({ status: 'completed', step: 12 });
  }, 120_000);
});
