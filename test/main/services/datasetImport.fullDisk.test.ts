// An import that fills the disk, on a real full disk: a small tmpfs (test/support/smallDisk.ts;
// mounting one needs root, elsewhere these tests are skipped). The failed import's clean-up may
// itself find no room; it must not lock the data directory: the services still open and list,
// and the abandoned import is removed, and its space given back, once there is room.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DatasetService } from '../../../src/main/services/datasets';
import { EventBus } from '../../../src/main/services/events';
import { databaseFileName, openStore, type Store } from '../../../src/main/store/db';
import { fillDisk, smallDisks } from '../../support/smallDisk';
import { counts } from './datasets-support';

const cleanup: (() => void)[] = [];
afterEach(() => {
  for (const f of cleanup.splice(0).reverse()) f();
});

const disks = smallDisks();

function freeBytes(dir: string): number {
  const stats = fs.statfsSync(dir);
  return stats.bavail * stats.bsize;
}

/** About `megabytes` of distinct paragraphs, outside the small disk. */
function bigText(megabytes: number): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spanfill-big-'));
  cleanup.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  const line = 'ordinary words of a long novel that fills the disk '.repeat(18);
  const count = Math.ceil((megabytes * 1024 * 1024) / (line.length + 20));
  const file = path.join(dir, 'big.txt');
  fs.writeFileSync(file, Array.from({ length: count }, (_, i) => `Paragraph ${i}: ${line}`).join('\n\n'));
  return file;
}

function open(dataDir: string): { store: Store; service: () => DatasetService } {
  const store = openStore(dataDir);
  cleanup.push(() => store.close());
  return { store, service: () => new DatasetService({ store, dataDir, events: new EventBus() }) };
}

const databaseBytes = (dataDir: string): number =>
  ['', '-wal'].reduce(
    (sum, end) => sum + (fs.statSync(path.join(dataDir, databaseFileName + end), { throwIfNoEntry: false })?.size ?? 0),
    0,
  );

describe.skipIf(!disks.canMount)('an import that fills a real disk', () => {
  it('leaves the services openable and goes, its room given back, once there is room', async () => {
    const disk = disks.make(16 * 1024)!;
    const dataDir = path.join(disk, 'data');
    const big = bigText(14);
    let current = open(dataDir);
    const before = databaseBytes(dataDir);
    const reopen = (): DatasetService => {
      current.store.close();
      cleanup.pop();
      current = open(dataDir);
      return current.service();
    };
    const filler = fillDisk(disk, 5 * 1024 * 1024);

    await expect(current.service().import({ paths: [big], name: 'big' })).rejects.toThrow(/database or disk is full/);

    // No room even for its clean-up: it stays importing, and every open of the services (every
    // command's) still works and lists it; `datasets rm` says the disk is full, taking no room.
    const service = reopen();
    const [left] = service.list();
    expect([left.name, left.status]).toEqual(['big', 'importing']);
    const files = databaseBytes(dataDir);
    expect(() => service.remove(left.id)).toThrow(/database or disk is full: deleting the documents of dataset/);
    expect(databaseBytes(dataDir)).toBe(files);

    // Room freed (deleting a checkpoint folder, say): the next open removes the import and gives
    // its room back, all of it.
    fs.truncateSync(filler, fs.statSync(filler).size - 6 * 1024 * 1024);
    expect(reopen().list()).toEqual([]);
    expect(counts(current.store)).toEqual({ datasets: 0, documents: 0 });
    expect(databaseBytes(dataDir)).toBeLessThan(before + 1024 * 1024);
    expect(freeBytes(disk)).toBeGreaterThan(10 * 1024 * 1024); // the 5 MiB left before the import, and the 6 freed
  }, 60_000);
});
