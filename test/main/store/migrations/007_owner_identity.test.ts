// Schema 007: a run keeps its owner's boot id and start ticks (Linux) beside its pid and start
// time, so that a wall clock stepped while it trains does not make its owner look gone. Rows
// written before have none (their start time says, as before); values that are not a boot id
// or ticks are read as none.

import { describe, expect, it } from 'vitest';
import { openStore } from '../../../../src/main/store/db';
import { migrations } from '../../../../src/main/store/migrations';
import { RunRepository } from '../../../../src/main/store/runs';
import { tempDirs } from '../../../support/tmp';

const tempDir = tempDirs('spanfill-migration-007-');

const BOOT_ID = '0f1e2d3c4b5a69788796a5b4c3d2e1f0';

describe('migration 007 (owner boot ids and start ticks)', () => {
  it("keeps a schema-6 run's owner without them, stores them after, and reads damaged ones as none", () => {
    const dir = tempDir();
    const before = openStore(dir, { migrations: migrations.filter((m) => m.version <= 6) });
    before.db
      .prepare(
        `INSERT INTO runs (id, name, base_model, config_json, status, total_steps, created_at, owner_pid, owner_started_at)
         VALUES ('r-1', 'r', 'm', '{"model":"/m","datasetId":"ds-1"}', 'running', 1, 'now', 4242, 1772352000123)`,
      )
      .run();
    before.close();

    const after = openStore(dir, { migrations: migrations.filter((m) => m.version <= 7) });
    try {
      expect(after.schemaVersion).toBe(7);
      const repo = new RunRepository(after.db);
      expect(repo.mustGet('r-1')).toMatchObject({
        ownerPid: 4242,
        ownerStartedAt: 1772352000123,
        ownerBootId: null,
        ownerStartTicks: null,
      });
      const owner = { ownerPid: 99, ownerStartedAt: 1772352000123, ownerBootId: BOOT_ID, ownerStartTicks: 360_000 };
      expect(repo.setStatus('r-1', 'running', owner)).toMatchObject(owner);
      const damage = after.db.prepare('UPDATE runs SET owner_boot_id = ?, owner_start_ticks = ? WHERE id = ?');
      for (const [bootId, ticks] of [
        ['not a boot id', 360_000],
        [BOOT_ID, -1],
        [BOOT_ID, 'soon'],
        [BOOT_ID, 3600.5],
        [42, 360_000],
        [BOOT_ID, null],
      ]) {
        damage.run(bootId, ticks, 'r-1');
        expect(repo.mustGet('r-1'), `${bootId} ${ticks}`).toMatchObject({
          ownerPid: 99,
          ownerBootId: null,
          ownerStartTicks: null,
        });
      }
    } finally {
      after.close();
    }
  });
});
