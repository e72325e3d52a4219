// Checkpoint folders: round trip of weights, optimizer slots and trainer state; a failed
// write leaves nothing behind (whole or absent); retention keeps the last K plus the best by
// validation loss and clears crashed temporary folders; bad trainer states are refused clearly;
// a ByT5 base's checkpoints get the byte tokenizer written out. A checkpoint that cannot be read
// (a corrupt trainer_state.json, a truncated safetensors) is listed apart with what is wrong,
// kept by pruning, and replaced by the next checkpoint of its step; one that passes those checks
// but does not load (a tensor renamed, NaN or infinite values) names its folder and the cause.
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { HostTensor } from '../../../../src/main/engine/onnx/session';
import { loadT5Model } from '../../../../src/main/engine/t5/weights';
import type { TrainerState } from '../../../../src/main/engine/train/checkpoint';
import { writeCheckpoint } from '../../../../src/main/engine/train/checkpointWrite';
import {
  CheckpointError,
  generationConfig,
  listCheckpoints,
  pruneCheckpoints,
  readCheckpoint,
  readTrainerState,
  scanCheckpoints,
  TRAINER_STATE_FILE,
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

  it('keep those the caller says to keep besides the last K and the best (a model registered on one)', () => {
    const root = tempDir();
    [3, 1, 2, 4].forEach((loss, i) => write(root, i + 1, loss));
    const removed = pruneCheckpoints(root, 1, { keep: (c) => c.step === 3 });
    expect(removed.map((d) => d.slice(-13))).toEqual(['step-00000001']);
    expect(readdirSync(root).sort()).toEqual(['step-00000002', 'step-00000003', 'step-00000004']);
    // Asked again (the next checkpoint's pruning), it stays.
    write(root, 5, 5);
    expect(pruneCheckpoints(root, 1, { keep: (c) => c.dir === join(root, 'step-00000003') })).toEqual([
      join(root, 'step-00000004'),
    ]);
    expect(readdirSync(root).sort()).toEqual(['step-00000002', 'step-00000003', 'step-00000005']);
  });

  it('refuse trainer states of another format or version, naming the file', () => {
    const dir = tempDir();
    const file = join(dir, TRAINER_STATE_FILE);
    writeFileSync(file, JSON.stringify({ ...state(1, null), version: 99 }));
    expect(() => readTrainerState(dir)).toThrow(`${file} has trainer-state version 99; this Spanfill reads version 1`);
    writeFileSync(file, JSON.stringify({ format: 'other' }));
    expect(() => readTrainerState(dir)).toThrow(CheckpointError);
    expect(existsSync(file)).toBe(true);
    // One made by hand, or another program's JSON: no format at all, said so (not "format 'undefined'").
    for (const json of ['{}', '[]', 'null', '{"step": 35}']) {
      writeFileSync(file, json);
      expect(() => readTrainerState(dir)).toThrow(`${file} is not a Spanfill trainer state (it has no "format" field)`);
    }
  });

  it('read a trainer state with the schemes its examples were made by, and refuse one whose schemes are not names', () => {
    const dir = tempDir();
    const file = join(dir, TRAINER_STATE_FILE);
    const examples = { train: 'packed-1', validation: null };
    writeFileSync(file, JSON.stringify({ ...state(1, null), examples }));
    expect(readTrainerState(dir).examples).toEqual(examples);
    for (const bad of [{ train: 2, validation: null }, { validation: 'packed-1' }, 'packed-1', null]) {
      writeFileSync(file, JSON.stringify({ ...state(1, null), examples: bad }));
      expect(() => readTrainerState(dir)).toThrow(
        `${file} has "examples" that are not the schemes of its training and validation examples`,
      );
    }
  });
});

describe('unreadable checkpoints', () => {
  it('with a corrupt trainer_state.json are listed apart, saying so, and kept by pruning', () => {
    const root = tempDir();
    for (const step of [10, 20, 30]) write(root, step, null);
    const corrupt = join(root, 'step-00000020');
    writeFileSync(join(corrupt, TRAINER_STATE_FILE), '{"step": 1, "garbage\n');
    const scan = scanCheckpoints(root);
    expect(scan.whole.map((c) => c.step)).toEqual([10, 30]);
    expect(scan.unreadable).toEqual([
      {
        step: 20,
        dir: corrupt,
        file: TRAINER_STATE_FILE,
        problem: expect.stringMatching(/^is not valid JSON \(.+\)$/),
      },
    ]);
    expect(listCheckpoints(root).map((c) => c.step)).toEqual([10, 30]);
    expect(pruneCheckpoints(root, 1)).toEqual([join(root, 'step-00000010')]);
    expect(readdirSync(root).sort()).toEqual(['step-00000020', 'step-00000030']);
  });

  it('with a truncated model.safetensors are not listed as whole, and say how short it is', () => {
    const root = tempDir();
    write(root, 100, null);
    write(root, 200, null);
    const model = join(root, 'step-00000200', 'model.safetensors');
    const size = statSync(model).size;
    truncateSync(model, 100_000);
    expect(listCheckpoints(root).map((c) => c.step)).toEqual([100]);
    expect(scanCheckpoints(root).unreadable).toEqual([
      {
        step: 200,
        dir: join(root, 'step-00000200'),
        file: 'model.safetensors',
        problem: `is truncated (100,000 of ${size.toLocaleString('en')} bytes)`,
      },
    ]);
  });

  it("name a model file's problem before a trainer state's, so a read of the model meets it", () => {
    const root = tempDir();
    const dir = write(root, 7, null);
    writeFileSync(join(dir, TRAINER_STATE_FILE), '{"step": 1, "garbage\n');
    truncateSync(join(dir, 'model.safetensors'), 1000);
    expect(scanCheckpoints(root).unreadable).toMatchObject([
      { step: 7, file: 'model.safetensors', problem: expect.stringMatching(/^is truncated/) },
    ]);
  });

  it('with a file missing say which', () => {
    const root = tempDir();
    write(root, 5, null);
    rmSync(join(root, 'step-00000005', 'optimizer.safetensors'));
    expect(scanCheckpoints(root).unreadable).toMatchObject([
      { step: 5, file: 'optimizer.safetensors', problem: 'is missing' },
    ]);
  });

  it('are replaced whole by the next checkpoint of their step, nothing left beside it', () => {
    const root = tempDir();
    write(root, 100, null);
    const dir = write(root, 200, null);
    truncateSync(join(dir, 'model.safetensors'), 1000);
    writeFileSync(join(dir, 'stray.txt'), 'left by hand');
    expect(write(root, 200, 1.25)).toBe(dir);
    expect(scanCheckpoints(root)).toEqual({
      whole: [
        { step: 100, dir: join(root, 'step-00000100'), validationLoss: null },
        { step: 200, dir, validationLoss: 1.25 },
      ],
      unreadable: [],
    });
    expect(existsSync(join(dir, 'stray.txt'))).toBe(false);
    expect(readdirSync(root).sort()).toEqual(['step-00000100', 'step-00000200']);
    expect(readCheckpoint(dir, config).state.step).toBe(200);
  });

  it('that pass the checks but do not load name their folder', () => {
    const dir = write(tempDir(), 3, null);
    // Same length, wrong tensor name in the header: only loading finds it.
    const model = join(dir, 'model.safetensors');
    writeFileSync(model, readFileSync(model).toString('latin1').replace('shared.weight', 'shared.wEight'), 'latin1');
    expect(scanCheckpoints(dirname(dir)).unreadable).toEqual([]);
    expect(() => readCheckpoint(dir, config)).toThrow(new RegExp(`^The checkpoint ${dir} could not be loaded: `));
  });

  it('whose weights hold NaN or infinite values (same length, so they pass the checks) do not load, saying so', () => {
    const dir = write(tempDir(), 30, null);
    const model = join(dir, 'model.safetensors');
    const bytes = readFileSync(model);
    bytes.fill(0xff, bytes.length - 4000); // 1000 float32 NaNs at the end of the last tensor
    writeFileSync(model, bytes);
    expect(scanCheckpoints(dirname(dir)).unreadable).toEqual([]);
    expect(() => readCheckpoint(dir, config)).toThrow(
      new RegExp(
        `^The checkpoint ${dir} could not be loaded: its model\\.safetensors holds 1,000 values that are not finite ` +
          `\\(NaN or infinite\\), the first in '[^']+'; training cannot go on from them$`,
      ),
    );
  });

  it('whose optimizer state holds an infinite value do not load, naming the slot', () => {
    const dir = write(tempDir(), 40, null);
    const file = join(dir, 'optimizer.safetensors');
    const bytes = readFileSync(file);
    bytes.writeFloatLE(Infinity, bytes.length - 4); // the last of opt.m/shared.weight's 4 values
    writeFileSync(file, bytes);
    expect(() => readCheckpoint(dir, config)).toThrow(
      `The checkpoint ${dir} could not be loaded: its optimizer.safetensors holds 1 value that is not finite ` +
        "(NaN or infinite), in 'opt.m/shared.weight'; training cannot go on from it",
    );
  });
});

describe('generationConfig', () => {
  it("writes config.json's eos ids: one as a number, several as the list generation stops on", () => {
    expect(generationConfig(config)).toEqual({ decoder_start_token_id: 0, eos_token_id: 1, pad_token_id: 0 });
    expect(generationConfig({ ...config, eosTokenIds: [1, 2] }).eos_token_id).toEqual([1, 2]);
  });
});
