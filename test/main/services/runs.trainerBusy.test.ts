// While another process trains on the data directory (its trainer lock held by a live process),
// a resume or a new run is refused at once, before it prepares (counting the dataset's tokens,
// possibly for minutes) and, for a resume, before the run is queued: no status flickers to
// queued and back (which on the Runs screen took Resume away and back, and the focus with it).

import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AppServices } from '../../../src/main/services/app';
import { trainerLockPath } from '../../../src/main/services/runsLock';
import { reached, runsServiceKit, smallRunConfig } from './runs-support';

const { setUp } = runsServiceKit();

/** Counts the times `app` prepares a run (its dataset's tokens asked for). */
function countPreparations(app: AppServices): { count: number } {
  const seen = { count: 0 };
  const tokens = app.datasets.tokens.bind(app.datasets);
  app.datasets.tokens = async (...args) => {
    seen.count++;
    return tokens(...args);
  };
  return seen;
}

/** The lock of another live process (this test's parent) training run `runId`. */
function lockedByAnother(dataDir: string, runId: string): void {
  fs.mkdirSync(path.dirname(trainerLockPath(dataDir)), { recursive: true });
  fs.writeFileSync(trainerLockPath(dataDir), JSON.stringify({ pid: process.ppid, startedAt: Date.now(), runId }));
}

describe('while another process trains on the data directory', () => {
  it('a resume is refused before it queues the run or prepares it', async () => {
    const { app, datasetId, dataDir } = await setUp();
    const config = smallRunConfig(datasetId, { name: 'paused', maxSteps: 12, checkpointEvery: 4, evalEvery: 0 });
    const started = await app.runs.start(config);
    await reached(app, 'runs.checkpoint', 4);
    await app.runs.pause(started.id);
    lockedByAnother(dataDir, 'r-other');
    const statuses: string[] = [];
    app.events.subscribe((event, payload) => {
      if (event === 'runs.statusChanged') statuses.push((payload as { status: string }).status);
    });
    const prepared = countPreparations(app);
    await expect(app.runs.resume(started.id)).rejects.toThrow(
      `Run r-other is starting to train on this data directory (pid ${process.ppid}); one run trains at a time`,
    );
    expect(prepared.count).toBe(0);
    expect(statuses).toEqual([]);
    expect(app.runs.get(started.id)).toMatchObject({ status: 'paused' });
  }, 120_000);

  it('a new run is refused before it prepares', async () => {
    const { app, datasetId, dataDir } = await setUp();
    lockedByAnother(dataDir, 'r-other');
    const prepared = countPreparations(app);
    await expect(app.runs.start(smallRunConfig(datasetId, { maxSteps: 4 }))).rejects.toThrow(
      /one run trains at a time/,
    );
    expect(prepared.count).toBe(0);
    expect(app.runs.list()).toEqual([]);
  }, 60_000);
});
