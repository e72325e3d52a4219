// A paused run while its resume prepares (its tokens counted, before the trainer starts): it is
// queued and owned by the resuming process from before it prepares, as a new run is from its
// insert, so another process (here: a second set of services on the same data directory, as
// `spanfill serve` beside `spanfill runs resume`) cannot remove its dataset or the run, nor resume
// it again; a resume that fails or is cancelled before it trains puts the run back as it was
// (paused, no owner), to be resumed again; one whose process was killed as it prepared leaves
// the run queued, interrupted before it is resumed again.

import { describe, expect, it } from 'vitest';
import type { EventMap } from '../../../src/shared/events';
import { ApiError } from '../../../src/shared/errors';
import type { AppServices } from '../../../src/main/services/app';
import type { RunRow } from '../../../src/main/store/runs';
import { deadPid } from '../../support/processes';
import { outcome, reached, runsServiceKit, smallRunConfig } from './runs-support';

const { open, setUp } = runsServiceKit();

/** A run paused after its first checkpoint, and the services of another process on its data directory. */
async function pausedRun() {
  const { app, datasetId, dataDir } = await setUp();
  const config = smallRunConfig(datasetId, { name: 'resumed', maxSteps: 12, checkpointEvery: 4, evalEvery: 0 });
  const started = await app.runs.start(config);
  await reached(app, 'runs.checkpoint', 4);
  expect(await app.runs.pause(started.id)).toMatchObject({ status: 'paused' });
  return { app, datasetId, id: started.id, other: open(dataDir) };
}

/** Runs `during` each time a resume of `app` prepares (as it counts the dataset's tokens), before it goes on. */
function duringPreparation(app: AppServices, during: () => Promise<void>): void {
  const tokens = app.datasets.tokens.bind(app.datasets);
  app.datasets.tokens = async (...args) => {
    await during();
    return tokens(...args);
  };
}

describe('a run whose resume prepares', () => {
  it('is queued and owned from before it prepares: its dataset and itself cannot be removed meanwhile', async () => {
    const { app, datasetId, id, other } = await pausedRun();
    const seen: { row?: RunRow; datasetRemoval?: unknown; runRemoval?: unknown; resume?: unknown } = {};
    duringPreparation(app, async () => {
      seen.row = other.runs.repo.get(id);
      seen.datasetRemoval = await outcome(() => other.datasets.remove(datasetId));
      seen.runRemoval = await outcome(() => other.runs.remove(id));
      seen.resume = await outcome(() => other.runs.resume(id));
    });
    await app.runs.resume(id);
    expect(seen.row).toMatchObject({ status: 'queued', ownerPid: process.pid });
    expect(seen.datasetRemoval).toEqual(
      new ApiError(
        'conflict',
        `Run ${id} ("resumed") is starting to train on dataset ${datasetId}; stop it first (or let it finish). ` +
          'A run whose dataset is removed cannot be resumed.',
      ),
    );
    expect(seen.runRemoval).toEqual(
      new ApiError(
        'conflict',
        `Run ${id} is starting to train (pid ${process.pid}); stop it ` +
          `(Runs screen, or \`spanfill runs stop ${id}\`): it ends before it trains a step; then remove it`,
      ),
    );
    expect(seen.resume).toEqual(
      new ApiError(
        'conflict',
        `Run ${id} is already starting to train (pid ${process.pid}); wait for it, or stop it ` +
          `(Runs screen, or \`spanfill runs stop ${id}\`)`,
      ),
    );
    expect(await app.runs.wait(id)).toMatchObject({ status: 'completed', step: 12 });
    expect(other.datasets.list().map((d) => d.id)).toEqual([datasetId]);
  }, 60_000);

  it('is put back as it was when its resume fails or is cancelled before it trains, to be resumed again', async () => {
    const { app, id } = await pausedRun();
    const before = app.runs.repo.get(id) as RunRow;
    const controller = new AbortController();
    const attempts: (() => void)[] = [
      () => {
        throw new ApiError('internal', 'the token cache could not be read');
      },
      () => {
        controller.abort(); // Ctrl-C while it prepares
        controller.signal.throwIfAborted();
      },
    ];
    const during: (RunRow | undefined)[] = [];
    duringPreparation(app, async () => {
      during.push(app.runs.repo.get(id));
      attempts.shift()?.();
    });
    const announced: string[] = [];
    app.events.subscribe((event, payload) => {
      if (event === 'runs.statusChanged') announced.push((payload as EventMap['runs.statusChanged']).status);
    });
    const asBefore = { status: 'paused', step: before.step, error: before.error, ownerPid: null, ownerStartedAt: null };
    await expect(app.runs.resume(id)).rejects.toThrow('the token cache could not be read');
    expect(app.runs.repo.get(id)).toMatchObject(asBefore);
    await expect(app.runs.resume(id, controller.signal)).rejects.toThrow();
    expect(app.runs.repo.get(id)).toMatchObject(asBefore);
    expect(during.map((row) => [row?.status, row?.ownerPid])).toEqual([
      ['queued', process.pid],
      ['queued', process.pid],
    ]);
    expect(announced).toEqual(['queued', 'paused', 'queued', 'paused']); // the screens follow
    await app.runs.resume(id);
    expect(await app.runs.wait(id)).toMatchObject({ status: 'completed', step: 12 });
  }, 60_000);

  it('left queued by a resume whose process was killed as it prepared: resumed as interrupted', async () => {
    const { app, id } = await pausedRun();
    app.runs.repo.setStatus(id, 'queued', { ownerPid: deadPid() });
    const announced: string[] = [];
    app.events.subscribe((event, payload) => {
      if (event === 'runs.statusChanged') announced.push((payload as EventMap['runs.statusChanged']).status);
    });
    await app.runs.resume(id);
    expect(await app.runs.wait(id)).toMatchObject({ status: 'completed', step: 12 });
    // Running once its trainer has started, after resume answered (queued until then).
    expect(announced.slice(0, 3)).toEqual(['interrupted', 'queued', 'running']);
  }, 60_000);
});
