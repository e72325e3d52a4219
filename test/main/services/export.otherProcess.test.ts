// Two exports to one folder at once from two processes (the app, and `spanfill export --run` in a
// terminal, on the same data directory): while the first writes it, as a new folder or into one
// that exists, the second is refused, forced or not, naming the process and the run and
// checkpoint step it exports, as an export in the same app is named (export.sameFolder.test.ts),
// and saying to wait or choose another folder. The first is a real process
// (fixtures/exportingChild.ts) whose engine never answers; once it is killed, the folder is written.

import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DatasetService } from '../../../src/main/services/datasets';
import type { HostRequester } from '../../../src/main/services/engine-host';
import { ExportService, type RunLookup } from '../../../src/main/services/export';
import type { RunDetail } from '../../../src/shared/contract/runs';
import { tempDirs } from '../../support/tmp';
import { killHard, tsChildren } from '../../support/tsChild';

const SPM = path.join(__dirname, '../../fixtures/t5/t5-tiny-spm');
const tempDir = tempDirs('spanfill-export-other-');
/** Run r-1 ('tiny') of data directory argv[0], checkpoint folder argv[1], exported into argv[2] for ever (argv[3]: 'run'). */
const startExport = tsChildren(path.join(__dirname, 'fixtures', 'exportingChild.ts'));

/** This process's export service of `dataDir`: run r-2 ('other') has the checkpoint `checkpoint`; its engine writes one file. */
function service(dataDir: string, checkpoint: string): ExportService {
  const engine = {
    request: async (_name: string, args: { dir: string }) => {
      fs.writeFileSync(path.join(args.dir, 'model.onnx'), 'onnx');
      return {};
    },
  } as unknown as HostRequester;
  const runs: RunLookup = {
    get: (id) => ({ id, name: 'other' }) as RunDetail,
    checkpointPath: () => checkpoint,
    readCheckpoint: (_id, _which, read) => read(checkpoint),
  };
  return new ExportService({ engine, datasets: {} as DatasetService, runs, dataDir });
}

describe('an export to the folder an export in another process is writing', () => {
  it('is refused, forced or not, naming that process and the run and checkpoint step it exports', async () => {
    const dir = tempDir();
    const data = path.join(dir, 'data');
    const checkpoint = path.join(dir, 'checkpoints', 'step-00000040');
    fs.cpSync(SPM, checkpoint, { recursive: true });
    const here = service(data, checkpoint);
    for (const out of [path.join(dir, 'new'), path.join(dir, 'there')]) {
      if (path.basename(out) === 'there') fs.mkdirSync(out); // written into under its lock, not staged beside
      const other = await startExport(data, checkpoint, out, 'run');
      const busy = {
        code: 'invalid_input',
        message:
          `An export in another Spanfill process (pid ${other.proc.pid}: the app, or spanfill in a terminal), ` +
          `of run 'tiny' (r-1) at checkpoint step 40, is writing ${out} now; wait for it to finish, or choose another folder`,
      };
      for (const force of [false, true])
        await expect(
          here.run({ run: { id: 'r-2', checkpoint: 'best' }, format: 'hf', out, force }),
        ).rejects.toMatchObject(busy);
      await killHard(other.proc);
      await here.run({ run: { id: 'r-2', checkpoint: 'best' }, format: 'hf', out, force: false });
      expect(fs.readdirSync(out).sort()).toEqual(['model.onnx', 'spanfill-export.json']);
    }
  }, 60_000);
});
