// Rows a test needs in a real store before the one it is about: the dataset a run refers to
// (runs.dataset_id is a foreign key), with nothing imported.

import type { Db } from '../../src/main/store/db';

export function addDatasetRow(db: Db, id = 'ds-1'): void {
  db.prepare(
    "INSERT INTO datasets (id, name, source_path, source_hash, format, created_at) VALUES (?, 'd', '/d', 'h', 'text', 'now')",
  ).run(id);
}
