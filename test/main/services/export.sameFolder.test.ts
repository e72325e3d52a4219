// Two exports to one folder at once from the same app (two tabs export their runs to the same
// suggested folder): while the first writes it, the second is refused, forced or not, naming the
// run the first exports and saying to wait or choose another folder — not a 'conflict', which
// the app offers to settle by replacing the folder and the CLI by --force (that would take the
// folder from under the first). Once the first is done, the folder holds an earlier export, the
// confirm-to-replace case. The engine is a fake that writes one file and waits to be let go.

import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DatasetService } from '../../../src/main/services/datasets';
import type { HostRequester } from '../../../src/main/services/engine-host';
import { ExportService, type RunLookup } from '../../../src/main/services/export';
import type { RunDetail } from '../../../src/shared/contract/runs';
import { tempDirs } from '../../support/tmp';

const SPM = path.join(__dirname, '../../fixtures/t5/t5-tiny-spm');
const tempDir = tempDirs('spanfill-export-same-');

/** A service whose runs r-1 ('tiny') and r-2 ('other') have a checkpoint at step 40, and whose engine waits for `release`. */
function setup(dir: string) {
  const checkpoint = path.join(dir, 'checkpoints', 'step-00000040');
  fs.cpSync(SPM, checkpoint, { recursive: true });
  let release = (): void => undefined;
  let gate = Promise.resolve();
  const engine = {
    request: async (_name: string, args: { dir: string }) => {
      fs.writeFileSync(path.join(args.dir, 'model.onnx'), 'onnx');
      await gate;
      return {};
    },
  } as unknown as HostRequester;
  const names: Record<string, string> = { 'r-1': 'tiny', 'r-2': 'other' };
  const runs: RunLookup = {
    get: (id) => ({ id, name: names[id] }) as RunDetail,
    checkpointPath: () => checkpoint,
    readCheckpoint: (_id, _which, read) => read(checkpoint),
  };
  const service = new ExportService({ engine, datasets: {} as DatasetService, runs });
  const hold = (): void => {
    gate = new Promise((resolve) => (release = resolve));
  };
  return { service, hold, release: () => release() };
}

const request = (id: string, out: string, force: boolean) =>
  ({ run: { id, checkpoint: 'best' }, format: 'hf', out, force }) as const;

describe('an export to the folder another export of this app is writing', () => {
  it('is refused, forced or not, naming the run being exported there, and is no conflict to replace', async () => {
    const dir = tempDir();
    const out = path.join(dir, 'exports', 'tiny');
    const { service, hold, release } = setup(dir);
    hold();
    const first = service.run(request('r-1', out, false));
    await new Promise((resolve) => setTimeout(resolve, 50));
    const busy = {
      code: 'invalid_input',
      message: `Another export in this app, of run 'tiny' (r-1) at checkpoint step 40, is writing ${out} now; wait for it to finish, or choose another folder`,
    };
    for (const force of [false, true])
      await expect(service.run(request('r-2', out, force))).rejects.toMatchObject(busy);
    release();
    await first;
    expect(fs.readdirSync(out).sort()).toEqual(['model.onnx', 'spanfill-export.json']);
    expect(JSON.parse(fs.readFileSync(path.join(out, 'spanfill-export.json'), 'utf8'))).toMatchObject({
      source: 'run r-1, checkpoint step 40',
    });
    // Done: an earlier export, which a forced export replaces.
    await expect(service.run(request('r-2', out, false))).rejects.toMatchObject({
      code: 'conflict',
      message: expect.stringMatching(/holds an earlier hf export .*, or replace it$/),
    });
    await service.run(request('r-2', out, true));
    expect(fs.readdirSync(path.dirname(out))).toEqual(['tiny']);
  });

  it('is refused while an export of a model folder is replacing an earlier export there, naming that folder', async () => {
    const dir = tempDir();
    const out = path.join(dir, 'tuned');
    const { service, hold, release } = setup(dir);
    await service.run({ sourceDir: SPM, format: 'hf', out, force: false });
    hold();
    const replacing = service.run({ sourceDir: SPM, format: 'hf', out, force: true });
    await new Promise((resolve) => setTimeout(resolve, 50));
    // Not "holds an earlier export": the one there is being replaced now.
    await expect(service.run(request('r-1', out, false))).rejects.toMatchObject({
      code: 'invalid_input',
      message: `Another export in this app, of ${SPM}, is writing ${out} now; wait for it to finish, or choose another folder`,
    });
    release();
    await replacing;
  });
});
