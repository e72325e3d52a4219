// migrate.ts, through openStore: before it migrates a database written by an older Spanfill, it
// keeps a copy of it as it was beside it (spanfill.db.schema-N.bak), where the disk has room, so
// that a person who must go back to that version can; the store says what it did, once. A newer
// version's database is refused, and where such a copy for this version's schema lies beside it,
// the refusal says how to go back to it. (A damaged database's refusal naming the copy:
// openRefusals.test.ts.) Old schemas are made as the migration tests make them: the migration list cut.

import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it, vi } from 'vitest';
import { databaseFileName, openStore, StoreError, type Db, type FreeSpace } from '../../../src/main/store/db';
import { schemaMigrationNotice, type SchemaMigration } from '../../../src/main/store/schemaCopy';
import { latestSchemaVersion, migrations } from '../../../src/main/store/migrations';
import { tempDirs } from '../../support/tmp';

const tempDir = tempDirs('spanfill-store-copy-');

const roomy = (): FreeSpace => ({ bytes: 10 * 1024 ** 3, files: 1000 });

/** A data directory whose database an older Spanfill (schema 3) wrote, with a dataset and a setting. */
function schema3DataDir(): string {
  const dir = tempDir();
  const old = openStore(dir, { migrations: migrations.filter((m) => m.version <= 3), freeSpace: roomy });
  old.db
    .prepare(
      "INSERT INTO datasets (id, name, source_path, source_hash, format, status, created_at) VALUES ('ds-1', 'notes', '/n', 'h', 'text', 'ready', 'then')",
    )
    .run();
  old.db.prepare("INSERT INTO settings (key, value_json, updated_at) VALUES ('theme', '\"dark\"', 'then')").run();
  old.close();
  return dir;
}

/** What lies in `dir` beside the database and its own files (-wal, -shm, the check stamp). */
function besideDatabase(dir: string): string[] {
  const own = new Set(['', '-wal', '-shm', '.checked'].map((end) => `${databaseFileName}${end}`));
  return fs
    .readdirSync(dir)
    .filter((name) => name.startsWith(databaseFileName) && !own.has(name))
    .sort();
}

function readCopy(file: string): { version: number; datasets: unknown[]; settings: unknown[] } {
  const copy = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return {
      version: copy.pragma('user_version', { simple: true }) as number,
      datasets: copy.prepare('SELECT id, name FROM datasets').all(),
      settings: copy.prepare('SELECT key, value_json FROM settings').all(),
    };
  } finally {
    copy.close();
  }
}

describe('openStore on a database of an older schema', () => {
  it('keeps a copy of it as it was, which opens at the old schema with the same rows, and says so', () => {
    const dir = schema3DataDir();
    const store = openStore(dir, { freeSpace: roomy });
    const copy = path.join(dir, `${databaseFileName}.schema-3.bak`);
    try {
      expect(store.schemaVersion).toBe(latestSchemaVersion);
      expect(store.migration).toEqual({
        from: 3,
        to: latestSchemaVersion,
        copy: { status: 'kept', path: copy },
        earlier: [],
      });
      // The one line a caller shows: what changed, and the way back.
      const notice = store.migration === undefined ? '' : schemaMigrationNotice(store.path, store.migration);
      expect(notice).toContain(`from schema 3 to ${latestSchemaVersion}`);
      expect(notice).toContain(`replace ${store.path} with ${copy}`);
      // Its log too, which SQLite would otherwise apply to the copy put back.
      expect(notice).toContain(`delete ${store.path}-wal and ${store.path}-shm where they are`);
    } finally {
      store.close();
    }
    // The copy alone: nothing written aside is left.
    expect(besideDatabase(dir)).toEqual([`${databaseFileName}.schema-3.bak`]);
    expect(readCopy(copy)).toEqual({
      version: 3,
      datasets: [{ id: 'ds-1', name: 'notes' }],
      settings: [{ key: 'theme', value_json: '"dark"' }],
    });
    // And an older Spanfill opens it: the copy put in the database's place opens at schema 3.
    fs.rmSync(path.join(dir, databaseFileName));
    fs.copyFileSync(copy, path.join(dir, databaseFileName));
    const back = openStore(dir, { migrations: migrations.filter((m) => m.version <= 3), freeSpace: roomy });
    try {
      expect(back.schemaVersion).toBe(3);
      expect(back.migration).toBeUndefined();
      expect(back.db.prepare('SELECT name FROM datasets').pluck().all()).toEqual(['notes']);
    } finally {
      back.close();
    }
  });

  it('makes no new copy on a later open, which says nothing of a migration', () => {
    const dir = schema3DataDir();
    openStore(dir, { freeSpace: roomy }).close();
    const copy = path.join(dir, `${databaseFileName}.schema-3.bak`);
    const first = fs.readFileSync(copy);
    const again = openStore(dir, { freeSpace: roomy });
    try {
      expect(again.migration).toBeUndefined();
      again.db.prepare("INSERT INTO settings (key, value_json, updated_at) VALUES ('later', '1', 'now')").run();
    } finally {
      again.close();
    }
    openStore(dir, { freeSpace: roomy }).close();
    expect(besideDatabase(dir)).toEqual([`${databaseFileName}.schema-3.bak`]);
    expect(fs.readFileSync(copy).equals(first)).toBe(true);
  });

  it('migrates without a copy where the disk has no room for one, and says why', () => {
    const dir = schema3DataDir();
    const cramped = (): FreeSpace => ({ bytes: 4096, files: 1000 });
    const store = openStore(dir, { freeSpace: cramped });
    try {
      expect(store.schemaVersion).toBe(latestSchemaVersion);
      expect(store.migration).toMatchObject({ from: 3, to: latestSchemaVersion, copy: { status: 'not-kept' } });
      const copy = store.migration?.copy;
      expect(copy?.status === 'not-kept' ? copy.reason : '').toContain('4.0 KiB free');
      const notice = store.migration === undefined ? '' : schemaMigrationNotice(store.path, store.migration);
      expect(notice).toContain('4.0 KiB free');
      expect(notice).not.toContain('.bak');
      expect(store.db.prepare('SELECT name FROM datasets').pluck().all()).toEqual(['notes']);
    } finally {
      store.close();
    }
    expect(besideDatabase(dir)).toEqual([]);
  });

  it('writes the copy aside first: one a killed process left half-written goes, and a failed one leaves nothing', () => {
    const dir = schema3DataDir();
    const aside = path.join(dir, `${databaseFileName}.schema-3.bak.part`);
    fs.writeFileSync(aside, 'half a copy');
    openStore(dir, { freeSpace: roomy }).close();
    expect(besideDatabase(dir)).toEqual([`${databaseFileName}.schema-3.bak`]);
    expect(readCopy(path.join(dir, `${databaseFileName}.schema-3.bak`)).version).toBe(3);

    const other = schema3DataDir();
    let opened = 0;
    // The second connection, the one that copies, writes part of the copy and fails, as a full disk would.
    const failingCopy = (file: string): Db => {
      const db = new Database(file);
      if (++opened === 2) {
        return Object.assign(db, {
          prepare: (sql: string) => ({
            run: (into: string) => {
              fs.writeFileSync(into, 'part of a copy');
              throw new Database.SqliteError(`${sql}: database or disk is full`, 'SQLITE_FULL');
            },
          }),
        });
      }
      return db;
    };
    const store = openStore(other, { freeSpace: roomy, openDatabase: failingCopy });
    try {
      expect(store.schemaVersion).toBe(latestSchemaVersion);
      const copy = store.migration?.copy;
      expect(copy?.status === 'not-kept' ? copy.reason : '').toContain('database or disk is full');
    } finally {
      store.close();
    }
    expect(besideDatabase(other)).toEqual([]);
  });

  it('applies nothing where another process migrated it while this one waited for the lock', () => {
    const dir = schema3DataDir();
    let opened = 0;
    // The other process (another openStore here) migrates between this open's look at the schema and its lock.
    const overtaken = (file: string): Db => {
      const db = new Database(file);
      if (++opened !== 1) return db;
      const transaction = db.transaction.bind(db);
      return Object.assign(db, {
        transaction: (fn: () => unknown) => {
          openStore(dir, { freeSpace: roomy }).close();
          return transaction(fn);
        },
      });
    };
    const store = openStore(dir, { freeSpace: roomy, openDatabase: overtaken });
    try {
      expect(store.schemaVersion).toBe(latestSchemaVersion);
      expect(store.migration).toBeUndefined();
    } finally {
      store.close();
    }
    expect(readCopy(path.join(dir, `${databaseFileName}.schema-3.bak`)).version).toBe(3);
  });

  it('keeps no copy of a new database, nor of one already at this schema', () => {
    const dir = tempDir();
    const fresh = openStore(dir, { freeSpace: roomy });
    try {
      expect(fresh.migration).toBeUndefined();
    } finally {
      fresh.close();
    }
    const reopened = openStore(dir, { freeSpace: roomy });
    try {
      expect(reopened.migration).toBeUndefined();
    } finally {
      reopened.close();
    }
    expect(besideDatabase(dir)).toEqual([]);
  });

  it('replaces a copy left from an earlier update when that schema is migrated again (the copy was put back)', () => {
    const dir = schema3DataDir();
    const copy = path.join(dir, `${databaseFileName}.schema-3.bak`);
    fs.writeFileSync(copy, 'an earlier copy');
    openStore(dir, { freeSpace: roomy }).close();
    expect(readCopy(copy).datasets).toEqual([{ id: 'ds-1', name: 'notes' }]);
    expect(besideDatabase(dir)).toEqual([`${databaseFileName}.schema-3.bak`]);
  });
});

describe('the copies earlier updates kept', () => {
  /** Writes `bytes` bytes into `name` beside the database in `dir`; its path. */
  function beside(dir: string, name: string, bytes: number): string {
    const file = path.join(dir, name);
    fs.writeFileSync(file, Buffer.alloc(bytes, 1));
    return file;
  }

  const noticeOf = (store: { path: string; migration: SchemaMigration | undefined }): string =>
    store.migration === undefined ? '' : schemaMigrationNotice(store.path, store.migration);

  it('go once the update has kept its own copy and migrated, which says so with the room freed', () => {
    const dir = schema3DataDir();
    const first = beside(dir, `${databaseFileName}.schema-1.bak`, 3000);
    const second = beside(dir, `${databaseFileName}.schema-2.bak`, 5000);
    // Not copies an earlier update kept: another file's, half a copy, other names, and the copy a
    // newer Spanfill kept for this version's schema (the one its refusal names).
    const others = [
      'other.db.schema-1.bak',
      `${databaseFileName}.schema-2.bak.part`,
      `${databaseFileName}.schema-x.bak`,
      `${databaseFileName}.schema-1.bak.old`,
      `${databaseFileName}.schema-02.bak`,
      `${databaseFileName}.schema-${latestSchemaVersion}.bak`,
    ];
    for (const name of others) beside(dir, name, 10);
    const store = openStore(dir, { freeSpace: roomy });
    try {
      expect(store.migration?.earlier).toEqual([
        { path: first, bytes: 3000, removed: true },
        { path: second, bytes: 5000, removed: true },
      ]);
      expect(noticeOf(store)).toContain(
        `removed the copies earlier updates kept (${databaseFileName}.schema-1.bak and ` +
          `${databaseFileName}.schema-2.bak, 7.8 KiB freed).`,
      );
    } finally {
      store.close();
    }
    expect(
      fs
        .readdirSync(dir)
        .filter((name) => name.includes('.bak'))
        .sort(),
    ).toEqual([...others, `${databaseFileName}.schema-3.bak`].sort());
    // The copy just kept stays whole.
    expect(readCopy(path.join(dir, `${databaseFileName}.schema-3.bak`)).version).toBe(3);
    // Said once: a later open removes nothing and says nothing.
    const again = openStore(dir, { freeSpace: roomy });
    again.close();
    expect(again.migration).toBeUndefined();
  });

  it('stay where the update kept no copy of its own, or its migration failed', () => {
    const cramped = schema3DataDir();
    const earlier = beside(cramped, `${databaseFileName}.schema-2.bak`, 5000);
    const store = openStore(cramped, { freeSpace: (): FreeSpace => ({ bytes: 4096, files: 1000 }) });
    try {
      expect(store.migration).toMatchObject({ copy: { status: 'not-kept' }, earlier: [] });
      expect(noticeOf(store)).not.toContain('removed');
    } finally {
      store.close();
    }
    expect(fs.existsSync(earlier)).toBe(true);

    const failing = schema3DataDir();
    const kept = beside(failing, `${databaseFileName}.schema-2.bak`, 5000);
    const broken = [...migrations, { version: latestSchemaVersion + 1, name: 'broken', sql: 'NOT SQL' }];
    expect(() => openStore(failing, { freeSpace: roomy, migrations: broken })).toThrow();
    expect(fs.existsSync(kept)).toBe(true);
  });

  it('one it cannot remove is a note in the notice, not a failed open', () => {
    const dir = schema3DataDir();
    const first = beside(dir, `${databaseFileName}.schema-1.bak`, 3000);
    const busy = beside(dir, `${databaseFileName}.schema-2.bak`, 5000);
    const unlink = fs.unlinkSync;
    // As Windows refuses to delete a file another program holds open.
    const spy = vi.spyOn(fs, 'unlinkSync').mockImplementation((file) => {
      if (file === busy)
        throw Object.assign(new Error(`EBUSY: resource busy or locked, unlink '${busy}'`), { code: 'EBUSY' });
      unlink(file);
    });
    try {
      const store = openStore(dir, { freeSpace: roomy });
      try {
        expect(store.schemaVersion).toBe(latestSchemaVersion);
        expect(store.migration?.earlier).toEqual([
          { path: first, bytes: 3000, removed: true },
          { path: busy, removed: false, reason: `EBUSY: resource busy or locked, unlink '${busy}'` },
        ]);
        const notice = noticeOf(store);
        expect(notice).toContain(
          `removed the copy an earlier update kept (${databaseFileName}.schema-1.bak, 2.9 KiB freed).`,
        );
        expect(notice).toContain(`could not remove the copy an earlier update kept, ${busy} (EBUSY: resource busy`);
        expect(notice).toContain('delete it yourself once you no longer need to go back');
      } finally {
        store.close();
      }
    } finally {
      spy.mockRestore();
    }
    expect(fs.existsSync(first)).toBe(false);
    expect(fs.existsSync(busy)).toBe(true);
  });
});

describe('openStore on a database of a newer version', () => {
  /** A database a newer Spanfill (schema latest + 1) migrated, keeping a copy at this version's schema where `hasCopy`. */
  function newerDataDir(hasCopy: boolean): { dir: string; file: string; copy: string } {
    const dir = tempDir();
    const file = path.join(dir, databaseFileName);
    const copy = `${file}.schema-${latestSchemaVersion}.bak`;
    openStore(dir, { freeSpace: roomy }).close();
    const raw = new Database(file);
    if (hasCopy) raw.prepare('VACUUM INTO ?').run(copy);
    raw.pragma(`user_version = ${latestSchemaVersion + 1}`);
    raw.close();
    return { dir, file, copy };
  }

  function refusal(dir: string): string {
    try {
      openStore(dir, { freeSpace: roomy }).close();
    } catch (error) {
      expect(error).toBeInstanceOf(StoreError);
      return (error as Error).message;
    }
    throw new Error('openStore did not refuse');
  }

  it('says how to go back to the copy of this version’s schema that lies beside it', () => {
    const { dir, file, copy } = newerDataDir(true);
    expect(refusal(dir)).toBe(
      `The database ${file} was written by a newer version of Spanfill (schema ${latestSchemaVersion + 1}; ` +
        `this version knows up to ${latestSchemaVersion}). Upgrade Spanfill, or use another --data-dir. To go back ` +
        `to the data as this version left it instead: with no Spanfill open on it, replace ${file} with ${copy} ` +
        `(the copy the newer version kept before updating it) and delete ${file}-wal and ${file}-shm where ` +
        'they are; what was done with the newer version since is lost.',
    );
  });

  it('says only to upgrade where no such copy lies beside it', () => {
    const { dir, file } = newerDataDir(false);
    fs.writeFileSync(`${file}.schema-${latestSchemaVersion - 1}.bak`, 'a copy for an even older version');
    expect(refusal(dir)).toBe(
      `The database ${file} was written by a newer version of Spanfill (schema ${latestSchemaVersion + 1}; ` +
        `this version knows up to ${latestSchemaVersion}). Upgrade Spanfill, or use another --data-dir.`,
    );
  });
});
