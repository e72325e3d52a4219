// datasets.importSample through the dispatcher over a real store: the bundled sample is imported
// once under its name, a second call returns the same dataset, and a renamed copy is still found
// by its source; after it is removed the call imports it again.

import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DatasetSummary } from '../../../src/shared/contract/datasets';
import { AppServices } from '../../../src/main/services/app';
import { SAMPLE_DATASET_NAME } from '../../../src/main/services/datasetSample';
import { sampleTextPath } from '../../../src/main/resources';
import { tempDirs } from '../../support/tmp';

const tempDir = tempDirs('spanfill-sample-');

async function importSample(app: AppServices): Promise<DatasetSummary> {
  const answer = await app.call('datasets.importSample', {});
  if (!answer.ok) throw new Error(JSON.stringify(answer.error));
  return answer.result as DatasetSummary;
}

describe('datasets.importSample', () => {
  it('imports the bundled sample once and then returns that dataset', async () => {
    const app = new AppServices({ dataDir: path.join(tempDir(), 'data') });
    try {
      const first = await importSample(app);
      expect(first).toMatchObject({ name: SAMPLE_DATASET_NAME, status: 'ready', sourcePath: sampleTextPath() });
      expect(first.stats?.documents).toBeGreaterThan(100);
      await app.call('datasets.rename', { id: first.id, name: 'Mine now' });
      const second = await importSample(app);
      expect(second).toMatchObject({ id: first.id, name: 'Mine now' });
      expect(app.datasets.list()).toHaveLength(1);
      app.datasets.remove(first.id);
      const third = await importSample(app);
      expect(third.id).not.toBe(first.id);
      expect(app.datasets.list().map((d) => d.id)).toEqual([third.id]);
    } finally {
      await app.close();
    }
  });

  it('takes no arguments (the contract refuses any)', async () => {
    const app = new AppServices({ dataDir: path.join(tempDir(), 'data') });
    try {
      const answer = await app.call('datasets.importSample', { path: '/etc/passwd' });
      expect(answer).toMatchObject({ ok: false, error: { code: 'invalid_argument' } });
      expect(app.datasets.list()).toHaveLength(0);
    } finally {
      await app.close();
    }
  });
});
