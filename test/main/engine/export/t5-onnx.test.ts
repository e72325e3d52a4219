// The exported T5 graphs (transformers.js layout) checked against PyTorch: the golden cases'
// teacher-forced logits (HF reference, test/fixtures/t5/*/case.json) through encoder_model +
// decoder_model_merged on its first-step branch, the golden greedy ids through its cached
// branch, int8 quantisation, and the names transformers.js reads.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { quantizeDynamicInt8 } from '../../../../src/main/engine/export/quantize';
import {
  buildExportDecoderMerged,
  buildExportEncoder,
  pastName,
  presentName,
} from '../../../../src/main/engine/export/t5-onnx';
import { Graph } from '../../../../src/main/engine/onnx/graph';
import { serializeModel } from '../../../../src/main/engine/onnx/serialize';
import { EngineSession, type HostTensor } from '../../../../src/main/engine/onnx/session';
import type { T5Config } from '../../../../src/main/engine/t5/config';
import { loadT5Model } from '../../../../src/main/engine/t5/weights';
import { FIXTURES, readCase, relativeError } from '../t5/helpers';

const i64 = (rows: number[][]): HostTensor => ({
  dtype: 'int64',
  dims: [rows.length, rows[0].length],
  data: BigInt64Array.from(rows.flat(), BigInt),
});

/** Empty past (length 0) for every layer, as transformers.js feeds on the first call. */
function emptyPast(config: T5Config, batch: number): Record<string, HostTensor> {
  const feeds: Record<string, HostTensor> = {};
  for (let i = 0; i < config.numDecoderLayers; i++)
    for (const side of ['decoder', 'encoder'] as const)
      for (const kind of ['key', 'value'] as const)
        feeds[pastName(i, side, kind)] = {
          dtype: 'float32',
          dims: [batch, config.numHeads, 0, config.dKv],
          data: new Float32Array(0),
        };
  return feeds;
}

interface Sessions {
  encoder: EngineSession;
  decoder: EngineSession;
}

async function sessions(config: T5Config, weights: ReadonlyMap<string, Float32Array>, int8 = false): Promise<Sessions> {
  const q = (g: Graph): Graph => (int8 ? quantizeDynamicInt8(g) : g);
  return {
    encoder: await EngineSession.create(serializeModel(q(buildExportEncoder(config, weights)))),
    decoder: await EngineSession.create(serializeModel(q(buildExportDecoderMerged(config, weights)))),
  };
}

/** Teacher-forced logits of the golden case, first-step branch. */
async function teacherForced(s: Sessions, name: string, config: T5Config): Promise<Float32Array> {
  const golden = readCase(name);
  const mask = i64(golden.attention_mask);
  const { last_hidden_state: hidden } = await s.encoder.runHost({
    input_ids: i64(golden.input_ids),
    attention_mask: mask,
  });
  const out = await s.decoder.runHost({
    input_ids: i64(golden.decoder_input_ids),
    encoder_attention_mask: mask,
    encoder_hidden_states: hidden,
    use_cache_branch: { dtype: 'bool', dims: [1], data: Uint8Array.of(0) },
    ...emptyPast(config, golden.input_ids.length),
  });
  expect(out.logits.dims).toEqual(golden.logits_shape);
  return out.logits.data as Float32Array;
}

/** Greedy decoding one token per call, feeding present.* back as past_key_values.* (transformers.js's loop). */
async function cachedGreedy(s: Sessions, config: T5Config, prompt: number[], steps: number): Promise<number[]> {
  const mask = i64([prompt.map(() => 1)]);
  const { last_hidden_state: hidden } = await s.encoder.runHost({ input_ids: i64([prompt]), attention_mask: mask });
  const ids = [config.decoderStartTokenId];
  let past = emptyPast(config, 1);
  for (let t = 0; t < steps; t++) {
    const out = await s.decoder.runHost({
      input_ids: i64([[ids[ids.length - 1]]]),
      encoder_attention_mask: mask,
      encoder_hidden_states: hidden,
      use_cache_branch: { dtype: 'bool', dims: [1], data: Uint8Array.of(t > 0 ? 1 : 0) },
      ...past,
    });
    const logits = out.logits.data as Float32Array;
    ids.push(logits.indexOf(Math.max(...logits)));
    past = {};
    for (const name of Object.keys(out).filter((n) => n.startsWith('present.')))
      past[name.replace('present', 'past_key_values')] = out[name];
  }
  return ids;
}

/** Op types of a graph and of its subgraphs (Loop and If bodies), in order. */
function ops(g: Graph): string[] {
  return g.nodes.flatMap((n) => [
    n.opType,
    ...Object.values(n.attrs)
      .filter((a) => a instanceof Graph)
      .flatMap(ops),
  ]);
}

describe('exported T5 graphs', () => {
  for (const name of ['t5-tiny-relu', 't5-tiny-gated']) {
    it(`${name}: teacher-forced logits match PyTorch and cached greedy matches its ids`, async () => {
      const { config, weights } = loadT5Model(join(FIXTURES, name));
      const s = await sessions(config, weights.params);
      const golden = readCase(name);
      expect(relativeError(await teacherForced(s, name, config), golden.logits)).toBeLessThan(1e-5);
      const prompt = golden.greedy.input_ids[0];
      expect(await cachedGreedy(s, config, prompt, golden.greedy.max_new_tokens)).toEqual(golden.greedy.output_ids);
    });
  }

  it("exports only standard ONNX ops: RMS norms in their elementwise form, not onnxruntime's fused node", () => {
    const { config, weights } = loadT5Model(join(FIXTURES, 't5-tiny-gated'));
    for (const graph of [
      buildExportEncoder(config, weights.params),
      buildExportDecoderMerged(config, weights.params),
    ]) {
      expect(ops(graph)).not.toContain('SimplifiedLayerNormalization');
      expect(ops(graph)).toContain('ReduceMean');
    }
  });

  it('int8: weight MatMuls become MatMulInteger, float weights leave, logits reported', async () => {
    const name = 't5-tiny-gated';
    const { config, weights } = loadT5Model(join(FIXTURES, name));
    const graph = quantizeDynamicInt8(buildExportDecoderMerged(config, weights.params));
    expect(ops(graph)).toContain('MatMulInteger');
    const floatWeights = graph.initializers.filter((i) => i.value.dtype === 'float32' && i.value.shape.length === 2);
    // Only tables read by Gather stay float: the embedding and the relative-position bias.
    expect(floatWeights.map((i) => i.tensor.name).sort()).toEqual(
      ['decoder.block.0.layer.0.SelfAttention.relative_attention_bias.weight', 'shared.weight'].sort(),
    );
    const error = relativeError(
      await teacherForced(await sessions(config, weights.params, true), name, config),
      readCase(name).logits,
    );
    console.log(`${name} int8 teacher-forced logits: relative error ${error.toExponential(2)} vs PyTorch float32`);
    // A random 32-wide model quantises poorly (near-cancelling sums); this bounds gross errors only.
    expect(error).toBeLessThan(0.3);
  });

  it('names inputs and outputs as transformers.js reads them', () => {
    const { config, weights } = loadT5Model(join(FIXTURES, 't5-tiny-relu'));
    const decoder = buildExportDecoderMerged(config, weights.params);
    const names = (ts: readonly { name: string }[]): string[] => ts.map((t) => t.name).sort();
    const layers = Array.from({ length: config.numDecoderLayers }, (_, i) => i);
    const cache = (f: typeof pastName): string[] =>
      layers.flatMap((i) => (['decoder', 'encoder'] as const).flatMap((s) => [f(i, s, 'key'), f(i, s, 'value')]));
    expect(names(decoder.inputs)).toEqual(
      ['encoder_attention_mask', 'input_ids', 'encoder_hidden_states', 'use_cache_branch', ...cache(pastName)].sort(),
    );
    expect(names(decoder.outputs)).toEqual(['logits', ...cache(presentName)].sort());
    const past = decoder.inputs.find((t) => t.name === pastName(0, 'decoder', 'key'));
    expect(past?.shape).toEqual(['batch_size', config.numHeads, 'past_decoder_sequence_length', config.dKv]);
  });
});
