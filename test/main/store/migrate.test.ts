// migrate.ts: an open that must migrate a database another process is migrating (the app and a
// command started together on a data directory an older version wrote) waits for it past the
// ordinary busy timeout, saying so, and then finds it migrated; where even the long wait runs
// out, it says that another Spanfill is updating the database and to try again, not that the
// database is damaged. The other process is a real one holding the real lock. How long the wait
// lasts goes by the database's size (migrationWaitMs).

import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { databaseFileName, openStore, StoreError, type FreeSpace } from '../../../src/main/store/db';
import { migrationWaitMs } from '../../../src/main/store/migrate';
import { latestSchemaVersion, migrations } from '../../../src/main/store/migrations';
import { tempDirs } from '../../support/tmp';
import { exited, otherProcess } from './fixtures/otherProcess';

const tempDir = tempDirs('spanfill-store-migrate-');
const roomy = (): FreeSpace => ({ bytes: 10 * 1024 ** 3, files: 1000 });
/** Longer than the ordinary busy timeout (5 s), which the open used to give up after. */
const PAST_BUSY_TIMEOUT_MS = 8000;

/** A data directory whose database an older Spanfill (schema 3) wrote. */
function schema3DataDir(): string {
  const dir = tempDir();
  openStore(dir, { migrations: migrations.filter((m) => m.version <= 3), freeSpace: roomy }).close();
  return dir;
}

describe('openStore while another process migrates the database', () => {
  it('waits past the ordinary busy timeout, says so once, and finds it migrated', async () => {
    const dir = schema3DataDir();
    const other = await otherProcess(dir, 'migrate', PAST_BUSY_TIMEOUT_MS);
    const said: string[] = [];
    const store = openStore(dir, { freeSpace: roomy, onWait: (line) => said.push(line) });
    try {
      expect(store.schemaVersion).toBe(latestSchemaVersion);
      expect(store.migration).toBeUndefined(); // the other process migrated it, and kept the copy
      expect(fs.existsSync(path.join(dir, `${databaseFileName}.schema-3.bak`))).toBe(true);
      expect(said).toHaveLength(1);
      expect(said[0]).toContain(`Another Spanfill is updating the database ${store.path}`);
      expect(said[0]).toMatch(/waiting up to \d+ minutes for it to finish/);
      // Its ordinary operations keep the ordinary busy timeout.
      expect(store.db.pragma('busy_timeout', { simple: true })).toBe(5000);
    } finally {
      store.close();
    }
    expect(await exited(other)).toBe(0);
  }, 60_000);

  it('says another Spanfill is updating it and to try again, not that it is damaged, when the wait runs out', async () => {
    const dir = schema3DataDir();
    await otherProcess(dir, 'hold', 60_000);
    const said: string[] = [];
    let refusal: unknown;
    try {
      openStore(dir, { freeSpace: roomy, onWait: (line) => said.push(line), migrationWaitMs: 500 }).close();
    } catch (error) {
      refusal = error;
    }
    const file = path.join(dir, databaseFileName);
    expect(refusal).toBeInstanceOf(StoreError);
    const message = (refusal as Error).message;
    expect(message).toContain(`Another Spanfill is updating the database ${file}`);
    expect(message).toContain('try again when it has finished');
    expect(message).not.toContain('backup');
    expect(said).toHaveLength(1);
  }, 60_000);
});

describe('migrationWaitMs', () => {
  const minutes = (count: number): number => count * 60 * 1000;
  /** A database file (and its -wal) of these sizes; sparse, so no disk is filled. */
  function databaseOf(bytes: number, walBytes?: number): string {
    const file = path.join(tempDir(), databaseFileName);
    for (const [part, size] of [
      [file, bytes],
      [`${file}-wal`, walBytes],
    ] as const) {
      if (size === undefined) continue;
      fs.writeFileSync(part, '');
      fs.truncateSync(part, size);
    }
    return file;
  }

  it('waits ten minutes for a small database or none', () => {
    expect(migrationWaitMs(databaseOf(4096))).toBe(minutes(10));
    expect(migrationWaitMs(path.join(tempDir(), databaseFileName))).toBe(minutes(10));
  });

  it('waits for a large one as long as a 10 MB/s disk takes to write it twice, its -wal included', () => {
    // 12 GB: 24 GB written at 10 MB/s is 2,400 s.
    expect(migrationWaitMs(databaseOf(12e9))).toBe(minutes(40));
    // 5 GB and a 1 GB log: 12 GB at 10 MB/s is 1,200 s.
    expect(migrationWaitMs(databaseOf(5e9, 1e9))).toBe(minutes(20));
  });
});

describe('migrating to the latest schema', () => {
  it('applies only the migrations a database lacks', () => {
    const dir = tempDir();
    openStore(dir).close();
    // Already-applied versions carry SQL that would fail if it ran again.
    const applied = Array.from({ length: latestSchemaVersion }, (_, i) => ({
      version: i + 1,
      name: 'done',
      sql: 'SELECT boom;',
    }));
    const extra = {
      version: latestSchemaVersion + 1,
      name: 'test',
      sql: 'CREATE TABLE extra (id INTEGER PRIMARY KEY);',
    };
    const store = openStore(dir, { migrations: [...applied, extra] });
    try {
      expect(store.schemaVersion).toBe(latestSchemaVersion + 1);
    } finally {
      store.close();
    }
  });

  it('refuses a database written by a newer version, saying so', () => {
    const dir = tempDir();
    openStore(dir).close();
    const raw = new Database(path.join(dir, databaseFileName));
    raw.pragma(`user_version = ${latestSchemaVersion + 5}`);
    raw.close();
    expect(() => openStore(dir)).toThrow(StoreError);
    expect(() => openStore(dir)).toThrow(/newer version of Spanfill \(schema \d+; this version knows up to \d+\)/);
  });
});
