// A folder inside the data directory is not registered as a model (probe-odd F1): Spanfill
// deletes what lies there when its run is removed or prunes checkpoints, or its pull or dataset
// is removed, so the model would go "missing on disk" with no word. A run's checkpoint is
// refused naming the run and step, what takes it as it is, and how to keep a copy as a model;
// under the data directory's exports/ folder (what an export writes, never deleted) is fine.

import { cpSync, mkdirSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runConfigSchema } from '../../../src/shared/contract/runs';
import { RunRepository } from '../../../src/main/store/runs';
import { addDatasetRow } from '../../support/storeRows';
import { FIXTURE, modelsTestKit, rejection } from './models-support';

const { setup, tempDir } = modelsTestKit();

describe('ModelService.import of a folder inside the data directory', () => {
  it("refuses a run's checkpoint, naming the run and step and what to do instead", async () => {
    const { service, dataDir, store } = await setup();
    addDatasetRow(store.db, 'ds-1');
    const config = runConfigSchema.parse({ model: '/m', datasetId: 'ds-1', maxSteps: 4 });
    new RunRepository(store.db).add({
      id: 'r-1234abcd',
      name: 'tiny on notes',
      config,
      totalSteps: 4,
      status: 'completed',
    });
    const checkpoint = path.join(dataDir, 'runs', 'r-1234abcd', 'checkpoints', 'step-00000004');
    cpSync(FIXTURE, checkpoint, { recursive: true });
    const error = await rejection(service.import({ path: checkpoint }));
    expect(error.code).toBe('invalid_input');
    expect(error.message).toBe(
      `${checkpoint} is checkpoint 4 of run r-1234abcd (tiny on notes), in Spanfill's data directory: ` +
        '`spanfill runs rm r-1234abcd` deletes it, as the run does while it trains and keeps only its best and ' +
        'last checkpoints, so it is not registered as a model. A checkpoint needs no import: ' +
        '`spanfill fill --run r-1234abcd --checkpoint 4 "Text with <extra_id_0> where a span is missing"`, ' +
        `\`spanfill train --model ${checkpoint} --dataset ID\`, and the Playground offers it. To keep it as a model, ` +
        'export a copy and import that: `spanfill export --run r-1234abcd --checkpoint 4 --format hf --out DIR`, ' +
        'then `spanfill models import DIR`',
    );
    // The folder as given, quoted for a shell where it needs it: the command runs as written.
    const link = path.join(tempDir(), 'my checkpoint');
    symlinkSync(checkpoint, link);
    const linked = await rejection(service.import({ path: link }));
    expect(linked.message).toContain(`\`spanfill train --model '${link}' --dataset ID\``);
    expect(service.list()).toEqual([]);
  });

  it('refuses any other folder of the data directory, reached through a link too', async () => {
    const { service, dataDir } = await setup();
    const inCache = path.join(dataDir, 'models', 'hub', 'some-snapshot');
    cpSync(FIXTURE, inCache, { recursive: true });
    const link = path.join(tempDir(), 'linked snapshot');
    symlinkSync(inCache, link);
    for (const [given, word] of [
      [inCache, inCache],
      [link, `'${link}'`],
    ]) {
      const error = await rejection(service.import({ path: given }));
      expect(error.code).toBe('invalid_input');
      expect(error.message).toBe(
        `${given} is inside Spanfill's data directory (${dataDir}), whose folders are deleted with the run, ` +
          'pull or dataset they belong to, so it is not registered as a model. Copy it to a folder of your own, ' +
          `or export it (\`spanfill export --model ${word} --format hf --out DIR\`), and import that`,
      );
    }
    expect(service.list()).toEqual([]);
  });

  it("registers a folder under the data directory's exports folder, which nothing deletes", async () => {
    const { service, dataDir } = await setup();
    const exported = path.join(dataDir, 'exports', 'tuned');
    mkdirSync(path.dirname(exported), { recursive: true });
    cpSync(FIXTURE, exported, { recursive: true });
    const model = await service.import({ path: exported });
    expect(model).toMatchObject({ name: 'tuned', path: exported, isAvailable: true });
  });
});
