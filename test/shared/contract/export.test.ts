// shared/contract/export.ts: how to load a written export, in the words of the README's
// examples, for the Export panel and `spanfill export` alike; the bounds of an accelerate job's settings.
import { describe, expect, it } from 'vitest';
import { accelerateRunConfigSchema, exportLoadHint } from '../../../src/shared/contract/export';

describe('exportLoadHint', () => {
  it('says how to load each format from the folder it was written to', () => {
    expect(exportLoadHint('hf', '/x/r-1-best-hf', [])).toContain(
      'T5ForConditionalGeneration.from_pretrained("/x/r-1-best-hf")',
    );
    const web = exportLoadHint('transformers.js', '/x/exports/r-1-best-web', []);
    expect(web).toContain('env.localModelPath = "/x/exports/";');
    expect(web).toContain(`pipeline('text2text-generation', "r-1-best-web", { dtype: 'fp32' })`);
    // A folder name transformers.js would not look up under localModelPath: by its full path.
    expect(exportLoadHint('transformers.js', '/x/exports/ü 😀', [])).toBe(
      "import { pipeline } from '@huggingface/transformers';\n" +
        `const fill = await pipeline('text2text-generation', "/x/exports/ü 😀", { dtype: 'fp32' });`,
    );
    expect(exportLoadHint('accelerate', '/x/job', [])).toBe('cd "/x/job"\naccelerate launch train.py');
  });

  it('names the dtype of the graphs written: q8 for the int8 ones of --quantize int8, else fp32', () => {
    const graphs = ['onnx/encoder_model.onnx', 'onnx/decoder_model_merged.onnx'];
    const quantized = ['onnx/encoder_model_quantized.onnx', 'onnx/decoder_model_merged_quantized.onnx'];
    const int8 = exportLoadHint('transformers.js', '/x/exports/web', ['config.json', ...graphs, ...quantized]);
    expect(int8.split('\n').at(-1)).toBe(
      `const fill = await pipeline('text2text-generation', "web", { dtype: 'q8' });`,
    );
    // transformers.js in a browser (device wasm) takes q8 when no dtype is named: the float32 graphs need theirs.
    const plain = exportLoadHint('transformers.js', '/x/exports/ü 😀', ['config.json', ...graphs]);
    expect(plain.split('\n').at(-1)).toBe(
      `const fill = await pipeline('text2text-generation', "/x/exports/ü 😀", { dtype: 'fp32' });`,
    );
  });
});

describe('accelerateRunConfigSchema', () => {
  it('takes the noise density a new run takes, saying the bound it checks (as `spanfill train` says it)', () => {
    const refusal = (noiseDensity: number) =>
      accelerateRunConfigSchema.safeParse({ noiseDensity }).error?.issues[0]?.message;
    expect(refusal(0)).toBe('noiseDensity must be ≥ 0.001');
    expect(refusal(0.0005)).toBe('noiseDensity must be ≥ 0.001');
    expect(refusal(1)).toBe('noiseDensity must be ≤ 0.999');
    expect(accelerateRunConfigSchema.parse({ noiseDensity: 0.001 }).noiseDensity).toBe(0.001);
  });
});
