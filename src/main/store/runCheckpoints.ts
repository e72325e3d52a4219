// The rows of a run's checkpoints (schema 003; paths relative to the data directory, 005): one
// recorded as the trainer saves it, with which is best, and the rows of those it pruned dropped
// in the same transaction; read in step order. RunRepository (runs.ts) answers with these.

import type { Db } from './db';

export interface CheckpointRow {
  readonly step: number;
  /** Its folder relative to the data directory, '/'-separated (schema 005): the runs service resolves it. */
  readonly path: string;
  readonly eval: Record<string, number> | null;
  readonly isBest: boolean;
  readonly createdAt: string;
}

/** Records a checkpoint (replacing one at the same step) and which one is best; drops the rows of `removedPaths`. */
export function addCheckpointRow(
  db: Db,
  id: string,
  checkpoint: Omit<CheckpointRow, 'createdAt'>,
  removedPaths: readonly string[],
): void {
  db.transaction(() => {
    if (checkpoint.isBest) db.prepare('UPDATE checkpoints SET is_best = 0 WHERE run_id = ?').run(id);
    db.prepare(
      'INSERT OR REPLACE INTO checkpoints (run_id, step, path, eval_json, is_best, created_at) VALUES (?, ?, ?, ?, ?, ?)',
    ).run(
      id,
      checkpoint.step,
      checkpoint.path,
      checkpoint.eval ? JSON.stringify(checkpoint.eval) : null,
      checkpoint.isBest ? 1 : 0,
      new Date().toISOString(),
    );
    removeCheckpointRows(db, id, removedPaths);
  })();
}

/** Drops the rows of checkpoints whose folders are gone (`paths` as stored). */
export function removeCheckpointRows(db: Db, id: string, paths: readonly string[]): void {
  const remove = db.prepare('DELETE FROM checkpoints WHERE run_id = ? AND path = ?');
  for (const path of paths) remove.run(id, path);
}

/** A run's checkpoint rows in step order. */
export function checkpointRows(db: Db, id: string): CheckpointRow[] {
  const rows = db
    .prepare('SELECT step, path, eval_json, is_best, created_at FROM checkpoints WHERE run_id = ? ORDER BY step')
    .all(id) as { step: number; path: string; eval_json: string | null; is_best: number; created_at: string }[];
  return rows.map((r) => ({
    step: r.step,
    path: r.path,
    eval: r.eval_json ? (JSON.parse(r.eval_json) as Record<string, number>) : null,
    isBest: r.is_best === 1,
    createdAt: r.created_at,
  }));
}
