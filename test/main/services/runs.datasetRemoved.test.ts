// A run started while another process (here: a second set of services on the same data
// directory, as `spanfill serve` beside `spanfill train`) removes its dataset: removed while the
// run is prepared (its tokenizer loading, its cache being built) or just before its row is
// inserted, the start says the dataset was removed before the run could start and leaves
// nothing behind (no run row, run folder, trainer lock or token folder); once its row is in,
// the removal is refused and the run trains.

import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EventMap } from '../../../src/shared/events';
import { ApiError } from '../../../src/shared/errors';
import type { AppServices } from '../../../src/main/services/app';
import { trainerLockPath } from '../../../src/main/services/runsLock';
import { runsServiceKit, smallRunConfig } from './runs-support';

const kit = runsServiceKit();

/** The refusal a start meets when its dataset went meanwhile. */
const removedBeforeStart = (datasetId: string): ApiError =>
  new ApiError(
    'conflict',
    `Dataset ${datasetId} ("texts.txt") was removed elsewhere before the run could start; no run was created ` +
      'and nothing was kept for it: import its text again to train on it',
  );

/** What a start that did not happen must not leave in `dataDir`. */
function expectNothingLeft(app: AppServices, dataDir: string): void {
  expect(app.runs.list()).toEqual([]);
  expect(fs.readdirSync(path.join(dataDir, 'tokens'))).toEqual([]);
  const runsDir = path.join(dataDir, 'runs');
  expect(fs.existsSync(runsDir) ? fs.readdirSync(runsDir) : []).toEqual([]);
  expect(fs.existsSync(trainerLockPath(dataDir))).toBe(false);
}

/**
 * Services on a fresh data directory holding a dataset, and a second set (another process) that
 * removes the dataset just `before` or just `after` the first inserts a run's row; `removal()`:
 * what that removal answered, or threw.
 */
async function removingAtInsert(when: 'before' | 'after') {
  const { dataDir, datasetId, app } = await kit.setUp();
  const other = kit.open(dataDir);
  const add = app.runs.repo.add.bind(app.runs.repo);
  let outcome: unknown;
  const remove = (): void => {
    try {
      outcome = other.datasets.remove(datasetId);
    } catch (error) {
      outcome = error;
    }
  };
  app.runs.repo.add = (run) => {
    if (when === 'before') remove();
    const row = add(run);
    if (when === 'after') remove();
    return row;
  };
  return { dataDir, datasetId, app, removal: () => outcome };
}

describe('a run whose dataset another process removes as it starts', () => {
  it('removed while its tokenizer loads: says so, with no cache left for the removed dataset', async () => {
    const { dataDir, datasetId, app } = await kit.setUp();
    const other = kit.open(dataDir);
    const tokenizers = app.datasets.tokenizers;
    const load = tokenizers.load.bind(tokenizers);
    tokenizers.load = async (source) => {
      const tokenizer = await load(source);
      if (other.datasets.list().length > 0) other.datasets.remove(datasetId);
      return tokenizer;
    };
    await expect(app.runs.start(smallRunConfig(datasetId))).rejects.toEqual(removedBeforeStart(datasetId));
    expectNothingLeft(app, dataDir);
  }, 60_000);

  it('removed while its token cache is built in the engine host: says so, with nothing left', async () => {
    const texts = Array.from({ length: 3000 }, (_, i) => `document ${i} says the cute dog walks in the green park`);
    const { dataDir, datasetId, app } = await kit.setUp(texts);
    const other = kit.open(dataDir);
    let removed = false;
    app.events.subscribe((event, payload) => {
      if (event !== 'datasets.importProgress' || removed) return;
      if ((payload as EventMap['datasets.importProgress']).phase === 'tokenizing')
        removed = other.datasets.remove(datasetId).removed;
    });
    await expect(app.runs.start(smallRunConfig(datasetId))).rejects.toEqual(removedBeforeStart(datasetId));
    expect(removed).toBe(true);
    expectNothingLeft(app, dataDir);
  }, 60_000);

  it('removed just before its row is inserted: says so, and the trainer lock is free again', async () => {
    const { dataDir, datasetId, app, removal } = await removingAtInsert('before');
    await expect(app.runs.start(smallRunConfig(datasetId))).rejects.toEqual(removedBeforeStart(datasetId));
    expect(removal()).toMatchObject({ removed: true });
    expectNothingLeft(app, dataDir);
  }, 60_000);

  it('once its row is inserted, the removal is refused and the run trains', async () => {
    const { datasetId, app, removal } = await removingAtInsert('after');
    const started = await app.runs.start(smallRunConfig(datasetId, { name: 'race' }));
    expect(removal()).toEqual(
      new ApiError(
        'conflict',
        `Run ${started.id} ("race") is starting to train on dataset ${datasetId}; stop it first (or let it finish). ` +
          'A run whose dataset is removed cannot be resumed.',
      ),
    );
    expect((await app.runs.wait(started.id)).status).toBe('completed');
    expect(app.datasets.list().map((d) => d.id)).toEqual([datasetId]);
  }, 60_000);
});
