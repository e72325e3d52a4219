// What loading a model folder refuses beyond names and shapes: weights that are NaN or infinite
// (a damaged file, or float16 values that overflowed), named by file and tensor before they could
// fill with <pad> or fail training at step 1; shard paths in model.safetensors.index.json that
// leave the folder. And config.json's torch_dtype (and dtype) following the float32 weights
// written, so Python's dtype="auto" does not load them at reduced precision.
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeSafetensorsFile } from '../../../../src/main/engine/formats/safetensors';
import { loadT5Model, loadT5Weights, saveT5Model } from '../../../../src/main/engine/t5/weights';
import { tempDirs } from '../../../support/tmp';
import { damagedFixture, FIXTURES } from './helpers';

const tempDir = tempDirs('spanfill-t5-checks-');
const TENSOR = 'encoder.block.0.layer.1.DenseReluDense.wi.weight';

/** The t5-tiny-relu fixture with `change` applied to TENSOR, saved as `dtype`. */
const damagedModel = (change: (data: Float32Array) => void, dtype: 'F32' | 'F16' = 'F32'): string =>
  damagedFixture(tempDir(), 't5-tiny-relu', TENSOR, change, dtype);

describe('weights that are not finite', () => {
  it('are refused by file and tensor, saying what to do', () => {
    const dir = damagedModel((data) => {
      data[3] = NaN;
      data[9] = -Infinity;
    });
    const file = join(dir, 'model.safetensors');
    expect(() => loadT5Model(dir)).toThrow(
      `${file} holds 2 values that are not finite (NaN or infinite) in '${TENSOR}'; a model with them ` +
        'fills with nonsense and cannot be trained: the file is damaged or was saved after training diverged; ' +
        'download or convert the model again, or choose another one',
    );
    expect(() => loadT5Weights(dir, undefined, { refuseNonFinite: true })).toThrow(`${file} holds 2 values`);
  });
  it('are refused when float16 values overflowed to infinity, saying to save in float32 or bfloat16', () => {
    const dir = damagedModel((data) => {
      data[0] = 1e6; // over float16's largest, 65,504: written as infinity
    }, 'F16');
    expect(() => loadT5Model(dir)).toThrow(
      `${join(dir, 'model.safetensors')} holds 1 value that is not finite (NaN or infinite) in '${TENSOR}' ` +
        '(float16, whose values past 65,504 become infinite); a model with them fills with nonsense and cannot be ' +
        'trained: save it again from its source in float32 or bfloat16, or choose another model',
    );
  });
});

describe('shard paths', () => {
  it('must be file names in the folder, not paths that leave it', () => {
    const root = tempDir();
    const dir = join(root, 'model');
    mkdirSync(dir);
    mkdirSync(join(root, 'outside'));
    copyFileSync(join(FIXTURES, 't5-tiny-relu', 'config.json'), join(dir, 'config.json'));
    const { weights } = loadT5Model(join(FIXTURES, 't5-tiny-relu'));
    writeSafetensorsFile(
      join(root, 'outside', 'secret.safetensors'),
      [...weights.params].map(([name, data]) => ({ name, shape: [data.length], data })),
    );
    const weightMap = Object.fromEntries(
      [...weights.params.keys()].map((name) => [name, '../outside/secret.safetensors']),
    );
    writeFileSync(join(dir, 'model.safetensors.index.json'), JSON.stringify({ weight_map: weightMap }));
    expect(() => loadT5Weights(dir)).toThrow(
      `model.safetensors.index.json in ${dir} maps '${Object.keys(weightMap)[0]}' to ` +
        '"../outside/secret.safetensors"; a shard must be a file in the folder, named like "model-00001-of-00002.safetensors"',
    );
  });
});

describe('config.json torch_dtype', () => {
  it('names the dtype written (float32 unless asked), also under the newer "dtype" key, where the source had them', () => {
    const { config, weights } = loadT5Model(join(FIXTURES, 't5-tiny-relu'));
    const dir = tempDir();
    saveT5Model(dir, config, weights, { baseConfig: { torch_dtype: 'bfloat16', dtype: 'bfloat16' } });
    const saved = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as Record<string, unknown>;
    expect([saved.torch_dtype, saved.dtype]).toEqual(['float32', 'float32']);
    rmSync(join(dir, 'config.json'));
    saveT5Model(dir, config, weights, { dtype: 'BF16', baseConfig: { torch_dtype: 'float32' } });
    const bf16 = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as Record<string, unknown>;
    expect([bf16.torch_dtype, bf16.dtype]).toEqual(['bfloat16', undefined]);
    saveT5Model(dir, config, weights, { baseConfig: { _name_or_path: 'x' } });
    const none = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as Record<string, unknown>;
    expect([none.torch_dtype, none.dtype]).toEqual([undefined, undefined]); // transformers goes by the weights
  });
});
