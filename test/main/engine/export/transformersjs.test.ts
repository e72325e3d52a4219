// An exported transformers.js folder loaded from disk by @huggingface/transformers itself
// (pipeline('text2text-generation'), local files only) must generate what Spanfill's own fill
// generates on the same checkpoint (t5-tiny-spm, and a ByT5 folder, which has no tokenizer.json);
// the int8 variant loads and its output is printed; weights forced into external data load too.
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, sep } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { exportTransformersJs } from '../../../../src/main/engine/export/transformersjs';
import { exportLoadHint } from '../../../../src/shared/contract/export';
import { fillPrompt } from '../../../../src/main/engine/t5/fill';
import { FIXTURES } from '../t5/helpers';
import { writeByT5Folder } from '../../../support/byt5Folder';
import { tempDirs } from '../../../support/tmp';

const tempDir = tempDirs('spanfill-tjs-');
const byt5Dir = tempDirs('spanfill-tjs-byt5-');

const SPM = join(FIXTURES, 't5-tiny-spm');
const PROMPT = 'The <extra_id_0> walks in <extra_id_1> park';
const MAX_NEW = 12;

type Transformers = typeof import('@huggingface/transformers');

async function exported(options: Parameters<typeof exportTransformersJs>[2], source = SPM): Promise<string> {
  const dir = join(tempDir(), 'model');
  mkdirSync(dir);
  await exportTransformersJs(source, dir, options);
  return dir;
}

/** Loads `dir` the way a web page would, but from disk: no Hub, localModelPath = its parent. */
async function load(t: Transformers, dir: string): Promise<string> {
  t.env.allowRemoteModels = false;
  t.env.allowLocalModels = true;
  t.env.localModelPath = dirname(dir);
  return basename(dir);
}

/** Runs the "Load it" snippet the export prints for `dir` (its import bound to `t`); its `fill`. */
async function loadedByHint(
  t: Transformers,
  dir: string,
): Promise<(text: string, options: object) => Promise<unknown>> {
  const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).map((file) => file.split(sep).join('/'));
  const hint = exportLoadHint('transformers.js', dir, files);
  const body = `${hint.replace(/^import \{ (.*) \} from '@huggingface\/transformers';$/m, 'const { $1 } = t;')}\nreturn fill;`;
  const AsyncFunction = Object.getPrototypeOf(async () => undefined).constructor as new (
    ...args: string[]
  ) => (t: Transformers) => Promise<(text: string, options: object) => Promise<unknown>>;
  t.env.allowRemoteModels = false; // a missing file fails here rather than being looked for on the Hub
  t.env.localModelPath = '/nowhere/'; // as a fresh process has it: the snippet must set what it needs
  return new AsyncFunction('t', body)(t);
}

/** transformers.js' greedy output ids for PROMPT from the exported model `id`. */
async function greedyIds(t: Transformers, id: string): Promise<number[]> {
  const model = await t.AutoModelForSeq2SeqLM.from_pretrained(id);
  const tokenizer = await t.AutoTokenizer.from_pretrained(id);
  const generated = (await model.generate({
    ...(await tokenizer(PROMPT)),
    max_new_tokens: MAX_NEW,
    do_sample: false,
  })) as { tolist(): bigint[][] };
  return generated.tolist()[0].map(Number);
}

describe('transformers.js export', () => {
  let t: Transformers;
  let engine: Awaited<ReturnType<typeof fillPrompt>>;
  beforeAll(async () => {
    t = await import('@huggingface/transformers');
    engine = await fillPrompt({ modelDir: SPM, prompt: PROMPT, maxNewTokens: MAX_NEW });
  });

  it('loads with pipeline() from disk and generates the engine fill greedy output', async () => {
    const dir = await exported({ quantize: 'int8' });
    expect(readdirSync(join(dir, 'onnx')).sort()).toEqual([
      'decoder_model_merged.onnx',
      'decoder_model_merged_quantized.onnx',
      'encoder_model.onnx',
      'encoder_model_quantized.onnx',
    ]);
    expect(readdirSync(dir)).toEqual(
      expect.arrayContaining(['config.json', 'generation_config.json', 'tokenizer.json']),
    );
    const id = await load(t, dir);
    const tokenizer = await t.AutoTokenizer.from_pretrained(id);
    const ids = await greedyIds(t, id);
    console.log(`engine fill ids ${JSON.stringify(engine.ids)}; transformers.js ids ${JSON.stringify(ids)}`);
    expect(ids).toEqual(engine.ids);
    const pipe = await t.pipeline('text2text-generation', id);
    const [out] = (await pipe(PROMPT, { max_new_tokens: MAX_NEW, do_sample: false })) as { generated_text: string }[];
    // The pipeline drops special tokens (the sentinels) when decoding.
    expect(out.generated_text).toBe(tokenizer.decode(engine.ids, { skip_special_tokens: true }));
    const q8 = await t.pipeline('text2text-generation', id, { dtype: 'q8' });
    const [quantized] = (await q8(PROMPT, { max_new_tokens: MAX_NEW, do_sample: false })) as {
      generated_text: string;
    }[];
    console.log(
      `fp32 pipeline: ${JSON.stringify(out.generated_text)}; q8 pipeline: ${JSON.stringify(quantized.generated_text)}`,
    );
    expect(typeof quantized.generated_text).toBe('string');
  });

  it("writes the settings a config.json left to their defaults, so transformers.js builds the decoder (t5-small's has no num_decoder_layers)", async () => {
    const source = join(tempDir(), 'old-config');
    cpSync(SPM, source, { recursive: true });
    const config = JSON.parse(readFileSync(join(source, 'config.json'), 'utf8')) as Record<string, unknown>;
    delete config.num_decoder_layers;
    writeFileSync(join(source, 'config.json'), JSON.stringify(config));
    const dir = await exported({}, source);
    const written = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as Record<string, unknown>;
    expect(written.num_decoder_layers).toBe(config.num_layers);
    expect(await greedyIds(t, await load(t, dir))).toEqual(engine.ids);
  });

  it('prints a "Load it" snippet that loads the export, whatever its folder is called', async () => {
    const source = await exported({});
    for (const name of ['web', 'sp ace', 'ü 😀', 'a--b', 'ends.', 'r.git']) {
      const dir = join(tempDir(), name);
      cpSync(source, dir, { recursive: true });
      const fill = await loadedByHint(t, dir);
      const [out] = (await fill(PROMPT, { max_new_tokens: MAX_NEW, do_sample: false })) as { generated_text: string }[];
      expect(typeof out.generated_text, name).toBe('string');
    }
  });

  it('prints a snippet that loads the int8 graphs of a --quantize int8 export (dtype q8), even with no float32 ones beside them', async () => {
    const dir = await exported({ quantize: 'int8' });
    for (const file of ['encoder_model.onnx', 'decoder_model_merged.onnx']) rmSync(join(dir, 'onnx', file));
    const fill = await loadedByHint(t, dir);
    const [out] = (await fill(PROMPT, { max_new_tokens: MAX_NEW, do_sample: false })) as { generated_text: string }[];
    expect(typeof out.generated_text).toBe('string');
  });

  it('exports a ByT5 folder (no tokenizer.json) with the byte tokenizer, and transformers.js fills as the engine does', async () => {
    const byt5 = writeByT5Folder(join(byt5Dir(), 'byt5'));
    const fill = await fillPrompt({ modelDir: byt5, prompt: PROMPT, maxNewTokens: MAX_NEW });
    const id = await load(t, await exported({}, byt5));
    const model = await t.AutoModelForSeq2SeqLM.from_pretrained(id);
    const tokenizer = await t.AutoTokenizer.from_pretrained(id);
    const inputs = await tokenizer(PROMPT);
    // ByT5's ids: 'The ' as bytes + 3, then <extra_id_0> at the top of the 384 ids.
    expect((inputs.input_ids as { tolist(): bigint[][] }).tolist()[0].slice(0, 5).map(Number)).toEqual([
      87, 107, 104, 35, 383,
    ]);
    const generated = (await model.generate({ ...inputs, max_new_tokens: MAX_NEW, do_sample: false })) as {
      tolist(): bigint[][];
    };
    expect(generated.tolist()[0].map(Number)).toEqual(fill.ids);
  });

  it('writes external data beside each graph past the threshold and transformers.js loads it', async () => {
    const dir = await exported({ externalDataThresholdBytes: 1000 });
    expect(readdirSync(join(dir, 'onnx')).sort()).toEqual([
      'decoder_model_merged.onnx',
      'decoder_model_merged.onnx_data',
      'encoder_model.onnx',
      'encoder_model.onnx_data',
    ]);
    const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as Record<string, unknown>;
    expect(config['transformers.js_config']).toEqual({
      use_external_data_format: { 'encoder_model.onnx': 1, 'decoder_model_merged.onnx': 1 },
    });
    const id = await load(t, dir);
    const pipe = await t.pipeline('text2text-generation', id);
    const [out] = (await pipe(PROMPT, { max_new_tokens: MAX_NEW, do_sample: false })) as { generated_text: string }[];
    const tokenizer = await t.AutoTokenizer.from_pretrained(id);
    expect(out.generated_text).toBe(tokenizer.decode(engine.ids, { skip_special_tokens: true }));
  });
});
