// AppServices and running imports (issue #9, item 3): datasets.cancelImport over the contract
// answers only once the import has deleted its row, and close() during an import (a client
// gone, a server shutting down) leaves no 'importing' row in the store it closes; one another
// process left 'importing' when it was killed goes from an app that watches within an interval.

import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AppServices } from '../../../src/main/services/app';
import { openStore } from '../../../src/main/store/db';
import { DatasetRepository } from '../../../src/main/store/datasets';
import type { Envelope } from '../../../src/shared/errors';
import { runningChild } from '../../support/processes';
import { addImportingRow } from '../../support/storeRows';
import { tempDirs } from '../../support/tmp';

const tempDir = tempDirs('spanfill-app-');

/** A data directory, and a text file big enough that its import is still reading when asked. */
function setup(): { dataDir: string; big: string } {
  const dataDir = tempDir();
  const big = path.join(dataDir, 'big.txt');
  const paragraphs = Array.from({ length: 400_000 }, (_, i) => `paragraph number ${i} of the big file`);
  fs.writeFileSync(big, paragraphs.join('\n\n'));
  return { dataDir, big };
}

/** Runs `onReading(id)` at the import's first progress event (mid-read); resolves with its result. */
function atFirstProgress<T>(app: AppServices, onReading: (id: string) => Promise<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    const unsubscribe = app.events.subscribe((event, payload) => {
      if (event !== 'datasets.importProgress') return;
      unsubscribe();
      onReading((payload as { datasetId: string }).datasetId).then(resolve, reject);
    });
  });
}

/** Rows of the store at `dataDir` as another process would see them. */
function storedStatuses(dataDir: string): string[] {
  const store = openStore(dataDir);
  try {
    return new DatasetRepository(store.db).list().map((row) => row.status);
  } finally {
    store.close();
  }
}

describe('AppServices and running imports', () => {
  it('answers datasets.cancelImport only once the import has deleted its row', async () => {
    const { dataDir, big } = setup();
    const app = new AppServices({ dataDir });
    try {
      const cancelled = atFirstProgress(app, async (id) => {
        const answer = await app.call('datasets.cancelImport', { id });
        // Looked at the moment the answer comes, before anything else runs.
        return { answer, row: app.datasets.repo.get(id) };
      });
      const imported = app.call('datasets.import', { paths: [big] });
      const { answer, row } = await cancelled;
      expect(answer).toMatchObject({ ok: true, result: { cancelled: true } });
      expect(row).toBeUndefined();
      expect(await imported).toMatchObject({ ok: false, error: { code: 'cancelled' } });
      expect(app.datasets.list()).toEqual([]);
    } finally {
      await app.close();
    }
  });

  it('answers cancelled: false for an id that is not importing', async () => {
    const { dataDir } = setup();
    const app = new AppServices({ dataDir });
    try {
      expect(await app.call('datasets.cancelImport', { id: 'ds-none' })).toEqual({
        ok: true,
        result: { id: 'ds-none', cancelled: false },
      });
    } finally {
      await app.close();
    }
  });

  it('close() during an import cancels it and leaves no importing row', async () => {
    const { dataDir, big } = setup();
    const app = new AppServices({ dataDir });
    const closed = atFirstProgress(app, () => app.close());
    const imported: Promise<Envelope<unknown>> = app.call('datasets.import', { paths: [big] });
    await closed;
    expect(await imported).toMatchObject({ ok: false, error: { code: 'cancelled' } });
    expect(storedStatuses(dataDir)).toEqual([]);
  });

  it('watching other processes, clears within an interval an import whose process was killed (kill -9 of `spanfill import`)', async () => {
    const app = new AppServices({ dataDir: tempDir() });
    const importer = runningChild();
    try {
      app.watchOtherProcesses(50);
      const removed = new Promise<unknown>((resolve) => {
        app.events.subscribe((event, payload) => {
          if (event === 'datasets.removed') resolve(payload);
        });
      });
      addImportingRow(app.datasets.repo, 'ds-killed', importer.pid);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(app.datasets.list().map((d) => d.status)).toEqual(['importing']);
      await importer.stop();
      const timeout = new Promise((resolve) => setTimeout(() => resolve('still importing after 3 s'), 3000));
      expect(await Promise.race([removed, timeout])).toEqual({ datasetId: 'ds-killed' });
      expect(app.datasets.list()).toEqual([]);
    } finally {
      await importer.stop();
      await app.close();
    }
  });
});
