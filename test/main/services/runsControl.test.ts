// runsControl.ts over a real engine host and store: a run left 'running' or 'queued' by a
// process that is gone (dead, or its pid taken by another process since) becomes interrupted,
// at start-up or while the app watches, its checkpoint rows put right from its folder (also
// when it is resumed); a full disk leaves it for the next open. A pause asked from another
// process ends the run paused, with a checkpoint.
import { existsSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path, { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { EventMap } from '../../../src/shared/events';
import { AppServices } from '../../../src/main/services/app';
import { processStartedAt, recordOfThisProcess } from '../../../src/main/processIdentity';
import { checkpointDirName } from '../../../src/main/engine/train/checkpoint';
import { deadPid } from '../../support/processes';
import { tempDirs } from '../../support/tmp';
import { thisProcessAsOwner } from '../../../src/main/services/runsLock';
import { fakeCheckpoint, openWithDataset, reached, smallRunConfig } from './runs-support';

const tempDir = tempDirs('spanfill-runs-control-');
const opened: AppServices[] = [];
afterEach(async () => {
  for (const app of opened.splice(0).reverse()) await app.close();
});

/** The services opened again on `dataDir`, as the next process to open it does. */
function reopen(dataDir: string): AppServices {
  const app = new AppServices({ dataDir, env: {} });
  opened.push(app);
  return app;
}

const base = smallRunConfig;

describe('interrupted runs', () => {
  it('marks a run left running by a dead process interrupted on start-up', async () => {
    const { app, datasetId, dataDir } = await openWithDataset(tempDir(), opened);
    const row = app.runs.repo.add({
      id: 'r-dead',
      name: 'x',
      config: base(datasetId),
      totalSteps: 10,
      status: 'queued',
    });
    app.runs.repo.setStatus(row.id, 'running', { ownerPid: deadPid(), step: 4 });
    // Another killed before its first checkpoint: Resume starts it over, and its message says so.
    app.runs.repo.add({ id: 'r-early', name: 'y', config: base(datasetId), totalSteps: 10, status: 'queued' });
    app.runs.repo.setStatus('r-early', 'running', { ownerPid: deadPid(), step: 3 });
    fakeCheckpoint(join(app.runs.checkpointDir('r-dead'), checkpointDirName(4)), 4, null);
    await app.close();
    opened.splice(0);
    const events: string[] = [];
    const again = reopen(dataDir);
    again.events.subscribe((name) => events.push(name));
    const detail = again.runs.get('r-dead');
    expect(detail.status).toBe('interrupted');
    expect(detail.error).toMatch(
      /ended without stopping it, at step 4; Resume \(in a terminal: `spanfill runs resume r-dead`\) continues from its last checkpoint$/,
    );
    expect(again.runs.get('r-early').error).toMatch(
      /ended without stopping it, at step 3, before its first checkpoint; Resume \(in a terminal: `spanfill runs resume r-early`\) continues from the beginning$/,
    );
  });

  it('marks a run whose resume was killed while it prepared interrupted, to go on from its last checkpoint', async () => {
    const { app, datasetId } = await openWithDataset(tempDir(), opened);
    // Trained to step 4 and paused (its start kept), then queued by a resume whose process was killed.
    app.runs.repo.add({ id: 'r-resumed', name: 'x', config: base(datasetId), totalSteps: 10, status: 'queued' });
    const pid = deadPid();
    app.runs.repo.setStatus('r-resumed', 'queued', { ownerPid: pid, step: 4, startedAt: new Date().toISOString() });
    fakeCheckpoint(join(app.runs.checkpointDir('r-resumed'), checkpointDirName(4)), 4, null);
    // Another killed as it prepared its resume from step 0 (it had saved no checkpoint).
    app.runs.repo.add({ id: 'r-none', name: 'y', config: base(datasetId), totalSteps: 10, status: 'queued' });
    app.runs.repo.setStatus('r-none', 'queued', { ownerPid: pid, step: 3, startedAt: new Date().toISOString() });
    expect(app.runs.recoverInterrupted()).toEqual(['r-resumed', 'r-none']);
    expect(app.runs.get('r-resumed')).toMatchObject({
      status: 'interrupted',
      error:
        `The process resuming it (pid ${pid}) ended before it trained again; ` +
        'Resume (in a terminal: `spanfill runs resume r-resumed`) continues from its last checkpoint',
    });
    expect(app.runs.get('r-none').error).toBe(
      `The process resuming it (pid ${pid}) ended before it trained again; ` +
        'Resume (in a terminal: `spanfill runs resume r-none`) continues from the beginning',
    );
  });

  it('marks a run interrupted whose owner pid another process has taken since (after a reboot), not one whose owner lives', async () => {
    const { app, datasetId } = await openWithDataset(tempDir(), opened);
    // Each row's owner pid is this process's, as a new process can get a dead owner's pid.
    const bootedAt = Date.now() - os.uptime() * 1000;
    const owners = {
      // Recorded by a process of an earlier boot.
      'r-reboot': bootedAt - 3_600_000,
      // Recorded by a process that ran before this one started (only /proc says so: Linux).
      'r-reused': processStartedAt() - 60_000,
      // This process started before now: it may be the owner.
      'r-live': Date.now(),
    };
    for (const [id, ownerStartedAt] of Object.entries(owners)) {
      app.runs.repo.add({ id, name: id, config: base(datasetId), totalSteps: 10, status: 'queued' });
      app.runs.repo.setStatus(id, 'running', { ownerPid: process.pid, ownerStartedAt, step: 4 });
    }
    const reused = process.platform === 'linux' ? ['r-reused'] : [];
    expect(app.runs.recoverInterrupted().sort()).toEqual(['r-reboot', ...reused]);
    expect(app.runs.get('r-reboot').error).toMatch(
      /ended without stopping it, at step 4, before its first checkpoint; /,
    );
    expect(app.runs.get('r-live').status).toBe('running');
  });

  it('keeps a run running whose owner lives though the wall clock was stepped by hours since (Linux: boot id and start ticks)', async () => {
    const { app, datasetId } = await openWithDataset(tempDir(), opened);
    const own = recordOfThisProcess();
    const bootedAt = Date.now() - os.uptime() * 1000;
    const owners = {
      // This process, recorded before the clock was stepped forward: by the clock, of an earlier boot.
      'r-stepped': { ownerStartedAt: bootedAt - 3_600_000, ownerStartTicks: own.startTicks },
      // By the clock it may be the owner; its start ticks say the pid is another process's now.
      'r-reused': { ownerStartedAt: Date.now(), ownerStartTicks: own.startTicks === null ? null : own.startTicks + 1 },
    };
    for (const [id, owner] of Object.entries(owners)) {
      app.runs.repo.add({ id, name: id, config: base(datasetId), totalSteps: 10, status: 'queued' });
      app.runs.repo.setStatus(id, 'running', { ownerPid: process.pid, ownerBootId: own.bootId, ...owner, step: 4 });
    }
    const gone = process.platform === 'linux' ? 'r-reused' : 'r-stepped';
    expect(app.runs.recoverInterrupted()).toEqual([gone]);
  });

  it("puts a killed run's checkpoint rows right from its folder: pruned ones dropped, unrecorded ones added", async () => {
    // The CLI killed (kill -9) while its engine host still wrote step 6, renamed it into place
    // and pruned step 2 (keepLast 2): the store lists 2 and 4, the folder holds 4 and 6.
    const { app, datasetId, dataDir } = await openWithDataset(tempDir(), opened);
    app.runs.repo.add({ id: 'r-killed', name: 'x', config: base(datasetId), totalSteps: 10, status: 'queued' });
    app.runs.repo.setStatus('r-killed', 'running', { ownerPid: deadPid(), step: 6 });
    const folder = (step: number) => join(app.runs.checkpointDir('r-killed'), checkpointDirName(step));
    const stored = (step: number) => `runs/r-killed/checkpoints/${checkpointDirName(step)}`;
    app.runs.repo.addCheckpoint('r-killed', { step: 2, path: stored(2), eval: { loss: 3 }, isBest: false }, []);
    app.runs.repo.addCheckpoint('r-killed', { step: 4, path: stored(4), eval: { loss: 2.5 }, isBest: true }, []);
    fakeCheckpoint(folder(4), 4, 2.5);
    fakeCheckpoint(folder(6), 6, 2); // its evaluation reached the store, its checkpoint event did not
    app.runs.repo.addMetrics('r-killed', [
      { step: 6, name: 'eval.loss', value: 2 },
      { step: 6, name: 'eval.tokenAccuracy', value: 0.5 },
    ]);
    await app.close();
    opened.splice(0);
    const again = reopen(dataDir);
    expect(again.runs.get('r-killed').status).toBe('interrupted');
    expect(
      again.runs.checkpoints('r-killed').map(({ step, isBest, eval: metrics }) => ({ step, isBest, metrics })),
    ).toEqual([
      { step: 4, isBest: false, metrics: { loss: 2.5 } },
      { step: 6, isBest: true, metrics: { loss: 2, tokenAccuracy: 0.5 } },
    ]);
    expect(again.runs.checkpointPath('r-killed', 'last')).toBe(folder(6));
    expect(again.runs.checkpointPath('r-killed', 'best')).toBe(folder(6));
  });

  it("adds a checkpoint whose evaluation never reached the store with its trainer state's, and none without one", async () => {
    const { app, datasetId } = await openWithDataset(tempDir(), opened);
    app.runs.repo.add({ id: 'r-killed', name: 'x', config: base(datasetId), totalSteps: 10, status: 'queued' });
    app.runs.repo.setStatus('r-killed', 'running', { ownerPid: deadPid(), step: 8 });
    const folder = (step: number) => join(app.runs.checkpointDir('r-killed'), checkpointDirName(step));
    fakeCheckpoint(folder(4), 4, null);
    fakeCheckpoint(folder(8), 8, 1.5);
    expect(app.runs.recoverInterrupted()).toEqual(['r-killed']);
    expect(
      app.runs.checkpoints('r-killed').map(({ step, isBest, eval: metrics }) => ({ step, isBest, metrics })),
    ).toEqual([
      { step: 4, isBest: false, metrics: null },
      { step: 8, isBest: true, metrics: { loss: 1.5, tokenAccuracy: 0.25 } },
    ]);
  });

  it('drops the row of a checkpoint gone from disk when the run is resumed', async () => {
    const { app, datasetId } = await openWithDataset(tempDir(), opened);
    app.runs.repo.add({ id: 'r-stale', name: 'x', config: base(datasetId), totalSteps: 10, status: 'stopped' });
    const gone = { step: 2, path: 'runs/r-stale/checkpoints/step-00000002', eval: null, isBest: false };
    app.runs.repo.addCheckpoint('r-stale', gone, []);
    mkdirSync(app.runs.checkpointDir('r-stale'), { recursive: true });
    // None left to read: refused until asked to start again (runsResume.test.ts).
    await expect(app.runs.resume('r-stale')).rejects.toThrow('has no checkpoint that can be read');
    await app.runs.resume('r-stale', undefined, { fromStart: true });
    expect(await app.runs.wait('r-stale')).toMatchObject({ status: 'completed', step: 10 });
    const checkpoints = app.runs.checkpoints('r-stale');
    expect(checkpoints.map((c) => c.step)).not.toContain(2);
    for (const c of checkpoints) expect(existsSync(c.path), c.path).toBe(true);
  });

  it('opens on a full disk, leaving a dead run to mark until the store can be written', async () => {
    const { app, datasetId } = await openWithDataset(tempDir(), opened);
    app.runs.repo.add({ id: 'r-dead', name: 'x', config: base(datasetId), totalSteps: 10, status: 'queued' });
    app.runs.repo.setStatus('r-dead', 'running', { ownerPid: deadPid(), step: 4 });
    const interrupt = app.runs.repo.interrupt.bind(app.runs.repo); // the write that marks it
    app.runs.repo.interrupt = () => {
      throw Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
    };
    expect(app.runs.recoverInterrupted()).toEqual([]);
    expect(app.runs.get('r-dead').status).toBe('running');
    app.runs.repo.interrupt = interrupt;
    expect(app.runs.recoverInterrupted()).toEqual(['r-dead']);
    // Any other failure is not hidden.
    app.runs.repo.setStatus('r-dead', 'running', { ownerPid: deadPid() });
    app.runs.repo.interrupt = () => {
      throw new Error('no such table: runs');
    };
    expect(() => app.runs.recoverInterrupted()).toThrow('no such table: runs');
  });

  it('marks a run whose process dies while the app watches interrupted, without a restart', async () => {
    const { app, datasetId } = await openWithDataset(tempDir(), opened);
    const heard: EventMap['runs.statusChanged'][] = [];
    app.events.subscribe((name, payload) => {
      if (name === 'runs.statusChanged') heard.push(payload as EventMap['runs.statusChanged']);
    });
    app.watchOtherProcesses(50);
    // Another process's run, as its row looks while it trains; then that process is killed.
    app.runs.repo.add({ id: 'r-killed', name: 'x', config: base(datasetId), totalSteps: 10, status: 'queued' });
    app.runs.repo.setStatus('r-killed', 'running', { ownerPid: deadPid(), step: 6 });
    await vi.waitUntil(() => app.runs.get('r-killed').status === 'interrupted', { timeout: 5000, interval: 50 });
    expect(app.runs.get('r-killed').error).toMatch(
      /ended without stopping it, at step 6, before its first checkpoint; /,
    );
    expect(heard.map((event) => event.status)).toContain('interrupted');
    // A queued run of another process has no owner until it starts: it is left alone.
    app.runs.repo.add({ id: 'r-queued', name: 'y', config: base(datasetId), totalSteps: 10, status: 'queued' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(app.runs.get('r-queued').status).toBe('queued');
    // At the next start-up it is: its process is gone, and it never had a pid to name.
    expect(app.runs.recoverInterrupted()).toEqual(['r-queued']);
    expect(app.runs.get('r-queued').error).toBe(
      'The process that started it ended before it began training; ' +
        'Resume (in a terminal: `spanfill runs resume r-queued`) continues from the beginning',
    );
  });

  it('marks a run queued by a resume whose process died interrupted while the app watches, not a live one', async () => {
    const { app, datasetId } = await openWithDataset(tempDir(), opened);
    const heard: string[] = [];
    app.events.subscribe((name, payload) => {
      if (name === 'runs.statusChanged') heard.push((payload as EventMap['runs.statusChanged']).runId);
    });
    app.watchOtherProcesses(50);
    // Trained to step 4 before; then `spanfill runs resume` queued it (owned) and was killed as it prepared.
    const pid = deadPid();
    const trained = { step: 4, startedAt: new Date().toISOString() };
    app.runs.repo.add({ id: 'r-resumed', name: 'x', config: base(datasetId), totalSteps: 10, status: 'queued' });
    app.runs.repo.setStatus('r-resumed', 'queued', { ownerPid: pid, ...trained });
    // One whose resume still prepares (its process lives) is left to it.
    app.runs.repo.add({ id: 'r-preparing', name: 'y', config: base(datasetId), totalSteps: 10, status: 'queued' });
    app.runs.repo.setStatus('r-preparing', 'queued', { ...thisProcessAsOwner(), ...trained });
    await vi.waitUntil(() => app.runs.get('r-resumed').status === 'interrupted', { timeout: 5000, interval: 50 });
    expect(app.runs.get('r-resumed').error).toBe(
      `The process resuming it (pid ${pid}) ended before it trained again; ` +
        'Resume (in a terminal: `spanfill runs resume r-resumed`) continues from the beginning',
    );
    expect(heard).toContain('r-resumed'); // the screens are told
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(app.runs.get('r-preparing').status).toBe('queued');
  });
});

describe('pause from another process', () => {
  it('marks the run paused, not stopped, with a checkpoint at its step', async () => {
    const { app: trainer, datasetId, dataDir } = await openWithDataset(tempDir(), opened);
    const other = reopen(dataDir); // `spanfill runs pause ID` in another terminal
    const config = { maxSteps: 10_000_000, checkpointEvery: 0, evalEvery: 0 };
    const trained = reached(trainer, 'runs.progress', 1);
    const run = await trainer.runs.start(base(datasetId, config));
    // Once it has trained a step: a pause asked as it starts ends it untrained, with no checkpoint
    // (runsControl.stopInstants.test.ts).
    await trained;
    const paused = await other.runs.pause(run.id);
    expect(paused.status).toBe('paused');
    expect(paused.step).toBeGreaterThan(0);
    expect(trainer.runs.checkpoints(run.id).at(-1)?.step).toBe(paused.step);
    // The request is gone once answered (also when the run ended before it looked).
    expect(existsSync(path.join(dataDir, 'runs', run.id, 'stop-request'))).toBe(false);
  }, 120_000);
});
