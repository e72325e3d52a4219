// Models repository and migration 002: a version-1 database with a model row upgrades in
// place, rows round-trip, one row per (source kind, source, commit), lookups by repository.

import Database from 'better-sqlite3';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { databaseFileName, openStore } from '../../../src/main/store/db';
import { migrations } from '../../../src/main/store/migrations';
import { ModelRepository, type NewModelRow } from '../../../src/main/store/models';
import { tempDirs } from '../../support/tmp';

const tempDir = tempDirs('spanfill-models-store-');

const hubRow = (id: string, commit: string): NewModelRow => ({
  id,
  name: 'google/flan-t5-small',
  kind: 'base',
  path: `models/hub/models--google--flan-t5-small/snapshots/${commit}`,
  source: 'google/flan-t5-small',
  source_kind: 'hub',
  revision: 'main',
  commit_sha: commit,
  size_bytes: 1234,
  model_type: 't5',
  parameter_count: 76_961_152,
  config_json: '{"model_type":"t5"}',
});

describe('ModelRepository', () => {
  it('upgrades a schema-1 database: existing model rows become folder models', () => {
    const dir = tempDir();
    const v1 = openStore(dir, { migrations: migrations.slice(0, 1) });
    v1.db
      .prepare(
        "INSERT INTO models (id, name, kind, path, created_at) VALUES ('old', 'old', 'base', '/x', '2026-01-01')",
      )
      .run();
    v1.close();
    const store = openStore(dir);
    try {
      expect(store.schemaVersion).toBeGreaterThanOrEqual(2);
      const old = new ModelRepository(store.db).get('old');
      expect(old).toMatchObject({ source_kind: 'folder', size_bytes: 0, commit_sha: null, model_type: null });
    } finally {
      store.close();
    }
  });

  it('adds, finds by source and repository, lists and removes rows', () => {
    const store = openStore(tempDir());
    try {
      const repo = new ModelRepository(store.db);
      const added = repo.add(hubRow('m-1', 'a'.repeat(40)));
      expect(repo.get('m-1')).toEqual(added);
      repo.add({ ...hubRow('m-2', 'b'.repeat(40)), revision: 'v2' });
      repo.add({
        ...hubRow('m-3', ''),
        source_kind: 'folder',
        source: '/models/mine',
        path: '/models/mine',
        revision: null,
        commit_sha: null,
      });
      expect(repo.findBySource('hub', 'google/flan-t5-small', 'b'.repeat(40))?.id).toBe('m-2');
      expect(repo.findBySource('folder', '/models/mine', null)?.id).toBe('m-3');
      expect(repo.findBySource('hub', 'google/flan-t5-small', 'c'.repeat(40))).toBeUndefined();
      expect(
        repo
          .listByRepo('google/flan-t5-small')
          .map((r) => r.id)
          .sort(),
      ).toEqual(['m-1', 'm-2']);
      expect(repo.list()).toHaveLength(3);
      expect(repo.remove('m-1')).toBe(true);
      expect(repo.remove('m-1')).toBe(false);
      expect(repo.list().map((r) => r.id)).toEqual(['m-2', 'm-3']);
    } finally {
      store.close();
    }
  });

  it('keeps one row per repository commit and per folder', () => {
    const dir = tempDir();
    const store = openStore(dir);
    try {
      const repo = new ModelRepository(store.db);
      repo.add(hubRow('m-1', 'a'.repeat(40)));
      expect(() => repo.add(hubRow('m-2', 'a'.repeat(40)))).toThrow(/UNIQUE/);
      const folder = { ...hubRow('f-1', ''), source_kind: 'folder' as const, source: '/f', commit_sha: null };
      repo.add(folder);
      expect(() => repo.add({ ...folder, id: 'f-2' })).toThrow(/UNIQUE/);
    } finally {
      store.close();
    }
    // The CHECK on source_kind holds for writers that bypass the repository too.
    const db = new Database(path.join(dir, databaseFileName));
    expect(() =>
      db
        .prepare(
          "INSERT INTO models (id, name, kind, path, source_kind, created_at) VALUES ('x', 'x', 'base', '/x', 'ftp', 'now')",
        )
        .run(),
    ).toThrow(/CHECK/);
    db.close();
  });
});
