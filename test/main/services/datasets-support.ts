// Shared by the datasets service tests (datasets, datasetsRemove, datasetTokens): a
// DatasetService over a fresh store in a temp data dir that records the events it emits, the
// store's row counts, and a short novel to import. Call datasetsTestKit() at module level: it
// registers the afterEach that closes the stores and removes the folders each test made.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach } from 'vitest';
import type { EventMap, EventName } from '../../../src/shared/events';
import { DatasetService } from '../../../src/main/services/datasets';
import { EventBus } from '../../../src/main/services/events';
import { openStore, type Store } from '../../../src/main/store/db';

export const spmDir = path.join(__dirname, '../../fixtures/t5/t5-tiny-spm');

export const novel = Array.from({ length: 30 }, (_, i) => `Paragraph ${i}: the cute dog walks in the green park.`).join(
  '\n\n',
);

export interface DatasetsTestKit {
  /** Run after each test, then emptied (for more to stop, such as an engine host). */
  readonly cleanup: (() => void)[];
  setup(options?: { compactMinFreeBytes?: number }): {
    dataDir: string;
    store: Store;
    events: EventBus;
    seen: { event: EventName; payload: unknown }[];
    service: DatasetService;
    write: (name: string, text: string) => string;
  };
}

export function datasetsTestKit(): DatasetsTestKit {
  const cleanup: (() => void)[] = [];
  afterEach(() => {
    for (const f of cleanup.splice(0)) f();
  });
  const setup: DatasetsTestKit['setup'] = (options = {}) => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'spanfill-ds-'));
    const store = openStore(dataDir);
    cleanup.push(() => {
      store.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    });
    const events = new EventBus();
    const seen: { event: EventName; payload: unknown }[] = [];
    events.subscribe(<E extends EventName>(event: E, payload: EventMap[E]) => void seen.push({ event, payload }));
    const write = (name: string, text: string): string => {
      const file = path.join(dataDir, 'in', name);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, text);
      return file;
    };
    return { dataDir, store, events, seen, service: new DatasetService({ store, dataDir, events, ...options }), write };
  };
  return { cleanup, setup };
}

export function counts(store: Store): { datasets: number; documents: number } {
  const n = (table: string): number =>
    (store.db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
  return { datasets: n('datasets'), documents: n('documents') };
}
