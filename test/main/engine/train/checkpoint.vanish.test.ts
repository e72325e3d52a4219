// scanCheckpoints while checkpoints are deleted under it (its trainer prunes one, another window
// removes the run): a checkpoint folder gone between the listing and a look at its files is not
// listed, a file gone alone is missing, a checkpoints folder gone as it is listed holds none;
// none of these is an error. Each deletion is made certain: node:fs's call named, on the path
// named, first makes it (the engine's seam for this is the file system itself: the safetensors
// header check opens its file by path).
import fs from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { HostTensor } from '../../../../src/main/engine/onnx/session';
import { loadT5Model } from '../../../../src/main/engine/t5/weights';
import { OPTIMIZER_FILE, scanCheckpoints, type TrainerState } from '../../../../src/main/engine/train/checkpoint';
import { writeCheckpoint } from '../../../../src/main/engine/train/checkpointWrite';
import { SPM_DIR } from './helpers';
import type { FsRace } from '../../../support/fsRaces';
import { tempDirs } from '../../../support/tmp';

const races: FsRace[] = vi.hoisted(() => []); // (vi.mock below runs before this module's other lines)
vi.mock('node:fs', async (importOriginal) =>
  (await import('../../../support/fsRaces')).racedFs(await importOriginal<typeof import('node:fs')>(), races),
);

/** `deletes` removed just before the next `call` on `path`. */
const deletion = (call: 'openSync' | 'readdirSync', path: string, deletes: string): FsRace => ({
  call,
  path,
  before: () => fs.rmSync(deletes, { recursive: true }),
});

const tempDir = tempDirs('spanfill-ckpt-vanish-');
afterEach(() => {
  races.length = 0;
});

const { config, weights } = loadT5Model(SPM_DIR);
const params: Record<string, HostTensor> = Object.fromEntries(
  [...weights.params].map(([name, data]) => [name, { dtype: 'float32', dims: [data.length], data }]),
);
const mask = 'fixed';
const settings = { seed: 1, dataSeed: 2, batchSize: 2, accumulation: 1, mask, dropoutRate: 0 } as const;

/** A trainer state at `step`, no evaluation yet. */
const stateAt = (step: number): TrainerState => ({
  format: 'spanfill-trainer-state',
  version: 1,
  step,
  data: { epoch: 0, offset: 0 },
  rng: { dataSeed: 2, dropoutSeed: 1, mask },
  settings: { ...settings, inputLength: 8, targetLength: 4 },
  elapsedMs: 0,
  tokensSeen: 0,
  validation: null,
});

/** Checkpoints of `steps` under a fresh root; the root and each one's folder. */
function checkpoints(...steps: number[]): { root: string; dirs: string[] } {
  const root = tempDir();
  const dirs = steps.map((step) =>
    writeCheckpoint(root, { config, tokenizerDir: SPM_DIR, params, optimizer: {}, state: stateAt(step) }),
  );
  return { root, dirs };
}

describe('scanCheckpoints while checkpoints are deleted', () => {
  it('leaves out a checkpoint pruned after it was listed, before its weights were opened', () => {
    const { root, dirs } = checkpoints(2, 4);
    races.push(deletion('openSync', join(dirs[0], 'model.safetensors'), dirs[0]));
    expect(scanCheckpoints(root)).toEqual({ whole: [{ step: 4, dir: dirs[1], validationLoss: null }], unreadable: [] });
    expect(races).toEqual([]); // the deletion was made
  });

  it('says a file deleted alone from a checkpoint that is still there is missing', () => {
    const { root, dirs } = checkpoints(2);
    const optimizer = join(dirs[0], OPTIMIZER_FILE);
    races.push(deletion('openSync', optimizer, optimizer));
    expect(scanCheckpoints(root)).toEqual({
      whole: [],
      unreadable: [{ step: 2, dir: dirs[0], file: OPTIMIZER_FILE, problem: 'is missing' }],
    });
    expect(races).toEqual([]);
  });

  it('finds none in a checkpoints folder deleted as it is listed (its run removed)', () => {
    const { root } = checkpoints(2);
    races.push(deletion('readdirSync', root, root));
    expect(scanCheckpoints(root)).toEqual({ whole: [], unreadable: [] });
    expect(races).toEqual([]);
    expect(fs.existsSync(root)).toBe(false);
  });
});
