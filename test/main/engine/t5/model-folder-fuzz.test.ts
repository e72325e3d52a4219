// Broken model folders through the engine's loaders (loadT5Model, and fillPrompt for the
// tokenizer): config.json missing, not JSON, or with wrong types; weights missing a tensor,
// misshapen, overlapping or truncated; tokenizer.json missing, garbled or not matching the
// model. Each must fail with an error the host turns into invalid_argument and a message that
// names the folder or file — never a TypeError or an onnxruntime error. Copies of t5-tiny-spm.

import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeSafetensors, readAllTensors } from '../../../../src/main/engine/formats/safetensors';
import { Rng } from '../../../../src/main/engine/rng';
import { parseT5Config, toHfConfigJson } from '../../../../src/main/engine/t5/config';
import { fillPrompt } from '../../../../src/main/engine/t5/fill';
import { randomT5Params } from '../../../../src/main/engine/t5/params';
import { loadT5Model, saveT5Model } from '../../../../src/main/engine/t5/weights';
import { isModelInputError } from '../../../../src/main/engine/inputErrors';
import { FIXTURES } from './helpers';

const SPM = join(FIXTURES, 't5-tiny-spm');
const root = mkdtempSync(join(tmpdir(), 'spanfill-folders-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let folders = 0;

/** A fresh copy of t5-tiny-spm, changed by `edit`. */
function folder(edit: (dir: string) => void): string {
  const dir = join(root, `m${folders++}`);
  cpSync(SPM, dir, { recursive: true });
  edit(dir);
  return dir;
}

const baseConfig = JSON.parse(readFileSync(join(SPM, 'config.json'), 'utf8')) as Record<string, unknown>;
const writeConfig = (dir: string, config: unknown): void =>
  writeFileSync(join(dir, 'config.json'), typeof config === 'string' ? config : JSON.stringify(config));

/** The model folder fails to load (or to fill) as input error whose message contains `expected`. */
async function expectInputError(work: () => unknown, expected: string | RegExp): Promise<string> {
  let thrown: unknown;
  try {
    await work();
  } catch (error) {
    thrown = error;
  }
  expect(isModelInputError(thrown), String(thrown)).toBe(true);
  const message = (thrown as Error).message;
  if (typeof expected === 'string') expect(message).toContain(expected);
  else expect(message).toMatch(expected);
  return message;
}

const fill = (dir: string) => () => fillPrompt({ modelDir: dir, prompt: 'The <extra_id_0> walks', maxNewTokens: 2 });

describe('model folders: config.json', () => {
  it('missing or not JSON', async () => {
    const missing = folder((dir) => rmSync(join(dir, 'config.json')));
    await expectInputError(() => loadT5Model(missing), `No config.json in ${missing}`);
    const garbled = folder((dir) => writeConfig(dir, '{"d_model": 32,'));
    await expectInputError(() => loadT5Model(garbled), `${join(garbled, 'config.json')} is not valid JSON`);
  });

  const wrongTypes: [string, Record<string, unknown>, string][] = [
    ['d_model a string', { d_model: '32' }, 'd_model must be a positive integer; got "32"'],
    ['num_heads fractional', { num_heads: 4.5 }, 'num_heads must be a positive integer; got 4.5'],
    ['num_layers negative', { num_layers: -1 }, 'num_layers must be a positive integer; got -1'],
    ['feed_forward_proj a number', { feed_forward_proj: 5 }, 'Unsupported feed_forward_proj 5'],
    ['tie_word_embeddings a string', { tie_word_embeddings: 'yes' }, 'tie_word_embeddings must be true or false'],
    ['eos_token_id a string', { eos_token_id: '1' }, 'eos_token_id must be a non-negative integer token id'],
    ['layer_norm_epsilon a string', { layer_norm_epsilon: 'x' }, 'layer_norm_epsilon must be a number in [0, 1]'],
    ['odd bucket count', { relative_attention_num_buckets: 31 }, 'relative_attention_num_buckets must be even'],
    ['another model type', { model_type: 'bert' }, 'Unsupported model_type "bert"'],
  ];
  for (const [label, change, message] of wrongTypes) {
    it(`wrong type: ${label}, naming the file`, async () => {
      const dir = folder((d) => writeConfig(d, { ...baseConfig, ...change }));
      await expectInputError(() => loadT5Model(dir), `${join(dir, 'config.json')}: ${message}`);
    });
  }

  it('a JSON value that is not an object', async () => {
    for (const value of ['null', '[]', '7', '"t5"']) {
      const dir = folder((d) => writeConfig(d, value));
      await expectInputError(() => loadT5Model(dir), `${join(dir, 'config.json')}: must be a JSON object`);
    }
  });
});

describe('model folders: weights', () => {
  const original = readAllTensors(join(SPM, 'model.safetensors'));
  const tensors = [...original].map(([name, { shape, data }]) => ({ name, shape, data }));
  const writeWeights = (dir: string, list: typeof tensors): void =>
    writeFileSync(join(dir, 'model.safetensors'), Buffer.concat(encodeSafetensors(list)));

  it('a missing tensor is listed by name', async () => {
    const dir = folder((d) =>
      writeWeights(
        d,
        tensors.filter((t) => t.name !== 'encoder.final_layer_norm.weight'),
      ),
    );
    await expectInputError(
      () => loadT5Model(dir),
      /Weights in .* do not match its config\.json[^]*missing \(1\): encoder\.final_layer_norm\.weight/,
    );
  });

  it('a tensor of the wrong shape is listed with both shapes', async () => {
    const dir = folder((d) =>
      writeWeights(
        d,
        tensors.map((t) => (t.name === 'encoder.final_layer_norm.weight' ? { ...t, shape: [16, 2] } : t)),
      ),
    );
    await expectInputError(() => loadT5Model(dir), 'encoder.final_layer_norm.weight [16, 2] (expected [32])');
  });

  it('no weights file, a truncated one, and one whose tensors share bytes name the folder or file', async () => {
    const none = folder((d) => rmSync(join(d, 'model.safetensors')));
    await expectInputError(() => loadT5Model(none), `No model.safetensors or model.safetensors.index.json in ${none}`);
    const bytes = readFileSync(join(SPM, 'model.safetensors'));
    const cut = folder((d) => writeFileSync(join(d, 'model.safetensors'), bytes.subarray(0, bytes.length - 100)));
    await expectInputError(() => loadT5Model(cut), `${join(cut, 'model.safetensors')}: `);
    const header = JSON.parse(bytes.subarray(8, 8 + Number(bytes.readBigUInt64LE(0))).toString('utf8')) as Record<
      string,
      { data_offsets?: number[] }
    >;
    const [name, first] = Object.entries(header).find(([key]) => key !== '__metadata__') ?? [];
    expect(name).toBeDefined();
    const shared = folder((d) => {
      // Every tensor of the first one's size points at its bytes (lengths still match).
      const size = (first?.data_offsets?.[1] ?? 0) - (first?.data_offsets?.[0] ?? 0);
      const same = tensors.filter((t) => t.data.length * 4 === size).map((t) => ({ ...t, data: t.data }));
      const json = JSON.stringify(
        Object.fromEntries(same.map((t) => [t.name, { dtype: 'F32', shape: t.shape, data_offsets: [0, size] }])),
      );
      const prefix = Buffer.alloc(8);
      prefix.writeBigUInt64LE(BigInt(Buffer.byteLength(json)));
      writeFileSync(join(d, 'model.safetensors'), Buffer.concat([prefix, Buffer.from(json), Buffer.alloc(size)]));
    });
    await expectInputError(() => loadT5Model(shared), `${join(shared, 'model.safetensors')}: tensors '`);
  });
});

describe('model folders: tokenizer.json', () => {
  it('missing', async () => {
    const dir = folder((d) => rmSync(join(d, 'tokenizer.json')));
    await expectInputError(fill(dir), `${dir} has no tokenizer.json`);
  });

  it('garbled: cut in half, random bytes, an empty object', async () => {
    const text = readFileSync(join(SPM, 'tokenizer.json'));
    const rng = Rng.fromSplitMix32(5);
    const random = Buffer.from(Array.from({ length: 2000 }, () => rng.below(256)));
    for (const content of [text.subarray(0, text.length >> 1), random, Buffer.from('{}')]) {
      const dir = folder((d) => writeFileSync(join(d, 'tokenizer.json'), content));
      await expectInputError(fill(dir), `Could not load the tokenizer in ${dir}`);
    }
  });

  it('a tokenizer with more ids than the model has embeddings', async () => {
    const config = parseT5Config({ ...baseConfig, vocab_size: 300 });
    const dir = folder((d) => {
      rmSync(join(d, 'model.safetensors'));
      saveT5Model(d, config, {
        params: randomT5Params(config, 1),
        layout: { embeddingNames: ['shared.weight'], hasTiedLmHead: false, shards: null },
      });
      writeConfig(d, { ...baseConfig, ...toHfConfigJson(config) });
    });
    await expectInputError(
      fill(dir),
      `The tokenizer.json in ${dir} has 500 token ids but config.json's vocab_size is 300; the tokenizer does not belong to this model`,
    );
  });
});
