// The datasets watcher over a real store, with the rows another process's import writes: a new
// dataset's statuses are announced once each; what the store held when watching began is not; a
// renamed or removed dataset is announced once as such; what the datasets service here announced
// itself (an import, a failed one, a rename, a removal) is not announced again; an import whose
// process was killed is cleared at the next look, and announced removed once; one that failed in
// another process (a terminal's `spanfill import`) is announced failed with that process's reason
// as its row goes, even when its row could only be cleared by a later look (a full disk), and one
// cancelled there as a cancel here is (failed, without a reason).
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import type { EventName } from '../../../src/shared/events';
import { openStore } from '../../../src/main/store/db';
import { DatasetRepository } from '../../../src/main/store/datasets';
import { EventBus } from '../../../src/main/services/events';
import { DatasetsWatcher } from '../../../src/main/services/datasetsWatch';
import { DatasetService } from '../../../src/main/services/datasets';
import { renameDataset } from '../../../src/main/services/datasetRename';
import { runningChild } from '../../support/processes';
import { addDatasetRow, addImportingRow } from '../../support/storeRows';
import { tempDirs } from '../../support/tmp';

const tempDir = tempDirs('spanfill-datasets-watch-');

describe('DatasetsWatcher', () => {
  it("announces another process's import as it starts and as it lands, a rename and a removal, once each", () => {
    const store = openStore(tempDir());
    const events = new EventBus();
    const heard: [EventName, unknown][] = [];
    events.subscribe((name, payload) => heard.push([name, payload]));
    const watcher = new DatasetsWatcher({ repo: new DatasetRepository(store.db), events });
    try {
      addDatasetRow(store.db, 'ds-old');
      watcher.start(3_600_000); // only the looks below
      watcher.poll();
      expect(heard).toEqual([]);
      store.db
        .prepare(
          "INSERT INTO datasets (id, name, source_path, source_hash, format, status, created_at) VALUES ('ds-new', 'n', '/n', '', 'pending', 'importing', 'now')",
        )
        .run();
      watcher.poll();
      store.db.prepare("UPDATE datasets SET status = 'ready' WHERE id = 'ds-new'").run();
      watcher.poll();
      watcher.poll();
      expect(heard).toEqual([
        ['datasets.statusChanged', { datasetId: 'ds-new', status: 'importing' }],
        ['datasets.statusChanged', { datasetId: 'ds-new', status: 'ready' }],
      ]);
      heard.length = 0;
      store.db.prepare("UPDATE datasets SET name = 'renamed' WHERE id = 'ds-old'").run();
      watcher.poll();
      watcher.poll();
      expect(heard).toEqual([['datasets.renamed', { datasetId: 'ds-old', name: 'renamed' }]]);
      heard.length = 0;
      store.db.prepare("DELETE FROM datasets WHERE id IN ('ds-old', 'ds-new')").run();
      watcher.poll();
      watcher.poll();
      expect(heard).toEqual([
        ['datasets.removed', { datasetId: 'ds-old' }],
        ['datasets.removed', { datasetId: 'ds-new' }],
      ]);
    } finally {
      watcher.stop();
      store.close();
    }
  });

  it('says nothing again of what the datasets service here did: an import, a failed one, a rename, a removal', async () => {
    const dataDir = tempDir();
    const store = openStore(dataDir);
    const events = new EventBus();
    const service = new DatasetService({ store, dataDir, events });
    const watcher = new DatasetsWatcher({ repo: service.repo, events });
    const file = (name: string, text: string): string => {
      fs.writeFileSync(path.join(dataDir, name), text);
      return path.join(dataDir, name);
    };
    try {
      watcher.start(3_600_000); // only the looks below
      const dataset = await service.import({ paths: [file('notes.txt', 'One note.\n\nAnother note.\n')] });
      await expect(service.import({ paths: [file('empty.txt', '')] })).rejects.toThrow(/empty/);
      // One whose page went keeps its row, as failed (datasetImport.ts).
      const pageGone = { isCallerGone: () => true };
      await expect(service.import({ paths: [file('blank.txt', '')], ...pageGone })).rejects.toThrow(/empty/);
      expect(service.list().map((ds) => ds.status)).toEqual(['ready', 'failed']);
      renameDataset(service, events, dataset.id, 'renamed here');
      /** What the watcher alone says at one look. */
      const look = (): EventName[] => {
        const said: EventName[] = [];
        const unsubscribe = events.subscribe((name) => said.push(name));
        watcher.poll();
        unsubscribe();
        return said;
      };
      expect(look()).toEqual([]);
      service.remove(dataset.id);
      expect(look()).toEqual([]);
    } finally {
      watcher.stop();
      store.close();
    }
  });

  it("clears another process's import at the next look once that process is killed, and announces it removed once", async () => {
    const dataDir = tempDir();
    const store = openStore(dataDir);
    const events = new EventBus();
    const service = new DatasetService({ store, dataDir, events });
    const watcher = new DatasetsWatcher({
      repo: service.repo,
      events,
      removeAbandonedImports: () => service.removeAbandonedImports(),
    });
    const heard: [EventName, unknown][] = [];
    events.subscribe((name, payload) => heard.push([name, payload]));
    const importer = runningChild(); // a `spanfill import` in a terminal
    const folder = path.join(dataDir, 'tokens', 'ds-killed');
    try {
      watcher.start(3_600_000); // only the looks below
      addImportingRow(service.repo, 'ds-killed', importer.pid);
      fs.mkdirSync(folder, { recursive: true });
      fs.writeFileSync(path.join(folder, 'validation.split'), 'half-written');
      watcher.poll();
      watcher.poll();
      expect(heard).toEqual([['datasets.statusChanged', { datasetId: 'ds-killed', status: 'importing' }]]);
      expect(service.list().map((d) => [d.id, d.status])).toEqual([['ds-killed', 'importing']]);
      heard.length = 0;
      await importer.stop(); // kill -9
      watcher.poll();
      watcher.poll();
      expect(heard).toEqual([['datasets.removed', { datasetId: 'ds-killed' }]]);
      expect(service.list()).toEqual([]);
      expect(fs.existsSync(folder)).toBe(false);
    } finally {
      watcher.stop();
      await importer.stop();
      store.close();
    }
  });

  describe("another process's import that fails", () => {
    /** This app (its service and watcher) and a terminal's service, on one data directory. */
    function appAndTerminal(): {
      dataDir: string;
      app: DatasetService;
      terminal: DatasetService;
      watcher: DatasetsWatcher;
      heard: [EventName, unknown][];
      close: () => void;
    } {
      const dataDir = tempDir();
      const [appStore, terminalStore] = [openStore(dataDir), openStore(dataDir)];
      const events = new EventBus();
      const app = new DatasetService({ store: appStore, dataDir, events });
      const terminal = new DatasetService({ store: terminalStore, dataDir, events: new EventBus() });
      const watcher = new DatasetsWatcher({
        repo: app.repo,
        events,
        removeAbandonedImports: () => app.removeAbandonedImports(),
      });
      const heard: [EventName, unknown][] = [];
      events.subscribe((name, payload) => heard.push([name, payload]));
      watcher.start(3_600_000); // only the looks below
      const close = (): void => {
        watcher.stop();
        terminalStore.close();
        appStore.close();
      };
      return { dataDir, app, terminal, watcher, heard, close };
    }

    /** A file that is not text (a NUL byte in its first bytes), which an import refuses. */
    function notText(dataDir: string): string {
      const file = path.join(dataDir, 'photo.txt');
      fs.writeFileSync(file, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x00, 0x0d, 0x0a]));
      return file;
    }

    it('is announced failed with the reason its terminal was told, as its row goes', async () => {
      const { dataDir, terminal, watcher, heard, close } = appAndTerminal();
      try {
        const importing = terminal.import({ paths: [notText(dataDir)] });
        watcher.poll();
        const [[, started]] = heard as [EventName, { datasetId: string }][];
        const id = started.datasetId;
        const told = await importing.then(
          () => undefined,
          (error: unknown) => (error as Error).message,
        );
        expect(told).toMatch(/photo\.txt/);
        heard.length = 0;
        watcher.poll();
        watcher.poll();
        expect(heard).toEqual([
          ['datasets.statusChanged', { datasetId: id, status: 'failed', error: told }],
          ['datasets.removed', { datasetId: id }],
        ]);
      } finally {
        close();
      }
    });

    it('is announced as a cancel is here (failed, without a reason) when Ctrl-C cancelled it', async () => {
      const { dataDir, terminal, watcher, heard, close } = appAndTerminal();
      try {
        const file = path.join(dataDir, 'notes.txt');
        fs.writeFileSync(file, 'One note.\n\nAnother note.\n');
        const ctrlC = new AbortController();
        const importing = terminal.import({ paths: [file] }, ctrlC.signal);
        watcher.poll();
        ctrlC.abort();
        await expect(importing).rejects.toThrow(/cancel/i);
        const [[, started]] = heard as [EventName, { datasetId: string }][];
        heard.length = 0;
        watcher.poll();
        expect(heard).toEqual([
          ['datasets.statusChanged', { datasetId: started.datasetId, status: 'failed' }],
          ['datasets.removed', { datasetId: started.datasetId }],
        ]);
      } finally {
        close();
      }
    });

    it("is announced failed with its reason where its row is kept as failed (another server's, whose page went)", async () => {
      const { dataDir, terminal, watcher, heard, close } = appAndTerminal();
      try {
        const importing = terminal.import({ paths: [notText(dataDir)], isCallerGone: () => true });
        watcher.poll();
        const told = await importing.then(
          () => undefined,
          (error: unknown) => (error as Error).message,
        );
        expect(told).toMatch(/photo\.txt/);
        const [[, started]] = heard as [EventName, { datasetId: string }][];
        heard.length = 0;
        watcher.poll();
        expect(heard).toEqual([
          ['datasets.statusChanged', { datasetId: started.datasetId, status: 'failed', error: told }],
        ]);
      } finally {
        close();
      }
    });

    it('is announced failed with its reason when its row is cleared only at a later look (a full disk)', async () => {
      const { dataDir, app, terminal, watcher, heard, close } = appAndTerminal();
      try {
        // Its documents cannot be deleted as it fails, so its row stays 'importing', its process gone.
        vi.spyOn(terminal.repo, 'deleteDocuments').mockImplementation(() => {
          throw new Error('database or disk is full');
        });
        const importing = terminal.import({ paths: [notText(dataDir)] });
        watcher.poll();
        const told = await importing.then(
          () => undefined,
          (error: unknown) => (error as Error).message,
        );
        expect(told).toMatch(/photo\.txt/);
        vi.restoreAllMocks();
        const [[, started]] = heard as [EventName, { datasetId: string }][];
        heard.length = 0;
        watcher.poll();
        watcher.poll();
        expect(heard).toEqual([
          ['datasets.statusChanged', { datasetId: started.datasetId, status: 'failed', error: told }],
          ['datasets.removed', { datasetId: started.datasetId }],
        ]);
        expect(app.list()).toEqual([]);
      } finally {
        close();
      }
    });
  });
});
