// The Playground's prompt history in the store (store/playground.ts): newest first, a prompt
// used again moves up instead of appearing twice, the oldest beyond the limit go, it survives a
// reopen, and forgetting empties it. Also the migration that made its table from 001's unused one.

import Database from 'better-sqlite3';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { databaseFileName, openStore } from '../../../src/main/store/db';
import { migrations } from '../../../src/main/store/migrations';
import { PlaygroundRepository } from '../../../src/main/store/playground';
import { tempDirs } from '../../support/tmp';

const tempDir = tempDirs('spanfill-playground-store-');

describe('PlaygroundRepository', () => {
  it('lists prompts newest first, once each, at most the limit, and keeps them across a reopen', () => {
    const dir = tempDir();
    const store = openStore(dir);
    const prompts = new PlaygroundRepository(store.db);
    for (const prompt of ['a', 'b', 'c', 'a', 'd']) prompts.remember(prompt, 3);
    expect(prompts.prompts(10)).toEqual(['d', 'a', 'c']);
    expect(prompts.prompts(2)).toEqual(['d', 'a']);
    store.close();

    const again = openStore(dir);
    try {
      const kept = new PlaygroundRepository(again.db);
      expect(kept.prompts(10)).toEqual(['d', 'a', 'c']);
      kept.forgetAll();
      expect(kept.prompts(10)).toEqual([]);
    } finally {
      again.close();
    }
  });

  it('orders prompts remembered within one millisecond by when they were remembered', () => {
    const store = openStore(tempDir());
    try {
      const prompts = new PlaygroundRepository(store.db);
      const many = Array.from({ length: 50 }, (_, i) => `prompt ${i}`);
      for (const prompt of many) prompts.remember(prompt, 100);
      prompts.remember('prompt 0', 100);
      expect(prompts.prompts(100)).toEqual(['prompt 0', ...many.slice(1).reverse()]);
    } finally {
      store.close();
    }
  });

  it('migrates a version-3 database: the unused playground_history goes, the other tables keep their rows', () => {
    const dir = tempDir();
    const old = openStore(dir, { migrations: migrations.slice(0, 3) });
    old.db.prepare("INSERT INTO settings (key, value_json, updated_at) VALUES ('provider', '\"cpu\"', 'now')").run();
    old.close();
    const store = openStore(dir, { migrations: migrations.slice(0, 4) });
    try {
      expect(store.schemaVersion).toBe(4);
      const tables = store.db.prepare("SELECT name FROM sqlite_master WHERE name LIKE 'playground%'").pluck().all();
      expect(tables).toEqual(['playground_prompts']);
      expect(store.db.prepare('SELECT value_json FROM settings').pluck().all()).toEqual(['"cpu"']);
    } finally {
      store.close();
    }
    const raw = new Database(path.join(dir, databaseFileName), { readonly: true });
    expect(raw.pragma('user_version', { simple: true })).toBe(4);
    raw.close();
  });
});
