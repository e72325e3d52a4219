// A run removed (the app's runs.remove, `spanfill runs rm`) while its checkpoint is exported:
// the export fails saying so, by the run's name and id, and leaves nothing in --out; a failure
// while the run is still there stays the export's own.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { EventMap, EventName } from '../../../src/shared/events';
import type { RunDetail } from '../../../src/shared/contract/runs';
import { ApiError } from '../../../src/shared/errors';
import { DatasetService } from '../../../src/main/services/datasets';
import { EngineHostManager } from '../../../src/main/services/engine-host';
import { EventBus } from '../../../src/main/services/events';
import { ExportService, type RunLookup } from '../../../src/main/services/export';
import { openStore } from '../../../src/main/store/db';

const SPM = path.join(__dirname, '../../fixtures/t5/t5-tiny-spm');
const events = new EventBus();
const engine = new EngineHostManager({ events });
const cleanup: (() => void)[] = [];
afterEach(() => {
  for (const f of cleanup.splice(0)) f();
});
afterAll(() => engine.stop());

const RUN = { id: 'r-0000abcd', name: 'ts' };

/**
 * A data directory whose run RUN has one checkpoint (step 40, the fixture's files), and an
 * export service over it; `onProgress` runs at the export's first progress event.
 */
function setup(onProgress: (runDir: string, gone: () => void) => void): { service: ExportService; dir: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spanfill-export-removed-'));
  const dataDir = path.join(dir, 'data');
  const store = openStore(dataDir);
  const runDir = path.join(dataDir, 'runs', RUN.id);
  const checkpoint = path.join(runDir, 'checkpoints', 'step-00000040');
  fs.cpSync(SPM, checkpoint, { recursive: true });
  let removed = false;
  const runs: RunLookup = {
    get: (id) => {
      if (removed || id !== RUN.id) throw new ApiError('not_found', `No run ${id}`);
      return RUN as RunDetail;
    },
    checkpointPath: () => checkpoint,
    readCheckpoint: (_id, _which, read) => read(checkpoint),
  };
  let first = true;
  const off = events.subscribe(<E extends EventName>(event: E, payload: EventMap[E]) => {
    if (event !== 'export.progress' || !first || (payload as EventMap['export.progress']).stage === 'done') return;
    first = false;
    onProgress(runDir, () => (removed = true));
  });
  cleanup.push(() => {
    off();
    store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const datasets = new DatasetService({ store, dataDir, events, engine });
  return { service: new ExportService({ engine, datasets, runs, dataDir }), dir };
}

const request = (out: string) =>
  ({
    run: { id: RUN.id, checkpoint: 'best' },
    format: 'transformers.js',
    quantize: 'int8',
    out,
    force: false,
  }) as const;

describe('export of a run removed meanwhile', () => {
  it('says the run was removed while it was exported, and writes nothing', async () => {
    const { service, dir } = setup((runDir, gone) => {
      fs.rmSync(runDir, { recursive: true, force: true }); // as RunService.remove does
      gone();
    });
    const out = path.join(dir, 'exp-race');
    await expect(service.run(request(out))).rejects.toMatchObject({
      code: 'conflict',
      message: `Run 'ts' (r-0000abcd) was removed while it was being exported; nothing was exported to ${out}`,
    });
    expect(fs.existsSync(out)).toBe(false);
    expect(fs.readdirSync(dir)).toEqual(['data']); // no staging folder left either
  });

  it("keeps the export's own failure when the run is still there", async () => {
    const { service, dir } = setup((runDir) => fs.rmSync(path.join(runDir, 'checkpoints'), { recursive: true }));
    const out = path.join(dir, 'exp');
    await expect(service.run(request(out))).rejects.toThrow(/ENOENT/);
    expect(fs.existsSync(out)).toBe(false);
  });
});
