// Rows a test needs in a real store before the one it is about: the dataset a run refers to
// (runs.dataset_id is a foreign key), with nothing imported; a dataset another process is
// importing, as that process records itself.

import { systemProcesses } from '../../src/main/processIdentity';
import type { Db } from '../../src/main/store/db';
import type { DatasetRepository } from '../../src/main/store/datasets';

export function addDatasetRow(db: Db, id = 'ds-1'): void {
  db.prepare(
    "INSERT INTO datasets (id, name, source_path, source_hash, format, created_at) VALUES (?, 'd', '/d', 'h', 'text', 'now')",
  ).run(id);
}

/**
 * Dataset `id`, still importing in process `pid` (running now): recorded as an import records its
 * process (services/datasetImport.ts), by a moment it ran and, on Linux, its boot id and start ticks.
 */
export function addImportingRow(repo: DatasetRepository, id: string, pid: number): void {
  repo.create({
    id,
    name: `${id} file`,
    sourcePath: `/in/${id}.txt`,
    importingPid: pid,
    importingStartedAt: Date.now(),
    importingBootId: systemProcesses.bootId(),
    importingStartTicks: systemProcesses.startTicks(pid),
  });
}
