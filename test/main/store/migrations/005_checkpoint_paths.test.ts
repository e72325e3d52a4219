// Schema 005: checkpoint paths written absolute by schema 3–4 become relative to the data
// directory, named as the engine names a checkpoint folder, whatever directory (or platform)
// wrote them.

import { describe, expect, it } from 'vitest';
import { checkpointDirName } from '../../../../src/main/engine/train/checkpoint';
import { openStore } from '../../../../src/main/store/db';
import { migrations } from '../../../../src/main/store/migrations';
import { RunRepository } from '../../../../src/main/store/runs';
import { tempDirs } from '../../../support/tmp';

const tempDir = tempDirs('spanfill-migration-005-');

describe('migration 005 (checkpoint paths)', () => {
  it('rewrites absolute checkpoint paths relative to the data directory', () => {
    const dir = tempDir();
    const before = openStore(dir, { migrations: migrations.filter((m) => m.version <= 4) });
    const insertRun = before.db.prepare(
      "INSERT INTO runs (id, name, base_model, config_json, status, total_steps, created_at) VALUES (?, 'r', 'm', '{}', 'completed', 1, 'now')",
    );
    const insertCheckpoint = before.db.prepare(
      "INSERT INTO checkpoints (run_id, step, path, is_best, created_at) VALUES (?, ?, ?, 0, 'now')",
    );
    insertRun.run('r-1');
    insertRun.run('r-2');
    // Written in another data directory, one later moved or copied here; one on Windows.
    insertCheckpoint.run('r-1', 150, '/home/someone/.local/share/spanfill/runs/r-1/checkpoints/step-00000150');
    insertCheckpoint.run('r-1', 123_456_789, '/mnt/old/runs/r-1/checkpoints/step-123456789');
    insertCheckpoint.run(
      'r-2',
      0,
      'C:\\Users\\someone\\AppData\\Roaming\\Spanfill\\runs\\r-2\\checkpoints\\step-00000000',
    );
    before.close();

    const after = openStore(dir);
    try {
      const repo = new RunRepository(after.db);
      expect(repo.checkpoints('r-1').map((row) => row.path)).toEqual([
        `runs/r-1/checkpoints/${checkpointDirName(150)}`,
        `runs/r-1/checkpoints/${checkpointDirName(123_456_789)}`,
      ]);
      expect(repo.checkpoints('r-2').map((row) => row.path)).toEqual([`runs/r-2/checkpoints/${checkpointDirName(0)}`]);
      // The names the engine gives are the ones the paths above were written with.
      expect([150, 123_456_789, 0].map(checkpointDirName)).toEqual([
        'step-00000150',
        'step-123456789',
        'step-00000000',
      ]);
    } finally {
      after.close();
    }
  });
});
