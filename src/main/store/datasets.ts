// Datasets repository: rows of `datasets`, `documents` and `tokenized_caches` (schema 001;
// a document's split key: 008).
// Documents are written in batched transactions by the import; a failed import deletes them in
// batches where the disk is short of room, then its dataset row (deleteGradually), so the store
// ends as it began; or, where nobody got its answer (its page went), keeps its row as 'failed'
// with why (markFailed). How one that deleted its row ended is noted beside the store, for other
// processes (endings: importEndings.ts).
// `stats_json` is parsed once here (datasetStats.ts); the rest of main sees typed stats.

import type { DatasetStats } from '../../shared/contract/datasets';
import { parseStoredStats, type StoredStats } from './datasetStats';
import { formatBytes } from '../../shared/format';
import type { Db, FreeSpace } from './db';
import { DELETE_BATCH_BYTES, roomLacking, wholeBytes } from './deleteRoom';
import type { ImportEndings } from './importEndings';

interface DatasetColumns {
  readonly id: string;
  readonly name: string;
  readonly source_path: string;
  readonly source_hash: string;
  readonly format: string;
  readonly status: 'importing' | 'ready' | 'failed';
  readonly stats_json: string;
  readonly error: string | null;
  readonly created_at: string;
}

export type DatasetRow = Omit<DatasetColumns, 'stats_json'> & StoredStats;

function toRow({ stats_json, ...columns }: DatasetColumns): DatasetRow {
  return { ...columns, ...parseStoredStats(stats_json) };
}

export interface DocumentRow {
  readonly ordinal: number;
  readonly text: string;
  readonly char_count: number;
}

/** A document's split key as stored (schema 8); rows written before have none, and their text instead. */
export type DocumentSplitKeyRow =
  | { readonly ordinal: number; readonly split_key: number; readonly text: null }
  | { readonly ordinal: number; readonly split_key: null; readonly text: string };

/**
 * The ordinal a batch of deleteDocuments starts at: of `rows` (the last documents, last first),
 * as many as hold DELETE_BATCH_BYTES, and at least one.
 */
function batchStart(rows: readonly { ordinal: number; bytes: number }[]): number {
  let total = 0;
  for (const row of rows) {
    total += row.bytes;
    if (total >= DELETE_BATCH_BYTES) return row.ordinal;
  }
  return rows[rows.length - 1].ordinal;
}

export interface TokenCacheRow {
  readonly tokenizer_key: string;
  readonly path: string;
  readonly token_count: number;
}

export class DatasetRepository {
  /**
   * `endings`: the notes of how imports that left no dataset ended (importEndings.ts), which the
   * importing process writes before it deletes the row and a watching process reads as it goes;
   * none for a repository that only reads rows.
   */
  constructor(
    private readonly db: Db,
    readonly endings?: ImportEndings,
  ) {}

  /**
   * A dataset in status 'importing' (format 'pending'). Its stats record the importing process
   * (its pid and start time; on Linux its boot id and start ticks) until it is ready, so another
   * process sharing the store can tell a live import from an abandoned one. Without a start time
   * the pid alone says, as in rows written before start times were kept.
   */
  create(row: {
    readonly id: string;
    readonly name: string;
    readonly sourcePath: string;
    readonly importingPid: number;
    readonly importingStartedAt?: number;
    readonly importingBootId?: string | null;
    readonly importingStartTicks?: number | null;
  }): void {
    this.db
      .prepare(
        `INSERT INTO datasets (id, name, source_path, source_hash, format, status, stats_json, created_at)
         VALUES (?, ?, ?, '', 'pending', 'importing', ?, ?)`,
      )
      .run(
        row.id,
        row.name,
        row.sourcePath,
        JSON.stringify({
          importingPid: row.importingPid,
          importingStartedAt: row.importingStartedAt,
          importingBootId: row.importingBootId ?? undefined,
          importingStartTicks: row.importingStartTicks ?? undefined,
        }),
        new Date().toISOString(),
      );
  }

  /**
   * create, under `row.name` where no dataset has it, else under the first `numbered(n)` (n = 2,
   * 3, …) none has: names stay distinct, so a name finds one dataset. A failed import's row under
   * `row.name` is deleted first (the new import takes its place). Chosen and inserted in one
   * transaction, so two imports begun together in two processes take two names. The name stored.
   */
  createUnderFreeName(row: Parameters<DatasetRepository['create']>[0], numbered: (n: number) => string): string {
    return this.db
      .transaction(() => {
        // A failed import under that name is replaced: its row only said why it failed.
        this.db.prepare("DELETE FROM datasets WHERE name = ? AND status = 'failed'").run(row.name);
        const taken = this.db.prepare('SELECT 1 FROM datasets WHERE name = ?');
        let name = row.name;
        for (let n = 2; taken.get(name) !== undefined; n++) name = numbered(n);
        this.create({ ...row, name });
        return name;
      })
      .immediate();
  }

  /** Appends documents in one transaction, each with the split key its import gave it (split.ts). */
  addDocuments(datasetId: string, docs: readonly { ordinal: number; text: string; splitKey: number }[]): void {
    const insert = this.db.prepare(
      'INSERT INTO documents (dataset_id, ordinal, text, char_count, split_key) VALUES (?, ?, ?, ?, ?)',
    );
    this.db.transaction(() => {
      for (const d of docs) insert.run(datasetId, d.ordinal, d.text, d.text.length, d.splitKey);
    })();
  }

  /** The import finished: its formats ("text+jsonl"), content hash and stats. */
  markReady(
    id: string,
    ready: { readonly format: string; readonly sourceHash: string; readonly stats: DatasetStats },
  ): void {
    this.db
      .prepare(
        `UPDATE datasets SET status = 'ready', format = ?, source_hash = ?, stats_json = ?, error = NULL WHERE id = ?`,
      )
      .run(ready.format, ready.sourceHash, JSON.stringify(ready.stats), id);
  }

  /**
   * The import failed, its documents deleted (deleteDocuments): the row stays, without stats,
   * with `error` (why), so a window or page that did not start the import can say so, until it
   * is removed or an import under its name replaces it (createUnderFreeName).
   */
  markFailed(id: string, error: string): void {
    this.db.prepare(`UPDATE datasets SET status = 'failed', stats_json = '{}', error = ? WHERE id = ?`).run(error, id);
  }

  updateStats(id: string, stats: DatasetStats): void {
    this.db.prepare('UPDATE datasets SET stats_json = ? WHERE id = ?').run(JSON.stringify(stats), id);
  }

  /** A new display name; false when there is no such dataset. */
  rename(id: string, name: string): boolean {
    return this.db.prepare('UPDATE datasets SET name = ? WHERE id = ?').run(name, id).changes > 0;
  }

  /** Deletes the dataset; documents and cache rows go with it (ON DELETE CASCADE). */
  delete(id: string): boolean {
    return this.db.prepare('DELETE FROM datasets WHERE id = ?').run(id).changes > 0;
  }

  /**
   * Deletes the dataset's documents: at once where the disk has room for that (deleteRoom.ts),
   * else about DELETE_BATCH_BYTES at a time, each batch its own transaction with the write-ahead
   * log folded into the database after it, so the log never holds more than one batch (one
   * DELETE of a large import's rows needs room for a log as large as those rows, which a disk
   * that import filled does not have). Where the disk lacks even the room for one batch, it
   * throws "database or disk is full" before deleting anything, so the try takes no room; a
   * batch that meets a full disk all the same throws SQLite's error, what went before staying
   * deleted and the log cut back (wal_checkpoint(TRUNCATE)).
   */
  deleteDocuments(datasetId: string, freeSpace?: (folder: string) => FreeSpace | undefined): void {
    const lengths = this.db.prepare(
      'SELECT ordinal, length(CAST(text AS BLOB)) AS bytes FROM documents WHERE dataset_id = ? ORDER BY ordinal DESC LIMIT 1000',
    );
    const last = (): { ordinal: number; bytes: number }[] =>
      lengths.all(datasetId) as { ordinal: number; bytes: number }[];
    let next = last();
    if (next.length === 0) return;
    const lacking = roomLacking(this.db, freeSpace);
    if (lacking(wholeBytes(this.db)) === 0) {
      this.db.prepare('DELETE FROM documents WHERE dataset_id = ?').run(datasetId);
      return;
    }
    const short = lacking(Math.max(DELETE_BATCH_BYTES, ...next.map((row) => row.bytes)));
    if (short > 0)
      throw new Error(
        `database or disk is full: deleting the documents of dataset ${datasetId} needs ${formatBytes(short)} more free on its disk`,
      );
    const step = this.db.prepare('DELETE FROM documents WHERE dataset_id = ? AND ordinal >= ?');
    try {
      for (this.db.pragma('wal_checkpoint(PASSIVE)'); next.length > 0; next = last()) {
        step.run(datasetId, batchStart(next));
        this.db.pragma('wal_checkpoint(PASSIVE)');
      }
    } catch (error) {
      try {
        this.db.pragma('wal_checkpoint(TRUNCATE)');
      } catch {
        // No room to fold the log in either: the error below says why the delete failed.
      }
      throw error;
    }
  }

  /** deleteDocuments, then the dataset row: how an import's leftovers go on a disk that may be full. */
  deleteGradually(id: string, freeSpace?: (folder: string) => FreeSpace | undefined): boolean {
    this.deleteDocuments(id, freeSpace);
    return this.delete(id);
  }

  /**
   * `check` (which throws to keep the dataset), then delete, in one write transaction taken at
   * its start: nothing another process writes (a run inserted on this dataset) comes in between.
   */
  deleteChecked(id: string, check: () => void): boolean {
    return this.db
      .transaction(() => {
        check();
        return this.delete(id);
      })
      .immediate();
  }

  get(id: string): DatasetRow | undefined {
    const columns = this.db.prepare('SELECT * FROM datasets WHERE id = ?').get(id) as DatasetColumns | undefined;
    return columns === undefined ? undefined : toRow(columns);
  }

  /** Every dataset's id, status, name and why its import failed (null unless so), without reading its statistics. */
  states(): Pick<DatasetRow, 'id' | 'status' | 'name' | 'error'>[] {
    return this.db.prepare('SELECT id, status, name, error FROM datasets ORDER BY created_at, id').all() as Pick<
      DatasetRow,
      'id' | 'status' | 'name' | 'error'
    >[];
  }

  /** The datasets still importing (what a look for abandoned imports reads, every interval in the app). */
  importing(): DatasetRow[] {
    const sql = "SELECT * FROM datasets WHERE status = 'importing' ORDER BY created_at, id";
    return (this.db.prepare(sql).all() as DatasetColumns[]).map(toRow);
  }

  list(): DatasetRow[] {
    return (this.db.prepare('SELECT * FROM datasets ORDER BY created_at, id').all() as DatasetColumns[]).map(toRow);
  }

  /** The oldest ready dataset whose documents hash to `sourceHash`, if any. */
  readyWithHash(sourceHash: string): DatasetRow | undefined {
    const columns = this.db
      .prepare("SELECT * FROM datasets WHERE status = 'ready' AND source_hash = ? ORDER BY created_at, id LIMIT 1")
      .get(sourceHash) as DatasetColumns | undefined;
    return columns === undefined ? undefined : toRow(columns);
  }

  /** The ids of every ready dataset whose documents hash to `sourceHash`. */
  readyIdsWithHash(sourceHash: string): string[] {
    return (
      this.db.prepare("SELECT id FROM datasets WHERE status = 'ready' AND source_hash = ?").all(sourceHash) as {
        id: string;
      }[]
    ).map((row) => row.id);
  }

  /** Documents with ordinal ≥ `fromOrdinal`, in order, at most `limit`. */
  documents(datasetId: string, fromOrdinal: number, limit: number): DocumentRow[] {
    return this.db
      .prepare(
        'SELECT ordinal, text, char_count FROM documents WHERE dataset_id = ? AND ordinal >= ? ORDER BY ordinal LIMIT ?',
      )
      .all(datasetId, fromOrdinal, limit) as DocumentRow[];
  }

  /**
   * The split keys of documents with ordinal ≥ `fromOrdinal`, in order, at most `limit`; the text
   * only of a row stored without its key (before schema 8), whose key its text's hash gives.
   */
  splitKeys(datasetId: string, fromOrdinal: number, limit: number): DocumentSplitKeyRow[] {
    return this.db
      .prepare(
        `SELECT ordinal, split_key, CASE WHEN split_key IS NULL THEN text END AS text FROM documents
         WHERE dataset_id = ? AND ordinal >= ? ORDER BY ordinal LIMIT ?`,
      )
      .all(datasetId, fromOrdinal, limit) as DocumentSplitKeyRow[];
  }

  documentCount(datasetId: string): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM documents WHERE dataset_id = ?').get(datasetId) as { n: number })
      .n;
  }

  tokenCache(datasetId: string, tokenizerKey: string): TokenCacheRow | undefined {
    return this.db
      .prepare(
        'SELECT tokenizer_key, path, token_count FROM tokenized_caches WHERE dataset_id = ? AND tokenizer_key = ?',
      )
      .get(datasetId, tokenizerKey) as TokenCacheRow | undefined;
  }

  saveTokenCache(datasetId: string, tokenizerKey: string, path: string, tokenCount: number): void {
    this.db
      .prepare(
        `INSERT INTO tokenized_caches (dataset_id, tokenizer_key, path, token_count, created_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT(dataset_id, tokenizer_key) DO UPDATE SET path = excluded.path, token_count = excluded.token_count,
         created_at = excluded.created_at`,
      )
      .run(datasetId, tokenizerKey, path, tokenCount, new Date().toISOString());
  }
}
