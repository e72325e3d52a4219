// A pause or stop asked from another process (a stop-request file: runsStopRequest.ts) at each
// instant of a run's start, with a trainer the test drives (scriptedTrainer-support.ts) and the
// 200 ms look at the request (runsControl.ts) made only when the test says: once it is queued,
// after its trainer is asked to train but before it has started, as it says 'started', at its
// first progress event, and one left from before a resume (its asker killed as it waited) or
// written as the resume queues the run. Each ends as asked (paused or stopped), having trained
// no call when the trainer heard of it before 'started', and at most the call under way after;
// the request is gone once answered, so a later resume of the same run trains to its end.
import { existsSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { EventMap } from '../../../src/shared/events';
import { AppServices } from '../../../src/main/services/app';
import { runStopRequestPath } from '../../../src/main/services/runFolders';
import { askToStop, type HaltedAs } from '../../../src/main/services/runsStopRequest';
import { tempDirs } from '../../support/tmp';
import { importTexts, KILL_TEXTS } from '../cli/commands/train-support';
import { smallRunConfig } from './runs-support';
import { ScriptedTrainer, settled } from './scriptedTrainer-support';

const tempDir = tempDirs('spanfill-runs-stop-instants-');
const opened: AppServices[] = [];
const trainers: ScriptedTrainer[] = [];
beforeEach(() => {
  // The 200 ms look at a stop request happens only at vi.advanceTimersByTime.
  vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
});
afterEach(async () => {
  vi.useRealTimers();
  for (const trainer of trainers.splice(0)) trainer.abandon();
  for (const app of opened.splice(0)) await app.close();
});

/** A run of 8 steps, 2 a call, started with a trainer the test drives; what main told the screens of it. */
async function setUp() {
  const dataDir = tempDir();
  const datasetId = await importTexts(dataDir, KILL_TEXTS);
  const trainer = new ScriptedTrainer();
  trainers.push(trainer);
  const app = new AppServices({ dataDir, env: {}, hostSpawner: trainer.spawn });
  opened.push(app);
  const statuses: string[] = [];
  app.events.subscribe((name, payload) => {
    if (name === 'runs.statusChanged') statuses.push((payload as EventMap['runs.statusChanged']).status);
  });
  const config = smallRunConfig(datasetId, { maxSteps: 8, stepsPerCall: 2, checkpointEvery: 0, evalEvery: 0 });
  return { app, dataDir, trainer, config, statuses };
}

type Kit = Awaited<ReturnType<typeof setUp>>;

/** A run started: its id, once its trainer has been asked to train. */
async function launched({ app, trainer, config }: Kit): Promise<string> {
  const { id } = await app.runs.start(config);
  await trainer.launched();
  return id;
}

/** Run `id` resumed: it is not stopped (no request is left to stop it) and trains to its end. */
async function resumesToTheEnd({ app, trainer }: Kit, id: string): Promise<void> {
  const before = trainer.asked.length;
  expect(await app.runs.resume(id)).toMatchObject({ status: 'queued' });
  await trainer.launched();
  trainer.started();
  await trainer.trainToEnd();
  expect(await app.runs.wait(id)).toMatchObject({ status: 'completed', step: 8 });
  expect(trainer.asked.slice(before)).toEqual([`train.run ${id}`]);
}

const endings: HaltedAs[] = ['paused', 'stopped'];

describe.each(endings)('asked to end %s from another process', (as) => {
  it('as it is queued, before its launch: ended before its trainer is asked to train', async () => {
    const kit = await setUp();
    const { app, dataDir, trainer, config, statuses } = kit;
    let id = '';
    const add = app.runs.repo.add.bind(app.runs.repo);
    app.runs.repo.add = (...args) => {
      const row = add(...args);
      // Another process sees it queued (live, its folder not made yet) and asks it to end.
      id = row.id;
      askToStop(dataDir, id, as);
      return row;
    };
    const started = await app.runs.start(config);
    expect(started).toMatchObject({ id, status: as, step: 0 });
    expect(trainer.asked).toEqual([]);
    expect(statuses).not.toContain('running');
    expect(existsSync(runStopRequestPath(dataDir, id))).toBe(false);
    await resumesToTheEnd(kit, id);
  }, 120_000);

  it("after its trainer is asked to train, before it has started: no call trained, never 'running'", async () => {
    const kit = await setUp();
    const { app, dataDir, trainer, statuses } = kit;
    const id = await launched(kit);
    askToStop(dataDir, id, as);
    vi.advanceTimersByTime(200);
    await settled();
    expect(trainer.isStopping).toBe(true);
    trainer.started();
    expect(await trainer.trainToEnd()).toBe(0);
    expect(await app.runs.wait(id)).toMatchObject({ status: as, step: 0 });
    expect(statuses).not.toContain('running');
    expect(existsSync(runStopRequestPath(dataDir, id))).toBe(false);
    await resumesToTheEnd(kit, id);
  }, 120_000);

  it("as its trainer says 'started': ended after the call then under way, without waiting for the next look", async () => {
    const kit = await setUp();
    const { app, dataDir, trainer } = kit;
    const id = await launched(kit);
    trainer.started(() => askToStop(dataDir, id, as));
    expect(await trainer.trainToEnd()).toBe(2);
    expect(await app.runs.wait(id)).toMatchObject({ status: as, step: 2 });
    expect(existsSync(runStopRequestPath(dataDir, id))).toBe(false);
    await resumesToTheEnd(kit, id);
  }, 120_000);

  it('at its first progress event: ended after the call under way then, without waiting for the next look', async () => {
    const kit = await setUp();
    const { app, dataDir, trainer } = kit;
    const id = await launched(kit);
    trainer.started();
    await trainer.endCall(() => askToStop(dataDir, id, as));
    expect(await trainer.trainToEnd()).toBe(2);
    expect(await app.runs.wait(id)).toMatchObject({ status: as, step: 4 });
    expect(existsSync(runStopRequestPath(dataDir, id))).toBe(false);
    await resumesToTheEnd(kit, id);
  }, 120_000);
});

describe('a stop request and a resume', () => {
  it('one left from before the resume (its asker killed as it waited) does not stop it', async () => {
    const kit = await setUp();
    const { app, dataDir, trainer } = kit;
    const id = await launched(kit);
    trainer.started();
    await trainer.endCall();
    const pausing = app.runs.pause(id);
    await trainer.trainToEnd();
    expect(await pausing).toMatchObject({ status: 'paused', step: 4 });
    askToStop(dataDir, id, 'stopped'); // written as it trained, read by nobody; its asker killed
    await resumesToTheEnd(kit, id);
  }, 120_000);

  it('one written as the resume queues the run ends it before it trains', async () => {
    const kit = await setUp();
    const { app, dataDir, trainer } = kit;
    const id = await launched(kit);
    trainer.started();
    const pausing = app.runs.pause(id);
    await trainer.trainToEnd();
    expect(await pausing).toMatchObject({ status: 'paused', step: 2 });
    const queueOwned = app.runs.repo.queueOwned.bind(app.runs.repo);
    app.runs.repo.queueOwned = (...args) => {
      const queued = queueOwned(...args);
      // Another process sees it queued (live) at once and asks it to stop.
      if (queued) askToStop(dataDir, id, 'stopped');
      return queued;
    };
    expect(await app.runs.resume(id)).toMatchObject({ status: 'stopped', step: 2 });
    expect(trainer.asked.filter((asked) => asked === `train.run ${id}`)).toHaveLength(1);
    expect(existsSync(runStopRequestPath(dataDir, id))).toBe(false);
  }, 120_000);
});
