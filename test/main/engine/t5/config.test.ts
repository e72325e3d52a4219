// T5 config parsing: every modelled field, the real shapes of the presets and of mT5 (numbers
// from the public checkpoints' config.json files on the HF hub, not from config.ts), and the
// messages for unsupported values and missing folders.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  checkTokenizerFits,
  loadT5Config,
  parseT5Config,
  t5Preset,
  toHfConfigJson,
} from '../../../../src/main/engine/t5/config';
import { createByteTokenizer } from '../../../../src/main/engine/data/tokenizer';
import { countParams, t5ParamShapes } from '../../../../src/main/engine/t5/params';

const temps: string[] = [];
afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** google/mt5-small config.json (as published). */
const MT5_SMALL = {
  architectures: ['MT5ForConditionalGeneration'],
  d_ff: 1024,
  d_kv: 64,
  d_model: 512,
  decoder_start_token_id: 0,
  dropout_rate: 0.1,
  eos_token_id: 1,
  feed_forward_proj: 'gated-gelu',
  initializer_factor: 1.0,
  is_encoder_decoder: true,
  layer_norm_epsilon: 1e-6,
  model_type: 'mt5',
  num_decoder_layers: 8,
  num_heads: 6,
  num_layers: 8,
  pad_token_id: 0,
  relative_attention_num_buckets: 32,
  tie_word_embeddings: false,
  tokenizer_class: 'T5Tokenizer',
  vocab_size: 250112,
};

describe('parseT5Config', () => {
  it('reads every modelled field, none left at its default', () => {
    const config = parseT5Config({
      d_model: 40,
      d_ff: 72,
      d_kv: 10,
      num_heads: 3,
      num_layers: 2,
      num_decoder_layers: 5,
      vocab_size: 99,
      feed_forward_proj: 'gated-gelu',
      tie_word_embeddings: false,
      relative_attention_num_buckets: 16,
      relative_attention_max_distance: 64,
      layer_norm_epsilon: 1e-5,
      dropout_rate: 0.25,
      pad_token_id: 3,
      eos_token_id: [4, 7],
      decoder_start_token_id: 5,
      initializer_factor: 0.5,
    });
    expect(config).toEqual({
      dModel: 40,
      dFf: 72,
      dKv: 10,
      numHeads: 3,
      numLayers: 2,
      numDecoderLayers: 5,
      vocabSize: 99,
      feedForwardProj: 'gated-gelu',
      tieWordEmbeddings: false,
      relativeAttentionNumBuckets: 16,
      relativeAttentionMaxDistance: 64,
      layerNormEpsilon: 1e-5,
      dropoutRate: 0.25,
      padTokenId: 3,
      eosTokenId: 4,
      eosTokenIds: [4, 7],
      decoderStartTokenId: 5,
      initializerFactor: 0.5,
    });
    // And back under the HF names, so a saved folder parses to the same config.
    expect(parseT5Config(toHfConfigJson(config))).toEqual(config);
  });

  it('parses an mT5 config (vocabulary 250112, untied, gated) with its real parameter count', () => {
    const config = parseT5Config(MT5_SMALL);
    expect(config).toMatchObject({
      vocabSize: 250112,
      dModel: 512,
      dFf: 1024,
      numHeads: 6,
      numLayers: 8,
      numDecoderLayers: 8,
      feedForwardProj: 'gated-gelu',
      tieWordEmbeddings: false,
    });
    // google/mt5-small: 300,176,768 parameters (model.num_parameters()).
    expect(countParams(t5ParamShapes(config))).toBe(300_176_768);
  });

  it('defaults tie_word_embeddings as HF does per model_type: mT5 untied, T5 tied', () => {
    // MT5Config's own default is False; T5Config has none and takes PretrainedConfig's True.
    const { tie_word_embeddings: _, ...mt5WithoutTie } = MT5_SMALL;
    expect(parseT5Config(mt5WithoutTie).tieWordEmbeddings).toBe(false);
    expect(parseT5Config({ model_type: 'mt5' }).tieWordEmbeddings).toBe(false);
    expect(parseT5Config({ model_type: 'mt5', tie_word_embeddings: true }).tieWordEmbeddings).toBe(true);
    expect(parseT5Config({ model_type: 't5' }).tieWordEmbeddings).toBe(true);
    expect(parseT5Config({}).tieWordEmbeddings).toBe(true);
    // Written back explicitly, so the saved folder means the same to HF whatever its model_type.
    expect(toHfConfigJson(parseT5Config(mt5WithoutTie)).tie_word_embeddings).toBe(false);
  });

  it('refuses a relative_attention_max_distance within the exact buckets, and too few buckets', () => {
    // At max_distance = num_buckets/4 (encoder) or /2 (decoder) the logarithmic bucket is 0/0;
    // below, it shrinks with distance (or goes negative). HF computes garbage or fails there.
    const range = (buckets: number, got: number) =>
      `config.json: relative_attention_max_distance must be more than relative_attention_num_buckets / 2 ` +
      `(${buckets / 2}, the span of the decoder's exact buckets); got ${got}`;
    for (const [buckets, distance] of [
      [32, 8],
      [32, 16],
      [32, 12],
      [16, 4],
    ])
      expect(() =>
        parseT5Config({ relative_attention_num_buckets: buckets, relative_attention_max_distance: distance }),
      ).toThrow(range(buckets, distance));
    expect(() => parseT5Config({ relative_attention_num_buckets: 2 })).toThrow(
      'config.json: relative_attention_num_buckets must be at least 4 (a bucket of exact distance and one of farther ones per direction in the encoder); got 2',
    );
    // Just past the exact span is fine (test/fixtures G-buckets16-md20 style settings too).
    expect(parseT5Config({ relative_attention_max_distance: 17 }).relativeAttentionMaxDistance).toBe(17);
    expect(parseT5Config({ relative_attention_num_buckets: 16, relative_attention_max_distance: 20 })).toBeDefined();
  });

  it('keeps every id of an eos_token_id list (generation stops on any, as HF) and writes the list back', () => {
    const config = parseT5Config({ eos_token_id: [1, 2] });
    expect(config.eosTokenId).toBe(1);
    expect(config.eosTokenIds).toEqual([1, 2]);
    expect(toHfConfigJson(config).eos_token_id).toEqual([1, 2]);
    expect(parseT5Config({ eos_token_id: 1 }).eosTokenIds).toEqual([1]);
    expect(toHfConfigJson(parseT5Config({})).eos_token_id).toBe(1);
    for (const bad of [[], [1, 'x'], [1, -2]])
      expect(() => parseT5Config({ eos_token_id: bad })).toThrow(
        `eos_token_id must be a non-negative integer token id or a non-empty list of them; got ${JSON.stringify(bad)}`,
      );
  });

  it('names each unsupported value and the supported set', () => {
    const cases: [Record<string, unknown>, string][] = [
      [
        { feed_forward_proj: 'gated-silu' },
        'Unsupported feed_forward_proj "gated-silu"; expected one of: relu, gated-gelu',
      ],
      [{ feed_forward_proj: 'swiglu' }, 'Unsupported feed_forward_proj "swiglu"; expected one of: relu, gated-gelu'],
      [{ model_type: 'bart' }, 'Unsupported model_type "bart"; expected one of: t5, mt5'],
      [
        { feed_forward_proj: 'gated-gelu', dense_act_fn: 'gelu' },
        'Unsupported dense_act_fn "gelu" with feed_forward_proj \'gated-gelu\'; expected one of: gelu_new, gelu_pytorch_tanh',
      ],
      [
        { feed_forward_proj: 'relu', is_gated_act: true },
        "Unsupported is_gated_act true with feed_forward_proj 'relu'; expected one of: false",
      ],
      [{ is_encoder_decoder: false }, 'Unsupported is_encoder_decoder false'],
      [{ d_model: -3 }, 'd_model must be a positive integer; got -3'],
      [{ num_heads: 2.5 }, 'num_heads must be a positive integer; got 2.5'],
      [{ tie_word_embeddings: 'yes' }, 'tie_word_embeddings must be true or false; got "yes"'],
      [{ relative_attention_num_buckets: 33 }, 'relative_attention_num_buckets must be even'],
      [{ dropout_rate: 1 }, 'dropout_rate must be a number in [0, 0.99]; got 1'],
      [
        { eos_token_id: 'x' },
        'eos_token_id must be a non-negative integer token id or a non-empty list of them; got "x"',
      ],
    ];
    for (const [raw, message] of cases) expect(() => parseT5Config(raw), JSON.stringify(raw)).toThrow(message);
    expect(() => parseT5Config([])).toThrow('config.json must be a JSON object');
  });
});

describe('presets', () => {
  // Shapes from the hub's config.json of t5-small, t5-base, google/flan-t5-small,
  // google/flan-t5-base and google/t5-v1_1-small.
  const expected = {
    't5-small': { dModel: 512, dFf: 2048, dKv: 64, numHeads: 8, numLayers: 6, gated: false, params: 60_506_624 },
    't5-base': { dModel: 768, dFf: 3072, dKv: 64, numHeads: 12, numLayers: 12, gated: false, params: 222_903_552 },
    'flan-t5-small': { dModel: 512, dFf: 1024, dKv: 64, numHeads: 6, numLayers: 8, gated: true, params: 76_961_152 },
    'flan-t5-base': { dModel: 768, dFf: 2048, dKv: 64, numHeads: 12, numLayers: 12, gated: true, params: 247_577_856 },
    't5-v1_1-small': { dModel: 512, dFf: 1024, dKv: 64, numHeads: 6, numLayers: 8, gated: true, params: 76_961_152 },
  } as const;
  for (const [name, shape] of Object.entries(expected)) {
    it(`${name} has the published shape`, () => {
      const config = t5Preset(name);
      expect(config).toMatchObject({
        dModel: shape.dModel,
        dFf: shape.dFf,
        dKv: shape.dKv,
        numHeads: shape.numHeads,
        numLayers: shape.numLayers,
        numDecoderLayers: shape.numLayers,
        vocabSize: 32128,
        feedForwardProj: shape.gated ? 'gated-gelu' : 'relu',
        tieWordEmbeddings: !shape.gated,
        relativeAttentionNumBuckets: 32,
        relativeAttentionMaxDistance: 128,
        layerNormEpsilon: 1e-6,
        dropoutRate: 0.1,
        padTokenId: 0,
        eosTokenId: 1,
        decoderStartTokenId: 0,
      });
      expect(countParams(t5ParamShapes(config))).toBe(shape.params);
    });
  }

  // Names every object has through its prototype are no presets: `preset:__proto__` once built a
  // shape from Object.prototype and `preset:constructor` said config.json was not an object.
  it.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf'])(
    'refuses %s as an unknown preset, naming the presets',
    (name) => {
      expect(() => t5Preset(name)).toThrow(`Unknown T5 preset '${name}'; expected one of: t5-small, t5-base`);
    },
  );
});

describe('loadT5Config', () => {
  it('says when the model folder does not exist, is a file, lacks config.json or holds bad JSON', () => {
    const dir = mkdtempSync(join(tmpdir(), 'spanfill-config-'));
    temps.push(dir);
    expect(() => loadT5Config(join(dir, 'nope'))).toThrow(`Model folder ${join(dir, 'nope')} does not exist`);
    writeFileSync(join(dir, 'file'), 'x');
    expect(() => loadT5Config(join(dir, 'file'))).toThrow(`${join(dir, 'file')} is a file; give the model folder`);
    expect(() => loadT5Config(dir)).toThrow(`No config.json in ${dir}`);
    writeFileSync(join(dir, 'config.json'), '{"d_model": 32,');
    expect(() => loadT5Config(dir)).toThrow(`${join(dir, 'config.json')} is not valid JSON`);
    writeFileSync(join(dir, 'config.json'), JSON.stringify(MT5_SMALL));
    expect(loadT5Config(dir).vocabSize).toBe(250112);
  });
});

describe('checkTokenizerFits', () => {
  it('names the ByT5 tokenizer of a folder without tokenizer.json, not a tokenizer.json it lacks', () => {
    const dir = mkdtempSync(join(tmpdir(), 'spanfill-byt5-fit-'));
    temps.push(dir);
    writeFileSync(
      join(dir, 'tokenizer_config.json'),
      JSON.stringify({ tokenizer_class: 'ByT5Tokenizer', extra_ids: 0 }),
    );
    const config = parseT5Config({ vocab_size: 259 });
    expect(() => checkTokenizerFits(createByteTokenizer(), config, dir)).toThrow(
      `The ByT5 tokenizer of ${dir} (no tokenizer.json: 256 bytes, 3 special tokens and 125 <extra_id_N>, ` +
        `whatever extra_ids tokenizer_config.json gives) has 384 token ids but config.json's vocab_size is 259; ` +
        'the tokenizer does not belong to this model',
    );
    expect(() => checkTokenizerFits(createByteTokenizer(), parseT5Config({ vocab_size: 384 }), dir)).not.toThrow();
  });
});
