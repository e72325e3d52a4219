// Reads a data directory's store the way another process would: read-only, so opening it
// runs no clean-up (a real store open removes abandoned imports). For the Ctrl-C and SIGKILL
// tests, which check what a stopped command left behind, and the end-to-end test that kills a
// run's engine host (whose pid only the store knows).

import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { databaseFileName } from '../../src/main/store/db';

/** Dataset statuses and the number of stored documents; none when there is no database yet. */
export function storedDatasets(dataDir: string): { statuses: string[]; documents: number } {
  const file = path.join(dataDir, databaseFileName);
  if (!fs.existsSync(file)) return { statuses: [], documents: 0 };
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const isMigrated = db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'datasets'").get() !== undefined;
    if (!isMigrated) return { statuses: [], documents: 0 };
    const rows = db.prepare('SELECT status FROM datasets').all() as { status: string }[];
    const { n } = db.prepare('SELECT COUNT(*) AS n FROM documents').get() as { n: number };
    return { statuses: rows.map((row) => row.status), documents: n };
  } finally {
    db.close();
  }
}

/** The pid of the engine host training a run, as the store has it; null before it started. */
export function storedRunHostPid(dataDir: string, runId: string): number | null {
  const db = new Database(path.join(dataDir, databaseFileName), { readonly: true, fileMustExist: true });
  try {
    const row = db.prepare('SELECT host_pid FROM runs WHERE id = ?').get(runId) as
      { host_pid: number | null } | undefined;
    return row?.host_pid ?? null;
  } finally {
    db.close();
  }
}
