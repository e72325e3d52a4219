// Schema 008: a document keeps the split key its import gave it. Rows written before have none
// and read back with their text instead (their key is their text's hash); rows written after
// read back their key exactly, and no text.

import { describe, expect, it } from 'vitest';
import { DatasetRepository } from '../../../../src/main/store/datasets';
import { openStore } from '../../../../src/main/store/db';
import { migrations } from '../../../../src/main/store/migrations';
import { tempDirs } from '../../../support/tmp';

const tempDir = tempDirs('spanfill-migration-008-');

describe('migration 008 (document split keys)', () => {
  it("keeps a schema-7 dataset's documents without keys, and stores each key after", () => {
    const dir = tempDir();
    const before = openStore(dir, { migrations: migrations.filter((m) => m.version <= 7) });
    before.db
      .prepare(
        "INSERT INTO datasets (id, name, source_path, source_hash, format, status, created_at) VALUES ('ds-old', 'o', '/o', 'h', 'text', 'ready', 'now')",
      )
      .run();
    const insert = before.db.prepare(
      'INSERT INTO documents (dataset_id, ordinal, text, char_count) VALUES (?, ?, ?, ?)',
    );
    for (const [ordinal, text] of ['first', 'second'].entries()) insert.run('ds-old', ordinal, text, text.length);
    before.close();

    const after = openStore(dir, { migrations: migrations.filter((m) => m.version <= 8) });
    try {
      expect(after.schemaVersion).toBe(8);
      const repo = new DatasetRepository(after.db);
      expect(repo.splitKeys('ds-old', 0, 10)).toEqual([
        { ordinal: 0, split_key: null, text: 'first' },
        { ordinal: 1, split_key: null, text: 'second' },
      ]);
      repo.create({ id: 'ds-new', name: 'n', sourcePath: '/n', importingPid: 1 });
      const keys = [0, 0.5, 4294967295 / 4294967296];
      repo.addDocuments(
        'ds-new',
        keys.map((splitKey, ordinal) => ({ ordinal, text: `piece ${ordinal}`, splitKey })),
      );
      expect(repo.splitKeys('ds-new', 1, 10)).toEqual([
        { ordinal: 1, split_key: 0.5, text: null },
        { ordinal: 2, split_key: keys[2], text: null },
      ]);
      expect(repo.splitKeys('ds-new', 0, 1)).toEqual([{ ordinal: 0, split_key: 0, text: null }]);
      expect(repo.documents('ds-new', 2, 10)).toEqual([{ ordinal: 2, text: 'piece 2', char_count: 7 }]);
    } finally {
      after.close();
    }
  });
});
