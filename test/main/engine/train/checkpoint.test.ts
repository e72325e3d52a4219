// Checkpoint folders: round trip of weights, optimizer slots and trainer state; a failed
// write leaves nothing behind (whole or absent); retention keeps the last K plus the best by
// validation loss and clears crashed temporary folders; bad trainer states are refused clearly;
// a ByT5 base's checkpoints get the byte tokenizer written out.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { HostTensor } from '../../../../src/main/engine/onnx/session';
import { loadT5Model } from '../../../../src/main/engine/t5/weights';
import type { TrainerState } from '../../../../src/main/engine/train/checkpoint';
import {
  CheckpointError,
  listCheckpoints,
  pruneCheckpoints,
  readCheckpoint,
  readTrainerState,
  TRAINER_STATE_FILE,
  writeCheckpoint,
} from '../../../../src/main/engine/train/checkpoint';
import { SPM_DIR } from './helpers';
import { tempDirs } from '../../../support/tmp';
import { writeByT5Folder } from '../../../support/byt5Folder';

const tempDir = tempDirs('spanfill-ckpt-');

const { config, weights } = loadT5Model(SPM_DIR);
const params: Record<string, HostTensor> = Object.fromEntries(
  [...weights.params].map(([name, data]) => [name, { dtype: 'float32', dims: [data.length], data }]),
);
const optimizer: Record<string, HostTensor> = {
  'opt.m/shared.weight': { dtype: 'float32', dims: [2, 2], data: Float32Array.of(1, 2, 3, 4) },
};

function state(step: number, loss: number | null): TrainerState {
  return {
    format: 'spanfill-trainer-state',
    version: 1,
    step,
    data: { epoch: 1, offset: 2 },
    rng: { dataSeed: 4, dropoutSeed: 5, mask: 'fixed' },
    settings: {
      seed: 5,
      dataSeed: 4,
      batchSize: 2,
      accumulation: 1,
      mask: 'fixed',
      dropoutRate: 0.1,
      inputLength: 16,
      targetLength: 8,
    },
    elapsedMs: 10,
    tokensSeen: 20,
    validation: loss === null ? null : { loss, tokenAccuracy: 0.5, spanExactMatch: null, examples: 3 },
  };
}

const write = (root: string, step: number, loss: number | null) =>
  writeCheckpoint(root, { config, tokenizerDir: SPM_DIR, params, optimizer, state: state(step, loss) });

describe('checkpoints', () => {
  it('round-trip weights, optimizer slots and trainer state', () => {
    const dir = write(tempDir(), 7, 1.5);
    const loaded = readCheckpoint(dir, config);
    expect(loaded.state).toEqual(state(7, 1.5));
    expect(loaded.optimizer['opt.m/shared.weight']).toEqual(optimizer['opt.m/shared.weight']);
    for (const [name, data] of weights.params) expect(loaded.params[name].data).toEqual(data);
    expect(loaded.params['shared.weight'].dims).toEqual([config.vocabSize, config.dModel]);
  });

  it("of a ByT5 base (no tokenizer.json) hold the byte tokenizer as files, which transformers' fast tokenizer reads", () => {
    const byt5 = writeByT5Folder(tempDir());
    const dir = writeCheckpoint(tempDir(), { config, tokenizerDir: byt5, params, optimizer, state: state(3, null) });
    expect(existsSync(join(dir, 'tokenizer.json'))).toBe(true);
    const tokenizerConfig = JSON.parse(readFileSync(join(dir, 'tokenizer_config.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    expect(tokenizerConfig.tokenizer_class).toBe('PreTrainedTokenizerFast');
  });

  it('are whole or absent: a failed write leaves no folder, temporary or final', () => {
    const root = tempDir();
    write(root, 1, null);
    const broken = { ...params };
    delete broken['decoder.final_layer_norm.weight'];
    expect(() => writeCheckpoint(root, { config, params: broken, optimizer, state: state(2, null) })).toThrow(
      "Parameter 'decoder.final_layer_norm.weight' should be float32",
    );
    expect(readdirSync(root)).toEqual(['step-00000001']);
  });

  it('keep the last K and the best by validation loss, and clear crashed temporary folders', () => {
    const root = tempDir();
    [3, 1, 2, 4, 5].forEach((loss, i) => write(root, i + 1, loss));
    write(root, 6, null);
    mkdirSync(join(root, '.step-00000007.999.tmp'));
    expect(listCheckpoints(root).map((c) => c.step)).toEqual([1, 2, 3, 4, 5, 6]);
    const removed = pruneCheckpoints(root, 2);
    expect(removed.map((d) => d.slice(-13))).toEqual(['step-00000001', 'step-00000003', 'step-00000004']);
    expect(readdirSync(root).sort()).toEqual(['step-00000002', 'step-00000005', 'step-00000006']);
  });

  it('refuse trainer states of another format or version, naming the file', () => {
    const dir = tempDir();
    const file = join(dir, TRAINER_STATE_FILE);
    writeFileSync(file, JSON.stringify({ ...state(1, null), version: 99 }));
    expect(() => readTrainerState(dir)).toThrow(`${file} has trainer-state version 99; this Spanfill reads version 1`);
    writeFileSync(file, JSON.stringify({ format: 'other' }));
    expect(() => readTrainerState(dir)).toThrow(CheckpointError);
    expect(existsSync(file)).toBe(true);
  });
});
