// Models repository: rows of `models` (schema 001 + 002). A row is a model Spanfill can use:
// a Hub snapshot in the cache (path relative to the data directory), an imported folder
// (absolute path, left where it is), or later a run's export. The service decides ids and paths.

import type { Db } from './db';

export type ModelSourceKind = 'hub' | 'folder' | 'run';

export interface ModelRow {
  readonly id: string;
  readonly name: string;
  readonly kind: 'base' | 'finetuned';
  readonly path: string;
  readonly source: string | null;
  readonly source_kind: ModelSourceKind;
  readonly revision: string | null;
  readonly commit_sha: string | null;
  readonly size_bytes: number;
  readonly model_type: string | null;
  readonly parameter_count: number | null;
  readonly config_json: string;
  readonly created_at: string;
}

export type NewModelRow = Omit<ModelRow, 'created_at'>;

const COLUMNS =
  'id, name, kind, path, source, source_kind, revision, commit_sha, size_bytes, model_type, parameter_count, config_json, created_at';

export class ModelRepository {
  constructor(private readonly db: Db) {}

  add(row: NewModelRow): ModelRow {
    const full: ModelRow = { ...row, created_at: new Date().toISOString() };
    this.db
      .prepare(
        `INSERT INTO models (${COLUMNS}) VALUES (@id, @name, @kind, @path, @source, @source_kind, @revision,
         @commit_sha, @size_bytes, @model_type, @parameter_count, @config_json, @created_at)`,
      )
      .run(full);
    return full;
  }

  /**
   * add, under `row.name` where no model has it, else under the first `numbered(n)` (n = 2, 3, …)
   * none has: names stay distinct, so a name finds one model. Chosen and inserted in one
   * transaction (as DatasetRepository.createUnderFreeName), so two registrations begun together
   * in two processes take two names.
   */
  addUnderFreeName(row: NewModelRow, numbered: (n: number) => string): ModelRow {
    return this.db
      .transaction(() => {
        const taken = this.db.prepare('SELECT 1 FROM models WHERE name = ?');
        let name = row.name;
        for (let n = 2; taken.get(name) !== undefined; n++) name = numbered(n);
        return this.add({ ...row, name });
      })
      .immediate();
  }

  list(): ModelRow[] {
    return this.db.prepare(`SELECT ${COLUMNS} FROM models ORDER BY created_at, id`).all() as ModelRow[];
  }

  /** Every model's id and name (with the status a registered model has), for the models watcher. */
  states(): { id: string; status: 'ready'; name: string }[] {
    return this.db.prepare("SELECT id, 'ready' AS status, name FROM models ORDER BY created_at, id").all() as {
      id: string;
      status: 'ready';
      name: string;
    }[];
  }

  get(id: string): ModelRow | undefined {
    return this.db.prepare(`SELECT ${COLUMNS} FROM models WHERE id = ?`).get(id) as ModelRow | undefined;
  }

  /** The row registered for this source (a folder path, or a repository at a commit). */
  findBySource(kind: ModelSourceKind, source: string, commit: string | null): ModelRow | undefined {
    return this.db
      .prepare(
        `SELECT ${COLUMNS} FROM models WHERE source_kind = ? AND source = ? AND IFNULL(commit_sha, '') = IFNULL(?, '')`,
      )
      .get(kind, source, commit) as ModelRow | undefined;
  }

  /** Hub rows of `repoId`, newest first (to resolve "owner/name" without a revision). */
  listByRepo(repoId: string): ModelRow[] {
    return this.db
      .prepare(`SELECT ${COLUMNS} FROM models WHERE source_kind = 'hub' AND source = ? ORDER BY created_at DESC, id`)
      .all(repoId) as ModelRow[];
  }

  remove(id: string): boolean {
    return this.db.prepare('DELETE FROM models WHERE id = ?').run(id).changes > 0;
  }
}
