// datasets.importSample through the dispatcher over a real store: the bundled sample is imported
// once under its name, a second call returns the same dataset, and a renamed copy is still found
// by its documents; after it is removed the call imports it again. A sample imported from another
// folder (another checkout, an older install) is reused; other documents, or the same documents
// with another validation split, or a changed sample, are not.

import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DatasetSummary } from '../../../src/shared/contract/datasets';
import { AppServices } from '../../../src/main/services/app';
import { SAMPLE_DATASET_NAME, importSample as importSampleFrom } from '../../../src/main/services/datasetSample';
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

  it('reuses the sample imported from another folder, and nothing else', async () => {
    const dir = tempDir();
    const app = new AppServices({ dataDir: path.join(dir, 'data') });
    try {
      const elsewhere = path.join(dir, 'old-install', 'sample.txt');
      mkdirSync(path.dirname(elsewhere));
      copyFileSync(sampleTextPath(), elsewhere);
      const other = path.join(dir, 'other.txt');
      writeFileSync(other, 'Some other text.\n\nAnd another paragraph of it.\n');
      await app.datasets.import({ paths: [other], name: 'other' });
      const old = await importSampleFrom(app.datasets, undefined, elsewhere);
      expect(old).toMatchObject({ reused: false, dataset: { sourcePath: elsewhere } });
      const otherSplit = await app.datasets.import({ paths: [elsewhere], name: 'wide split', validationFraction: 0.3 });

      const here = await importSampleFrom(app.datasets);
      expect(here).toEqual({ reused: true, dataset: old.dataset });
      expect(here.dataset.id).not.toBe(otherSplit.id);

      writeFileSync(elsewhere, 'A sample changed by an update.\n', { flag: 'a' });
      const changed = await importSampleFrom(app.datasets, undefined, elsewhere);
      expect(changed.reused).toBe(false);
      expect(app.datasets.list()).toHaveLength(4);
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
