// A run removed (the app's runs.remove, `spanfill runs rm`) while its checkpoint is exported:
// the export reads a linked copy outside the run's folder (runsCheckpointReaders.ts), so it finishes,
// and the copy goes after it (the removal takes only copies whose reader was killed); a run
// removed before its checkpoint could be copied fails the export saying so, by the run's name
// and id, leaving nothing in --out; a failure while the run is still there stays the export's
// own. Over the real services and engine host.

import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EventMap } from '../../../src/shared/events';
import { AppServices } from '../../../src/main/services/app';
import { checkpointReadersFolder } from '../../../src/main/services/runsCheckpointReaders';
import { deadPid } from '../../support/processes';
import { runsServiceKit, smallRunConfig } from './runs-support';

const SPM = path.join(__dirname, '../../fixtures/t5/t5-tiny-spm');
const { tempDir, open } = runsServiceKit();

const RUN = { id: 'r-0000abcd', name: 'ts' };
const STEP = 'step-00000040';

/**
 * Services on a fresh data directory whose completed run RUN has one checkpoint (step 40, the
 * fixture's files); `onProgress` runs at the export's first progress event.
 */
function setup(onProgress: (app: AppServices, dataDir: string) => void): {
  app: AppServices;
  dir: string;
  dataDir: string;
} {
  const dir = tempDir();
  const dataDir = path.join(dir, 'data');
  const app = open(dataDir);
  app.datasets.repo.create({ id: 'ds-1', name: 'texts', sourcePath: '/texts.txt', importingPid: process.pid });
  app.runs.repo.add({ ...RUN, config: smallRunConfig('ds-1'), totalSteps: 40, status: 'completed' });
  const stored = `runs/${RUN.id}/checkpoints/${STEP}`;
  fs.cpSync(SPM, path.join(dataDir, stored), { recursive: true });
  app.runs.repo.addCheckpoint(RUN.id, { step: 40, path: stored, eval: null, isBest: false }, []);
  let first = true;
  app.events.subscribe((event, payload) => {
    if (event !== 'export.progress' || !first || (payload as EventMap['export.progress']).stage === 'done') return;
    first = false;
    onProgress(app, dataDir);
  });
  return { app, dir, dataDir };
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
  it('finishes from its copy when the run is removed while it is exported, and the copy goes after', async () => {
    let readersAtRemoval: string[] = [];
    const { app, dir, dataDir } = setup((services, data) => {
      // A copy of the run's checkpoint that a killed reader (`fill --run`, then kill -9) left.
      const readers = checkpointReadersFolder(data);
      fs.mkdirSync(path.join(readers, `${RUN.id}.${STEP}.${deadPid()}.${Date.now()}-a1B2c3`, STEP), {
        recursive: true,
      });
      services.runs.remove(RUN.id);
      readersAtRemoval = fs.readdirSync(readers);
    });
    const out = path.join(dir, 'exp');
    const result = await app.export.run(request(out));
    expect(result).toMatchObject({ format: 'transformers.js', out, checkpoint: { runId: RUN.id, step: 40 } });
    expect(fs.readdirSync(path.join(out, 'onnx')).sort()).toEqual([
      'decoder_model_merged.onnx',
      'decoder_model_merged_quantized.onnx',
      'encoder_model.onnx',
      'encoder_model_quantized.onnx',
    ]);
    expect(fs.existsSync(path.join(out, 'config.json'))).toBe(true);
    expect(app.runs.list()).toEqual([]);
    expect(fs.existsSync(path.join(dataDir, 'runs', RUN.id))).toBe(false);
    // The removal took the killed reader's copy and left the export's; that went as the export ended.
    const exports = new RegExp(`^${RUN.id}\\.${STEP}\\.${process.pid}\\.`);
    expect(readersAtRemoval).toEqual([expect.stringMatching(exports)]);
    expect(fs.existsSync(checkpointReadersFolder(dataDir))).toBe(false);
  }, 60_000);

  it('says the run was removed when it went before its checkpoint could be copied, and writes nothing', async () => {
    const { app, dir } = setup(() => undefined);
    // Removed between the export's look at the run and its copy of the checkpoint.
    const pick = app.runs.checkpointPath.bind(app.runs);
    let picks = 0;
    app.runs.checkpointPath = (id, which) => {
      if (++picks === 2) app.runs.remove(id);
      return pick(id, which);
    };
    const out = path.join(dir, 'exp-race');
    // not_found, not conflict: a conflict is the earlier export the app offers to replace (the CLI: --force).
    await expect(app.export.run(request(out))).rejects.toMatchObject({
      code: 'not_found',
      message: `Run 'ts' (r-0000abcd) was removed while it was being exported; nothing was exported to ${out}`,
    });
    expect(fs.existsSync(out)).toBe(false);
    expect(fs.readdirSync(dir)).toEqual(['data']); // no staging folder left either
  }, 60_000);

  it("keeps the export's own failure when the run is still there", async () => {
    const { app, dir, dataDir } = setup(() => fs.rmSync(checkpointReadersFolder(dataDir), { recursive: true }));
    const out = path.join(dir, 'exp');
    await expect(app.export.run(request(out))).rejects.toThrow(/ENOENT/);
    expect(fs.existsSync(out)).toBe(false);
    expect(app.runs.list().map((run) => run.id)).toEqual([RUN.id]);
  }, 60_000);
});
