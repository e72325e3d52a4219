// Schema 006: a run keeps when the process that owns it started, so that a pid reused after a
// reboot is not taken for its owner. Rows written before have none: they keep their pid, and the
// pid alone says whether their owner lives (as before).

import { describe, expect, it } from 'vitest';
import { openStore } from '../../../../src/main/store/db';
import { migrations } from '../../../../src/main/store/migrations';
import { RunRepository } from '../../../../src/main/store/runs';
import { tempDirs } from '../../../support/tmp';

const tempDir = tempDirs('spanfill-migration-006-');

describe('migration 006 (owner start times)', () => {
  it("keeps a schema-5 run's owner pid, with no start time, and stores start times after", () => {
    const dir = tempDir();
    const before = openStore(dir, { migrations: migrations.filter((m) => m.version <= 5) });
    before.db
      .prepare(
        `INSERT INTO runs (id, name, base_model, config_json, status, total_steps, created_at, owner_pid)
         VALUES ('r-1', 'r', 'm', '{"model":"/m","datasetId":"ds-1"}', 'running', 1, 'now', 4242)`,
      )
      .run();
    before.close();

    const after = openStore(dir, { migrations: migrations.filter((m) => m.version <= 6) });
    try {
      expect(after.schemaVersion).toBe(6);
      const repo = new RunRepository(after.db);
      expect(repo.mustGet('r-1')).toMatchObject({ status: 'running', ownerPid: 4242, ownerStartedAt: null });
      const startedAt = Date.parse('2026-03-01T08:00:00.123Z');
      expect(repo.setStatus('r-1', 'running', { ownerPid: 99, ownerStartedAt: startedAt })).toMatchObject({
        ownerPid: 99,
        ownerStartedAt: startedAt,
      });
    } finally {
      after.close();
    }
  });
});
