// Config parsing, weights save/load round trips and the malformed-folder messages of
// weights.ts (the safetensors format itself: test/main/engine/formats/safetensors.test.ts).
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadT5Config, parseT5Config, t5Preset, T5_PRESET_NAMES } from '../../../../src/main/engine/t5/config';
import { countParams, randomT5Params, t5ParamShapes } from '../../../../src/main/engine/t5/params';
import { readAllTensors, writeSafetensorsFile } from '../../../../src/main/engine/formats/safetensors';
import {
  checkT5WeightFiles,
  DEFAULT_LAYOUT,
  loadT5Model,
  loadT5Weights,
  saveT5Model,
  saveT5Weights,
  weightsFromParams,
} from '../../../../src/main/engine/t5/weights';

const FIXTURES = join(__dirname, '../../../fixtures/t5');
const temps: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'spanfill-t5-'));
  temps.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function copyFixture(name: string): string {
  const dir = tempDir();
  for (const file of ['config.json', 'model.safetensors']) copyFileSync(join(FIXTURES, name, file), join(dir, file));
  return dir;
}

/** What loadT5Weights says refusing `dir` ('' when it loads). */
function refusalOf(dir: string): string {
  try {
    loadT5Weights(dir);
    return '';
  } catch (error) {
    return (error as Error).message;
  }
}

describe('config', () => {
  it('parses the fixtures', () => {
    const relu = loadT5Config(join(FIXTURES, 't5-tiny-relu'));
    expect(relu).toMatchObject({
      dModel: 32,
      dFf: 64,
      numHeads: 4,
      dKv: 8,
      vocabSize: 160,
      feedForwardProj: 'relu',
      tieWordEmbeddings: true,
    });
    const gated = loadT5Config(join(FIXTURES, 't5-tiny-gated'));
    expect(gated).toMatchObject({
      numLayers: 2,
      numDecoderLayers: 3,
      feedForwardProj: 'gated-gelu',
      tieWordEmbeddings: false,
      dKv: 12,
    });
  });
  it('names the bad value and the supported set', () => {
    expect(() => parseT5Config({ feed_forward_proj: 'swiglu' })).toThrow(
      'Unsupported feed_forward_proj "swiglu"; expected one of: relu, gated-gelu',
    );
    expect(() => parseT5Config({ model_type: 'bart' })).toThrow(/model_type "bart"; expected one of: t5, mt5/);
    expect(() => parseT5Config({ d_model: -3 })).toThrow(/d_model must be a positive integer; got -3/);
    expect(() => parseT5Config({ feed_forward_proj: 'gated-gelu', dense_act_fn: 'gelu' })).toThrow(
      /dense_act_fn "gelu".*gelu_new/,
    );
    expect(() => t5Preset('t5-huge')).toThrow(/Unknown T5 preset 't5-huge'; expected one of: t5-small, t5-base/);
  });
  it('presets have the real parameter counts', () => {
    // Counts as reported by HF for the public checkpoints (tied embedding counted once).
    expect(countParams(t5ParamShapes(t5Preset('t5-small')))).toBe(60_506_624);
    expect(countParams(t5ParamShapes(t5Preset('t5-base')))).toBe(222_903_552);
    expect(countParams(t5ParamShapes(t5Preset('flan-t5-small')))).toBe(76_961_152);
    expect(countParams(t5ParamShapes(t5Preset('flan-t5-base')))).toBe(247_577_856);
    expect(T5_PRESET_NAMES).toContain('t5-v1_1-small');
  });
});

describe('safetensors', () => {
  it('writes the fixture file byte for byte as the reference writer did', () => {
    for (const name of ['t5-tiny-relu', 't5-tiny-gated']) {
      const dir = copyFixture(name);
      const { config, weights } = loadT5Model(dir);
      const out = tempDir();
      saveT5Weights(out, config, weights);
      expect(
        readFileSync(join(out, 'model.safetensors')).equals(readFileSync(join(FIXTURES, name, 'model.safetensors'))),
      ).toBe(true);
    }
  });
});

describe('weights', () => {
  it('save → load → save is bitwise stable, also sharded and with all aliases', () => {
    const config = parseT5Config({ d_model: 8, d_ff: 16, d_kv: 4, num_heads: 2, num_layers: 1, vocab_size: 20 });
    const params = randomT5Params(config, 7);
    const shards = new Map<string, string>();
    for (const name of [
      ...t5ParamShapes(config).keys(),
      'encoder.embed_tokens.weight',
      'decoder.embed_tokens.weight',
      'lm_head.weight',
    ]) {
      shards.set(
        name,
        name.startsWith('decoder') ? 'model-00002-of-00002.safetensors' : 'model-00001-of-00002.safetensors',
      );
    }
    const layout = {
      embeddingNames: ['shared.weight', 'encoder.embed_tokens.weight', 'decoder.embed_tokens.weight'],
      hasTiedLmHead: true,
      shards,
    };
    const first = tempDir();
    saveT5Model(first, config, { params, layout });
    const loaded = loadT5Model(first);
    expect(loaded.weights.layout.embeddingNames).toEqual(layout.embeddingNames);
    expect(loaded.weights.layout.hasTiedLmHead).toBe(true);
    const second = tempDir();
    saveT5Model(second, loaded.config, loaded.weights);
    for (const file of [
      'config.json',
      'model.safetensors.index.json',
      'model-00001-of-00002.safetensors',
      'model-00002-of-00002.safetensors',
    ]) {
      expect(readFileSync(join(second, file)).equals(readFileSync(join(first, file))), file).toBe(true);
    }
    for (const [name, data] of params) expect(loaded.weights.params.get(name)).toEqual(data);
  });
  it('keeps config keys it does not model when given the source config', () => {
    const dir = tempDir();
    const { config, weights } = loadT5Model(join(FIXTURES, 't5-tiny-relu'));
    saveT5Model(dir, config, weights, { baseConfig: { task_specific_params: { x: 1 }, d_model: 999 } });
    const saved = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as Record<string, unknown>;
    expect(saved.task_specific_params).toEqual({ x: 1 });
    expect(saved.d_model).toBe(32);
    expect(saved.model_type).toBe('t5');
    const mt5 = { model_type: 'mt5', architectures: ['MT5ForConditionalGeneration'] };
    saveT5Model(dir, config, weights, { baseConfig: mt5 });
    const savedMt5 = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as Record<string, unknown>;
    expect(savedMt5).toMatchObject(mt5);
  });
  it('accepts an embedding stored only under an alias and reads F16 files', () => {
    const dir = copyFixture('t5-tiny-relu');
    const tensors = readAllTensors(join(dir, 'model.safetensors'));
    const renamed = [...tensors].map(([name, t]) => ({
      name: name === 'shared.weight' ? 'encoder.embed_tokens.weight' : name,
      shape: t.shape,
      data: t.data,
    }));
    writeSafetensorsFile(join(dir, 'model.safetensors'), renamed, 'F16');
    const { params } = loadT5Weights(dir);
    const reference = tensors.get('shared.weight')?.data as Float32Array;
    const loaded = params.get('shared.weight') as Float32Array;
    for (let i = 0; i < 50; i++)
      expect(Math.abs(loaded[i] - reference[i])).toBeLessThanOrEqual(2 ** -11 * Math.abs(reference[i]));
  });
  it('loads the original t5-small layout: every alias, a tied lm_head and the unused cross-attention bias', () => {
    const dir = copyFixture('t5-tiny-relu');
    const tensors = readAllTensors(join(dir, 'model.safetensors'));
    const shared = tensors.get('shared.weight') as { shape: readonly number[]; data: Float32Array };
    for (const alias of ['encoder.embed_tokens.weight', 'decoder.embed_tokens.weight', 'lm_head.weight'])
      tensors.set(alias, shared);
    tensors.set('decoder.block.0.layer.1.EncDecAttention.relative_attention_bias.weight', {
      shape: [32, 4],
      data: new Float32Array(128),
    });
    writeSafetensorsFile(
      join(dir, 'model.safetensors'),
      [...tensors].map(([name, t]) => ({ name, ...t })),
    );
    const weights = loadT5Weights(dir);
    expect(weights.layout).toMatchObject({
      embeddingNames: ['shared.weight', 'encoder.embed_tokens.weight', 'decoder.embed_tokens.weight'],
      hasTiedLmHead: true,
    });
    const out = tempDir();
    saveT5Weights(out, loadT5Config(dir), weights);
    const saved = readAllTensors(join(out, 'model.safetensors'));
    expect(saved.has('lm_head.weight') && saved.has('encoder.embed_tokens.weight')).toBe(true);
    expect(saved.has('decoder.block.0.layer.1.EncDecAttention.relative_attention_bias.weight')).toBe(false);
  });
  it('lists missing, extra and misshapen tensors', () => {
    const dir = copyFixture('t5-tiny-gated');
    const tensors = readAllTensors(join(dir, 'model.safetensors'));
    tensors.delete('lm_head.weight');
    tensors.delete('decoder.block.2.layer.2.DenseReluDense.wo.weight');
    tensors.set('encoder.block.0.layer.1.DenseReluDense.wi.weight', { shape: [2], data: new Float32Array(2) });
    tensors.set('decoder.final_layer_norm.weight', { shape: [31], data: new Float32Array(31) });
    writeSafetensorsFile(
      join(dir, 'model.safetensors'),
      [...tensors].map(([name, t]) => ({ name, ...t })),
    );
    const message = refusalOf(dir);
    expect(message).toContain('missing (2): decoder.block.2.layer.2.DenseReluDense.wo.weight; lm_head.weight');
    expect(message).toContain('extra (1): encoder.block.0.layer.1.DenseReluDense.wi.weight');
    expect(message).toContain('misshapen (1): decoder.final_layer_norm.weight [31] (expected [32])');
  });
  it('names a few tensors of a long list, and how many more (a config.json of another shape)', () => {
    const dir = copyFixture('t5-tiny-gated');
    const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as Record<string, unknown>;
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ ...config, d_model: 64 }));
    const message = refusalOf(dir);
    const misshapen = /\n {2}misshapen \((\d+)\): (.*)$/.exec(message);
    const [count, listed] = [Number(misshapen?.[1]), misshapen?.[2] ?? ''];
    expect(count).toBeGreaterThan(10);
    const names = listed.split('; ');
    expect(names.slice(0, 3).every((n) => /^[\w.]+ \[[\d, ]+\] \(expected \[[\d, ]+\]\)$/.test(n))).toBe(true);
    expect(names.slice(3)).toEqual([`and ${count - 3} more`]);
    expect(message.length).toBeLessThan(600);
    // The header-only check (models show's Health line) says what loading would.
    expect(() => checkT5WeightFiles(dir)).toThrow(message);
  });
  it('explains how to convert a pytorch_model.bin folder', () => {
    const dir = tempDir();
    copyFileSync(join(FIXTURES, 't5-tiny-relu', 'config.json'), join(dir, 'config.json'));
    writeFileSync(join(dir, 'pytorch_model.bin'), 'not really');
    expect(() => loadT5Weights(dir)).toThrow(
      /has pytorch_model\.bin but no model\.safetensors.*\n.*save_pretrained\('.*', safe_serialization=True\)/,
    );
  });
  it('names a folder of ONNX graphs only (a transformers.js export) and what to use instead', () => {
    const dir = tempDir();
    copyFileSync(join(FIXTURES, 't5-tiny-relu', 'config.json'), join(dir, 'config.json'));
    mkdirSync(join(dir, 'onnx'));
    writeFileSync(join(dir, 'onnx', 'encoder_model.onnx'), 'not really');
    expect(() => loadT5Weights(dir)).toThrow(
      /^No model\.safetensors in .*: it holds ONNX graphs \(onnx\/encoder_model\.onnx\), which Spanfill cannot train or fill from; use the model they were made from \(its model card names it; for a Spanfill export, its run\)$/,
    );
  });
  it('names an empty folder, a missing shard and a missing config', () => {
    const dir = tempDir();
    expect(() => loadT5Model(dir)).toThrow(/No config.json in/);
    copyFileSync(join(FIXTURES, 't5-tiny-relu', 'config.json'), join(dir, 'config.json'));
    expect(() => loadT5Weights(dir)).toThrow(
      /No model.safetensors or model.safetensors.index.json in .*; found: config.json/,
    );
    writeFileSync(
      join(dir, 'model.safetensors.index.json'),
      JSON.stringify({ weight_map: { 'shared.weight': 'model-00001-of-00002.safetensors' } }),
    );
    expect(() => loadT5Weights(dir)).toThrow(
      "lists shard 'model-00001-of-00002.safetensors', which is not in the folder",
    );
  });
  it('names a shard that lacks a tensor the index puts there, and a config that is not JSON', () => {
    const dir = copyFixture('t5-tiny-relu');
    rmSync(join(dir, 'model.safetensors'));
    writeSafetensorsFile(join(dir, 'model-00001-of-00001.safetensors'), [
      { name: 'x', shape: [1], data: new Float32Array(1) },
    ]);
    const index = { metadata: {}, weight_map: { 'shared.weight': 'model-00001-of-00001.safetensors' } };
    writeFileSync(join(dir, 'model.safetensors.index.json'), JSON.stringify(index));
    expect(() => loadT5Weights(dir)).toThrow(
      'model.safetensors.index.json in ' +
        dir +
        " puts 'shared.weight' in 'model-00001-of-00001.safetensors', but that shard has no such tensor",
    );
    writeFileSync(join(dir, 'config.json'), '{"d_model": 32,');
    expect(() => loadT5Model(dir)).toThrow(/config\.json is not valid JSON/);
  });
  it('names an index that is not JSON, has no weight_map or maps to a non-file, and a corrupt weights file', () => {
    const dir = copyFixture('t5-tiny-relu');
    rmSync(join(dir, 'model.safetensors'));
    const index = join(dir, 'model.safetensors.index.json');
    writeFileSync(index, '{"weight_map": ');
    expect(() => loadT5Weights(dir)).toThrow(`${index} is not valid JSON`);
    writeFileSync(index, JSON.stringify({ metadata: { total_size: 4 } }));
    expect(() => loadT5Weights(dir)).toThrow(`${index} has no "weight_map" object`);
    writeFileSync(index, JSON.stringify({ weight_map: { 'shared.weight': 3 } }));
    expect(() => loadT5Weights(dir)).toThrow(`${index} maps 'shared.weight' to 3; expected a shard file name`);
    rmSync(index);
    const good = readFileSync(join(FIXTURES, 't5-tiny-relu', 'model.safetensors'));
    writeFileSync(join(dir, 'model.safetensors'), good.subarray(0, good.length - 100));
    expect(() => loadT5Weights(dir)).toThrow(/model\.safetensors: tensor '.*' .* the file is truncated or corrupt/);
    writeFileSync(join(dir, 'model.safetensors'), Buffer.from('<html>not found</html>'));
    expect(() => loadT5Weights(dir)).toThrow(/model\.safetensors: header size \d+ exceeds file size/);
  });
  it("takes the trainer's parameter record and names a wrong one", () => {
    const { config, weights } = loadT5Model(join(FIXTURES, 't5-tiny-relu'));
    const record = Object.fromEntries([...weights.params].map(([name, data]) => [name, { data }]));
    expect(weightsFromParams(config, record).params.get('shared.weight')).toBe(weights.params.get('shared.weight'));
    record['encoder.final_layer_norm.weight'] = { data: new Float32Array(3) };
    expect(() => weightsFromParams(config, record)).toThrow(
      "Parameter 'encoder.final_layer_norm.weight' should be float32 [32] (32 floats); got 3 floats",
    );
  });
  it('random init is deterministic and has the HF scales', () => {
    const config = t5Preset('t5-small');
    const small = parseT5Config({ d_model: 64, d_ff: 128, d_kv: 8, num_heads: 8, num_layers: 1, vocab_size: 300 });
    const a = randomT5Params(small, 3);
    const b = randomT5Params(small, 3);
    for (const [name, data] of a) expect(b.get(name)).toEqual(data);
    const q = a.get('encoder.block.0.layer.0.SelfAttention.q.weight') as Float32Array;
    const std = Math.sqrt(q.reduce((s, x) => s + x * x, 0) / q.length);
    expect(std).toBeCloseTo((64 * 8) ** -0.5, 2);
    expect(DEFAULT_LAYOUT.embeddingNames).toEqual(['shared.weight']);
    expect(config.dModel).toBe(512);
  });
});
