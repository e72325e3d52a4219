// The HF export: a model or checkpoint folder written as config.json + one model.safetensors +
// tokenizer files + generation_config.json, loading back into Spanfill bitwise identical, with
// the source's unmodelled config keys kept and a checkpoint's trainer files left out.
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportHfFolder } from '../../../../src/main/engine/export/hf';
import { exportTransformersJs } from '../../../../src/main/engine/export/transformersjs';
import { loadT5Model } from '../../../../src/main/engine/t5/weights';
import { FIXTURES } from '../t5/helpers';
import { tempDirs } from '../../../support/tmp';

const tempDir = tempDirs('spanfill-hf-');
const checkpointDir = tempDirs('spanfill-ckpt-');

const SPM = join(FIXTURES, 't5-tiny-spm');

function fresh(): string {
  const dir = join(tempDir(), 'out');
  mkdirSync(dir);
  return dir;
}

/** A checkpoint-like folder: the model folder plus the trainer's files. */
function checkpointOf(source: string): string {
  const dir = join(checkpointDir(), 'step-00000010');
  mkdirSync(dir);
  for (const file of readdirSync(source)) copyFileSync(join(source, file), join(dir, file));
  writeFileSync(join(dir, 'trainer_state.json'), '{}');
  writeFileSync(join(dir, 'optimizer.safetensors'), 'x');
  return dir;
}

describe('exportHfFolder', () => {
  it('writes an HF folder that loads back bitwise identical', async () => {
    const source = checkpointOf(SPM);
    const out = fresh();
    const stages: string[] = [];
    await exportHfFolder(source, out, { onProgress: (p) => stages.push(p.stage) });
    expect(readdirSync(out).sort()).toEqual(
      [
        'config.json',
        'generation_config.json',
        'model.safetensors',
        'special_tokens_map.json',
        'tokenizer.json',
        'tokenizer_config.json',
      ].sort(),
    );
    expect(stages.at(-1)).toBe('done');
    const before = loadT5Model(SPM);
    const after = loadT5Model(out);
    expect(after.config).toEqual(before.config);
    expect([...after.weights.params.keys()].sort()).toEqual([...before.weights.params.keys()].sort());
    for (const [name, data] of before.weights.params) {
      const got = after.weights.params.get(name) as Float32Array;
      expect(
        Buffer.from(got.buffer, got.byteOffset, got.byteLength).equals(
          Buffer.from(data.buffer, data.byteOffset, data.byteLength),
        ),
        name,
      ).toBe(true);
    }
    const config = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8')) as Record<string, unknown>;
    expect(config.architectures).toEqual(['T5ForConditionalGeneration']);
    expect(readFileSync(join(out, 'generation_config.json'), 'utf8')).toBe(
      readFileSync(join(SPM, 'generation_config.json'), 'utf8'),
    );
  });

  it("says in both formats' config.json that the weights are float32, over a source's bfloat16", async () => {
    const source = checkpointOf(SPM);
    const config = JSON.parse(readFileSync(join(source, 'config.json'), 'utf8')) as Record<string, unknown>;
    writeFileSync(
      join(source, 'config.json'),
      JSON.stringify({ ...config, torch_dtype: 'bfloat16', dtype: 'bfloat16' }),
    );
    for (const write of [exportHfFolder, exportTransformersJs]) {
      const out = fresh();
      await write(source, out);
      const written = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8')) as Record<string, unknown>;
      expect([written.torch_dtype, written.dtype], write.name).toEqual(['float32', 'float32']);
    }
  });

  it('makes generation_config.json from the config when the source has none', async () => {
    const source = checkpointOf(SPM);
    rmSync(join(source, 'generation_config.json'));
    const out = fresh();
    await exportHfFolder(source, out);
    const { config } = loadT5Model(source);
    expect(JSON.parse(readFileSync(join(out, 'generation_config.json'), 'utf8'))).toEqual({
      decoder_start_token_id: config.decoderStartTokenId,
      eos_token_id: config.eosTokenId,
      pad_token_id: config.padTokenId,
    });
  });

  it('refuses a folder without tokenizer files, naming them', async () => {
    await expect(exportHfFolder(join(FIXTURES, 't5-tiny-relu'), fresh())).rejects.toThrow(
      /has no tokenizer files \(tokenizer\.json/,
    );
  });

  it("refuses, in both formats, a folder holding another model's tokenizer (more ids than vocab_size)", async () => {
    const mismatched = join(tempDir(), 'mismatched');
    mkdirSync(mismatched);
    for (const file of ['config.json', 'model.safetensors'])
      copyFileSync(join(FIXTURES, 't5-tiny-relu', file), join(mismatched, file));
    for (const file of ['tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json'])
      copyFileSync(join(SPM, file), join(mismatched, file));
    const message =
      "has 500 token ids but config.json's vocab_size is 160; the tokenizer does not belong to this model";
    await expect(exportHfFolder(mismatched, fresh())).rejects.toThrow(message);
    await expect(exportTransformersJs(mismatched, fresh())).rejects.toThrow(message);
  });
});
