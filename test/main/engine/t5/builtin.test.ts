// builtin:byt5-tiny: its definition is valid T5 over the ByT5 byte vocabulary, and the folder it
// materializes loads like any user folder (engine loader, tokenizer.json through
// @huggingface/transformers), scores a batch and generates; rewritten only when stale. Its init
// (fan-in lm_head, wide position biases) shows in the weights and in a first loss near ln V.
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createByteTokenizer, loadHfTokenizer } from '../../../../src/main/engine/data/tokenizer';
import {
  applyBuiltinInit,
  BUILTIN_MARKER,
  BUILTIN_MODEL_NAMES,
  builtinModelConfig,
  builtinModelDir,
  DEFAULT_BUILTIN_MODEL,
  isBuiltinModelName,
  materializeBuiltinModel,
} from '../../../../src/main/engine/t5/builtin';
import { countParams, randomT5Params, t5ParamShapes } from '../../../../src/main/engine/t5/params';
import { fillPrompt } from '../../../../src/main/engine/t5/fill';
import { scoreBatch } from '../../../../src/main/engine/t5/score';
import { loadT5Model } from '../../../../src/main/engine/t5/weights';

const roots: string[] = [];
function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'spanfill-builtin-'));
  roots.push(dir);
  return dir;
}
afterAll(() => roots.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

describe('builtin:byt5-tiny definition', () => {
  it('is the default, is named builtin:, and is small enough to train on a CPU', () => {
    expect(BUILTIN_MODEL_NAMES).toContain(DEFAULT_BUILTIN_MODEL);
    expect(isBuiltinModelName(DEFAULT_BUILTIN_MODEL)).toBe(true);
    expect(isBuiltinModelName('./t5-small')).toBe(false);
    const config = builtinModelConfig();
    expect(countParams(t5ParamShapes(config))).toBeLessThan(2_000_000);
    // HF generate() with a KV cache needs equal encoder and decoder depth (fixtures README).
    expect(config.numDecoderLayers).toBe(config.numLayers);
  });

  it('uses the ByT5 layout: 3 specials, 256 bytes, 125 sentinels, pad/EOS/start ids of T5', () => {
    const config = builtinModelConfig();
    expect(config.vocabSize).toBe(3 + 256 + 125);
    expect(config.vocabSize).toBe(createByteTokenizer().vocabSize);
    expect([config.padTokenId, config.eosTokenId, config.decoderStartTokenId]).toEqual([0, 1, 0]);
  });

  it('names the valid choices for an unknown built-in', () => {
    expect(() => builtinModelConfig('builtin:nope')).toThrow(/Unknown built-in model 'builtin:nope'.*byt5-tiny/);
    expect(() => builtinModelDir('/tmp', 'builtin:nope')).toThrow(/expected one of/);
  });
});

describe('the materialized builtin:byt5-tiny folder', () => {
  const root = dataDir();
  const dir = materializeBuiltinModel(root);

  it('is a HF folder under <dataDir>/models/builtin with every file a loader looks for', () => {
    expect(dir).toBe(join(root, 'models', 'builtin', 'byt5-tiny'));
    for (const file of [
      'config.json',
      'model.safetensors',
      'tokenizer.json',
      'tokenizer_config.json',
      'special_tokens_map.json',
      'generation_config.json',
    ]) {
      expect(statSync(join(dir, file)).size, file).toBeGreaterThan(0);
    }
    const hf = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as Record<string, unknown>;
    expect(hf).toMatchObject({
      model_type: 't5',
      architectures: ['T5ForConditionalGeneration'],
      vocab_size: 384,
      is_encoder_decoder: true,
    });
    const generation = JSON.parse(readFileSync(join(dir, 'generation_config.json'), 'utf8')) as object;
    expect(generation).toEqual({ decoder_start_token_id: 0, eos_token_id: 1, pad_token_id: 0 });
  });

  it('loads with the engine loader: every parameter of the config, seeded random, finite', () => {
    const { config, weights } = loadT5Model(dir);
    expect(config).toEqual(builtinModelConfig());
    expect([...weights.params.keys()].sort()).toEqual([...t5ParamShapes(config).keys()].sort());
    const embedding = weights.params.get('shared.weight') ?? new Float32Array();
    expect(embedding.every(Number.isFinite)).toBe(true);
    expect(new Set(embedding.slice(0, 100)).size).toBeGreaterThan(90); // random, not constant
  });

  it('is the same bytes wherever it is materialized (seeded)', () => {
    const other = materializeBuiltinModel(dataDir());
    for (const file of ['model.safetensors', 'config.json', 'tokenizer.json']) {
      expect(readFileSync(join(other, file)).equals(readFileSync(join(dir, file))), file).toBe(true);
    }
  });

  it('has a tokenizer whose sentinels and ids match the config and the byte tokenizer', async () => {
    const tokenizer = await loadHfTokenizer(dir);
    const config = builtinModelConfig();
    expect(tokenizer.vocabSize).toBe(config.vocabSize);
    expect(tokenizer.sentinelCount).toBe(125);
    expect(tokenizer.sentinelId(0)).toBe(config.vocabSize - 1);
    expect(tokenizer.sentinelId(124)).toBe(259);
    expect([tokenizer.padId, tokenizer.eosId, tokenizer.unkId]).toEqual([0, 1, 2]);
    expect(tokenizer.encode('a')).toEqual([97 + 3]);
    const text = 'Wörds, tabs\tand ☃ 𝄞 — the same ids.\n';
    expect(tokenizer.encode(text)).toEqual(createByteTokenizer().encode(text));
    expect(tokenizer.decode(tokenizer.encode(text))).toBe(text);
  });

  it('runs a forward pass: the loss is the mean cross-entropy of its own logits', async () => {
    const { config, weights } = loadT5Model(dir);
    const bytes = createByteTokenizer();
    const inputIds = [[...bytes.encode('The cat <'), bytes.sentinelId(0), 1]];
    const labels = [[bytes.sentinelId(0), ...bytes.encode('sat'), 1]];
    const attentionMask = [inputIds[0].map(() => 1)];
    const result = await scoreBatch(config, weights.params, { inputIds, attentionMask, labels });
    const v = config.vocabSize;
    let total = 0;
    labels[0].forEach((label, t) => {
      const row = result.logits.subarray(t * v, (t + 1) * v);
      const max = row.reduce((m, x) => Math.max(m, x), -Infinity);
      const logSum = max + Math.log(row.reduce((s, x) => s + Math.exp(x - max), 0));
      total += logSum - row[label];
    });
    expect(result.loss).toBeGreaterThan(0);
    expect(result.loss).toBeCloseTo(total / labels[0].length, 3);
  });

  it('generates: fills a prompt with byte ids that stay inside the vocabulary', async () => {
    const out = await fillPrompt({
      modelDir: dir,
      prompt: 'We the <extra_id_0> of the United States',
      maxNewTokens: 8,
    });
    expect(out.ids[0]).toBe(0);
    expect(out.ids.length).toBeGreaterThan(1);
    expect(out.ids.length).toBeLessThanOrEqual(9);
    expect(out.ids.every((id) => id >= 0 && id < 384)).toBe(true);
    expect(out.spans.map((s) => s.sentinel)).toEqual([0]);
  });

  it('is left alone when current and rewritten when its marker is stale', () => {
    const weightsPath = join(dir, 'model.safetensors');
    const before = statSync(weightsPath).mtimeMs;
    expect(materializeBuiltinModel(root)).toBe(dir);
    expect(statSync(weightsPath).mtimeMs).toBe(before);
    writeFileSync(join(dir, BUILTIN_MARKER), '{"fingerprint":"old"}');
    writeFileSync(weightsPath, 'truncated');
    materializeBuiltinModel(root);
    expect(loadT5Model(dir).weights.params.size).toBe(t5ParamShapes(builtinModelConfig()).size);
  });
});

const rms = (w: Float32Array): number => Math.sqrt(w.reduce((sum, x) => sum + x * x, 0) / w.length);

describe('the built-in init', () => {
  const { config, weights } = loadT5Model(materializeBuiltinModel(dataDir()));

  it('gives the untied lm_head std d_model^-1/2 and the position biases std 3', () => {
    // Sample RMS of 49 152 (lm_head) and 128 (each bias table) normal draws: within a few % and ~20%.
    expect(rms(weights.params.get('lm_head.weight')!)).toBeCloseTo(128 ** -0.5, 2);
    for (const stack of ['encoder', 'decoder']) {
      const bias = weights.params.get(`${stack}.block.0.layer.0.SelfAttention.relative_attention_bias.weight`)!;
      expect(Math.abs(rms(bias) - 3)).toBeLessThan(0.6);
    }
    // Everything else keeps HF's scales, e.g. the embedding's std 1.
    expect(rms(weights.params.get('shared.weight')!)).toBeCloseTo(1, 1);
  });

  it('starts near ln V: logits of std 1, not the std √d_model of an lm_head with std 1', async () => {
    // The decoder's last RMS norm leaves |h|² = d_model, so a logit w·h with w ~ N(0, 1/d_model)
    // has variance 1, and the mean cross-entropy of such logits is about ln V + ½ (6.45 for V 384).
    const bytes = createByteTokenizer();
    const text = 'We the People of the United States, in Order to form a more perfect Union';
    const inputIds = [[...bytes.encode(text.replace('People', '')), 1]];
    const labels = [[bytes.sentinelId(0), ...bytes.encode('People'), 1]];
    const attentionMask = [inputIds[0].map(() => 1)];
    const { loss } = await scoreBatch(config, weights.params, { inputIds, attentionMask, labels });
    expect(Math.abs(loss - (Math.log(config.vocabSize) + 0.5))).toBeLessThan(1);
  });

  it('refuses an init it does not know, naming the value', () => {
    const params = randomT5Params(builtinModelConfig(), 1);
    expect(() => applyBuiltinInit(params, builtinModelConfig(), { lm_head: 'xavier' })).toThrow(
      /init.lm_head must be "fan_in".*"xavier"/,
    );
    expect(() => applyBuiltinInit(params, builtinModelConfig(), { relative_attention_bias_std: 0 })).toThrow(
      /relative_attention_bias_std must be > 0, got 0/,
    );
  });
});
