// db.ts's openStore: an empty directory migrated, reopening, refusing what is no database or is
// damaged, the size check, a full disk, and that a writer killed with SIGKILL loses nothing it
// had committed. (Migrations: migrate*.test.ts; where the data directory is: data-dir.test.ts.)

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openStore, StoreError, databaseFileName, type Db, type FreeSpace } from '../../../src/main/store/db';
import { latestSchemaVersion } from '../../../src/main/store/migrations';
import { SettingsRepository } from '../../../src/main/store/settings';
import { tempDirs } from '../../support/tmp';

const tempDir = tempDirs('spanfill-store-');

const tables = [
  'checkpoints',
  'datasets',
  'documents',
  'metrics',
  'models',
  'playground_prompts',
  'runs',
  'settings',
  'tokenized_caches',
];

describe('openStore', () => {
  it('migrates an empty directory to the latest schema with WAL and foreign keys', () => {
    const store = openStore(tempDir());
    try {
      expect(store.schemaVersion).toBe(latestSchemaVersion);
      const names = store.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all();
      expect(names).toEqual(tables);
      expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(store.db.pragma('foreign_keys', { simple: true })).toBe(1);
      // Foreign keys are enforced: a document needs its dataset.
      expect(() =>
        store.db
          .prepare("INSERT INTO documents (dataset_id, ordinal, text, char_count) VALUES ('none', 0, '', 0)")
          .run(),
      ).toThrow(/FOREIGN KEY/);
    } finally {
      store.close();
    }
  });

  it('reopens an existing database and keeps its rows', () => {
    const dir = tempDir();
    const first = openStore(dir);
    new SettingsRepository(first.db).set('theme', { mode: 'dark' });
    first.close();
    const second = openStore(dir);
    try {
      expect(second.schemaVersion).toBe(latestSchemaVersion);
      expect(new SettingsRepository(second.db).get('theme')).toEqual({ mode: 'dark' });
    } finally {
      second.close();
    }
  });

  it('refuses a file that is not a database, naming it', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, databaseFileName), 'not a database at all'.repeat(100));
    expect(() => openStore(dir)).toThrow(StoreError);
    expect(() => openStore(dir)).toThrow(
      `The database ${path.join(dir, databaseFileName)} cannot be used: file is not a database. ${damagedAdvice(dir)}`,
    );
  });

  it('runs integrity_check on open and refuses a damaged database', () => {
    const dir = tempDir();
    openStore(dir).close();
    damageAnIndex(path.join(dir, databaseFileName));
    expect(() => openStore(dir)).toThrow(StoreError);
    expect(() => openStore(dir)).toThrow(/failed its integrity check: row \d+ missing from index damaged_key/);
    expect(() => openStore(dir)).toThrow(`. ${damagedAdvice(dir)}`);
    expect(fs.existsSync(path.join(dir, `${databaseFileName}.checked`))).toBe(false); // small: every open
  });

  it('checks a database over the size limit once a day, kept in a stamp file', () => {
    const dir = tempDir();
    const file = path.join(dir, databaseFileName);
    const stamp = `${file}.checked`;
    const large = { alwaysCheckBytes: 0 };
    openStore(dir, large).close();
    expect(fs.existsSync(stamp)).toBe(true);
    damageAnIndex(file);
    openStore(dir, large).close(); // checked less than a day ago: not read through
    const twoDaysAgo = new Date(Date.now() - 2 * 24 * 60 * 60 * 1000);
    fs.utimesSync(stamp, twoDaysAgo, twoDaysAgo);
    expect(() => openStore(dir, large)).toThrow(/failed its integrity check/);
    fs.rmSync(stamp);
    expect(() => openStore(dir, large)).toThrow(/failed its integrity check/);
  });
});

// A real full disk needs a small file system (a tmpfs, as root); here the disk's answers are
// injected: SQLite's failure to make WAL's -shm file (what a disk with 0 bytes free gives), and
// statfs's free space.
describe('openStore on a full disk', () => {
  const full = (): FreeSpace => ({ bytes: 0, files: 1000 });
  const roomy = (): FreeSpace => ({ bytes: 10 * 1024 ** 3, files: 1000 });

  /** Opens for real, but WAL's shared memory fails as on a full disk: only locking_mode EXCLUSIVE first gets past it. */
  function noRoomForShm(file: string): Db {
    const db = new Database(file);
    const pragma = db.pragma.bind(db);
    let exclusive = false;
    db.pragma = (source: string, options?: Database.PragmaOptions): unknown => {
      if (/^locking_mode\s*=\s*EXCLUSIVE$/i.test(source)) exclusive = true;
      else if (!exclusive) throw new Database.SqliteError('disk I/O error', 'SQLITE_IOERR_SHMSIZE');
      return pragma(source, options);
    };
    return db;
  }

  /** A data directory whose store holds one setting, closed. */
  function storeWithASetting(): string {
    const dir = tempDir();
    const store = openStore(dir);
    new SettingsRepository(store.db).set('theme', { mode: 'dark' });
    store.close();
    return dir;
  }

  it('opens without the -shm file, so the store can still be listed and written', () => {
    const dir = storeWithASetting();
    const store = openStore(dir, { openDatabase: noRoomForShm, freeSpace: full });
    try {
      expect(store.exclusive).toBe(true);
      expect(store.db.pragma('locking_mode', { simple: true })).toBe('exclusive');
      expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(new SettingsRepository(store.db).get('theme')).toEqual({ mode: 'dark' });
      new SettingsRepository(store.db).set('theme', { mode: 'light' }); // a removal's own write
      // WAL's index is in this process's memory: no -shm file.
      expect(fs.existsSync(path.join(dir, `${databaseFileName}-shm`))).toBe(false);
    } finally {
      store.close();
    }
    const again = openStore(dir);
    try {
      expect(again.exclusive).toBe(false);
      expect(new SettingsRepository(again.db).get('theme')).toEqual({ mode: 'light' });
    } finally {
      again.close();
    }
  });

  it('says the disk is full and what to delete, never to restore a backup, when even that fails', () => {
    const dir = storeWithASetting();
    const file = path.join(dir, databaseFileName);
    const alwaysFails = (): Db => {
      throw new Database.SqliteError('disk I/O error', 'SQLITE_IOERR_SHMSIZE');
    };
    let said = '';
    try {
      openStore(dir, { openDatabase: alwaysFails, freeSpace: full });
    } catch (error) {
      expect(error).toBeInstanceOf(StoreError);
      said = (error as Error).message;
    }
    expect(said).toBe(
      `The disk is full: the data directory ${dir} is on a disk with 0 bytes free, so its database ${file} cannot be ` +
        'opened (disk I/O error). The database is not damaged; do not delete it. Free space on that disk, then try ' +
        `again: delete files of your own there, or in the data directory checkpoints you no longer need ` +
        `(${path.join(dir, 'runs', '<run id>', 'checkpoints')}/step-…) or token caches ` +
        `(${path.join(dir, 'tokens', '<dataset id>')}/*.tokens, rebuilt when a run needs them).`,
    );
    expect(said).not.toMatch(/backup/);
    // A disk with no room for new files (inodes) is full too, whatever its bytes.
    expect(() => openStore(dir, { openDatabase: alwaysFails, freeSpace: () => ({ bytes: 1e9, files: 0 }) })).toThrow(
      /^The disk is full: the data directory .* is on a disk with no room for new files, /,
    );
  });

  it('says a full disk that SQLite itself reports (SQLITE_FULL) as one', () => {
    const dir = storeWithASetting();
    const noRoom = (): Db => {
      throw new Database.SqliteError('database or disk is full', 'SQLITE_FULL');
    };
    expect(() => openStore(dir, { openDatabase: noRoom, freeSpace: () => ({ bytes: 512 * 1024, files: 10 }) })).toThrow(
      /^The disk is full: the data directory .* is on a disk with 512\.0 KiB free, .*\(database or disk is full\)/,
    );
  });

  it('says a folder it may not write (SQLITE_READONLY_DIRECTORY) is about access, not a damaged file', () => {
    // What a data directory this user may not write gives (its database opens, WAL cannot start).
    const dir = storeWithASetting();
    const file = path.join(dir, databaseFileName);
    const readOnlyFolder = (): Db => {
      throw new Database.SqliteError('attempt to write a readonly database', 'SQLITE_READONLY_DIRECTORY');
    };
    expect(() => openStore(dir, { openDatabase: readOnlyFolder, freeSpace: roomy })).toThrow(
      `The database ${file} cannot be opened or written: attempt to write a readonly database. Check that you ` +
        'may read and write it and its folder (permissions, a read-only disk), or use another --data-dir.',
    );
  });

  it('keeps a disk I/O error on a disk with room a damaged file, without a second try', () => {
    const dir = storeWithASetting();
    const file = path.join(dir, databaseFileName);
    let opens = 0;
    const failing = (): Db => {
      opens += 1;
      throw new Database.SqliteError('disk I/O error', 'SQLITE_IOERR_READ');
    };
    expect(() => openStore(dir, { openDatabase: failing, freeSpace: roomy })).toThrow(
      `The database ${file} cannot be used: disk I/O error. ${damagedAdvice(dir)}`,
    );
    expect(opens).toBe(1);
  });
});

/**
 * What a damaged database's refusal ends with: there is no backup Spanfill made, and the runs'
 * checkpoint folders, which the database does not hold, still serve from another data directory.
 */
function damagedAdvice(dir: string): string {
  return (
    "Spanfill keeps no backup of it: restore a copy of your own, or use another --data-dir. Its runs' " +
    `checkpoints are folders of their own (${path.join(dir, 'runs', '<run id>', 'checkpoints')}/step-…) that ` +
    'work from another data directory: `spanfill train --model FOLDER --data-dir OTHER` starts a run from ' +
    'its weights, `spanfill export --checkpoint FOLDER --format hf --out DIR --data-dir OTHER` exports it.'
  );
}

/** Damages one key inside an index page, so the index no longer matches its table. */
function damageAnIndex(file: string): void {
  const raw = new Database(file);
  raw.exec('CREATE TABLE damaged (key TEXT); CREATE INDEX damaged_key ON damaged (key);');
  const insert = raw.prepare('INSERT INTO damaged VALUES (?)');
  for (let index = 0; index < 50; index++) insert.run(`key-${String(index).padStart(4, '0')}`);
  const rootPage = raw.prepare("SELECT rootpage FROM sqlite_master WHERE name = 'damaged_key'").pluck().get();
  const pageSize = raw.pragma('page_size', { simple: true });
  raw.pragma('wal_checkpoint(TRUNCATE)');
  raw.close();
  const bytes = fs.readFileSync(file);
  const page = bytes.subarray((Number(rootPage) - 1) * Number(pageSize), Number(rootPage) * Number(pageSize));
  const at = page.indexOf('key-0017');
  expect(at).toBeGreaterThan(0);
  page.write('zzz-0017', at);
  fs.writeFileSync(file, bytes);
}

describe('a writer killed with SIGKILL', () => {
  it('loses nothing it had committed and leaves a database that passes integrity_check', async () => {
    const dir = tempDir();
    openStore(dir).close();
    const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
    const writer = fileURLToPath(new URL('./fixtures/writer.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', tsx, writer, dir], { stdio: ['ignore', 'pipe', 'inherit'] });
    let lastCommitted = -1;
    let buffered = '';
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      child.on('exit', (_code, signal) => resolve(signal)),
    );
    await new Promise<void>((resolve) => {
      child.stdout.setEncoding('utf8');
      child.stdout.on('data', (chunk: string) => {
        const lines = (buffered + chunk).split('\n');
        buffered = lines.pop() ?? '';
        for (const line of lines) lastCommitted = Number(line);
        // Kill mid-stream once it has committed a good number of transactions.
        if (lastCommitted >= 200 && child.exitCode === null && !child.killed) {
          child.kill('SIGKILL');
          resolve();
        }
      });
    });
    expect(await exited).toBe('SIGKILL');

    const store = openStore(dir); // runs integrity_check and would throw on corruption
    try {
      expect(store.db.pragma('integrity_check', { simple: true })).toBe('ok');
      const keys = new Set(store.db.prepare('SELECT key FROM settings').pluck().all() as string[]);
      for (let index = 0; index <= lastCommitted; index++) {
        expect(keys.has(`row-${index}-a`) && keys.has(`row-${index}-b`)).toBe(true);
      }
      // Transactions are atomic: never half of one.
      const halves = [...keys].filter((key) => key.endsWith('-a') && !keys.has(key.replace(/-a$/, '-b')));
      expect(halves).toEqual([]);
    } finally {
      store.close();
    }
  });
});
