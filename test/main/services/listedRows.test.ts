// A page is told of the removal of every row a list showed it (listedRows.ts). A model, dataset
// or run that another process adds, and removes again within one look of this process's
// watchers, is listed by the page in between (its list reads the store): the list hands what it
// answers to that watcher, so the removal is a difference at the next look. The watchers' looks
// here are the fake interval's, driven by hand.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AppServices } from '../../../src/main/services/app';
import { openStore, type Store } from '../../../src/main/store/db';
import { DatasetRepository } from '../../../src/main/store/datasets';
import { ModelRepository } from '../../../src/main/store/models';
import { RunRepository } from '../../../src/main/store/runs';
import { runConfigSchema } from '../../../src/shared/contract/runs';
import type { EventName } from '../../../src/shared/events';
import { addDatasetRow } from '../../support/storeRows';
import { tempDirs } from '../../support/tmp';
import { modelRow } from './watch-support';

const tempDir = tempDirs('spanfill-listed-rows-');
const lookMs = 1000;

let app: AppServices;
/** The same data directory as another process opens it. */
let other: Store;
let heard: [EventName, unknown][];

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
  const dataDir = tempDir();
  app = new AppServices({ dataDir, env: {} });
  other = openStore(dataDir);
  heard = [];
  app.events.subscribe((name, payload) => heard.push([name, payload]));
  app.watchOtherProcesses(lookMs);
});

afterEach(async () => {
  other.close();
  await app.close();
  vi.useRealTimers();
});

/** Lists by `call` as the page does; the ids it answered. */
async function listed(call: 'models.list' | 'datasets.list' | 'runs.list'): Promise<string[]> {
  const answer = await app.call(call, {});
  if (!answer.ok) throw new Error(answer.error.message);
  return (answer.result as { id: string }[]).map((row) => row.id);
}

/** A dataset another process has imported. */
function addReadyDataset(id: string): void {
  addDatasetRow(other.db, id);
  other.db.prepare("UPDATE datasets SET status = 'ready' WHERE id = ?").run(id);
}

/** The events heard of `domain` (models, datasets, runs). */
function heardOf(domain: string): [EventName, unknown][] {
  return heard.filter(([name]) => name.startsWith(`${domain}.`));
}

/** One look of every watcher. */
function look(): void {
  vi.advanceTimersByTime(lookMs);
}

describe('a row another process adds and removes within one look, listed in between', () => {
  it('is a model said deleted at the next look', async () => {
    const models = new ModelRepository(other.db);
    models.add(modelRow('m-brief'));
    expect(await listed('models.list')).toEqual(['m-brief']);
    models.remove('m-brief');
    look();
    look();
    // Its coming is said to every page as the list is answered, its going at the next look, once each.
    expect(heardOf('models')).toEqual([
      ['models.statusChanged', { modelId: 'm-brief', status: 'ready' }],
      ['models.statusChanged', { modelId: 'm-brief', status: 'deleted' }],
    ]);
  });

  it('is a dataset said removed at the next look', async () => {
    addReadyDataset('ds-brief');
    expect(await listed('datasets.list')).toEqual(['ds-brief']);
    new DatasetRepository(other.db).delete('ds-brief');
    look();
    look();
    expect(heardOf('datasets')).toEqual([
      ['datasets.statusChanged', { datasetId: 'ds-brief', status: 'ready' }],
      ['datasets.removed', { datasetId: 'ds-brief' }],
    ]);
  });

  it('is a run said removed at the next look', async () => {
    addReadyDataset('ds-1');
    look(); // (the dataset is known; the run is the row in question)
    const runs = new RunRepository(other.db);
    const config = runConfigSchema.parse({ model: '/m', datasetId: 'ds-1', maxSteps: 8 });
    runs.add({ id: 'r-brief', name: 'brief', config, totalSteps: 8, status: 'completed' });
    expect(await listed('runs.list')).toEqual(['r-brief']);
    runs.remove('r-brief');
    look();
    look();
    expect(heardOf('runs')).toEqual([
      ['runs.statusChanged', { runId: 'r-brief', status: 'completed', step: 0 }],
      ['runs.removed', { runId: 'r-brief' }],
    ]);
  });
});
