// The inline-initializer limit of the inference graphs: the byte count checkInferenceSize uses
// must equal what the built graphs really hold, and models past protobuf's 2 GiB get a clear
// message before any graph is built (no weights are allocated for the big shapes here). And the
// per-step inputs the host makes (stepFeeds), against T5's bucket rule written out for near keys.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseT5Config, t5Preset } from '../../../../src/main/engine/t5/config';
import {
  buildDecoderStepGraph,
  buildEncoderGraph,
  checkInferenceSize,
  inferenceInitializerBytes,
  stepFeeds,
} from '../../../../src/main/engine/t5/inference';
import { MASK_VALUE } from '../../../../src/main/engine/t5/layers';
import { T5Runtime } from '../../../../src/main/engine/t5/runtime';
import { loadT5Model } from '../../../../src/main/engine/t5/weights';
import { FIXTURES } from './helpers';

/** Bytes of the graph's weight initializers (its other constants are small int64/bool tables). */
function weightBytes(graph: ReturnType<typeof buildEncoderGraph>, names: ReadonlySet<string>): number {
  return graph.initializers.filter((i) => names.has(i.tensor.name)).reduce((n, i) => n + 4 * i.value.data.length, 0);
}

describe('inference graph size', () => {
  it('counts exactly the weights each built graph carries', () => {
    for (const name of ['t5-tiny-relu', 't5-tiny-gated']) {
      const { config, weights } = loadT5Model(join(FIXTURES, name));
      const names = new Set(weights.params.keys());
      const encoder = buildEncoderGraph(config, weights.params);
      const decoder = buildDecoderStepGraph(config, weights.params);
      const expected = inferenceInitializerBytes(config);
      expect(weightBytes(encoder, names), name).toBe(expected.encoder);
      expect(weightBytes(decoder, names), name).toBe(expected.decoderStep);
      // Nothing else of size is inline: the rest are scalars and small tables.
      expect(encoder.initializerBytes() - expected.encoder).toBeLessThan(1024);
      expect(decoder.initializerBytes() - expected.decoderStep).toBeLessThan(1024);
    }
  });

  it('accepts the presets and mt5-base, and names the limit for mt5-large before building anything', () => {
    for (const name of ['t5-small', 't5-base', 'flan-t5-small', 'flan-t5-base', 't5-v1_1-small'])
      expect(() => checkInferenceSize(t5Preset(name))).not.toThrow();
    const large = { d_model: 1024, num_heads: 16, num_layers: 24 };
    expect(() => checkInferenceSize(parseT5Config({ ...large, d_ff: 4096 }))).not.toThrow(); // t5-large
    const flanLarge = parseT5Config({
      ...large,
      d_ff: 2816,
      feed_forward_proj: 'gated-gelu',
      tie_word_embeddings: false,
    });
    expect(() => checkInferenceSize(flanLarge)).not.toThrow();
    const mt5 = { model_type: 'mt5', feed_forward_proj: 'gated-gelu', tie_word_embeddings: false, vocab_size: 250112 };
    const mt5Base = parseT5Config({ ...mt5, d_model: 768, d_ff: 2048, num_heads: 12, num_layers: 12 });
    expect(() => checkInferenceSize(mt5Base)).not.toThrow();
    const mt5Large = parseT5Config({ ...mt5, d_model: 1024, d_ff: 2816, num_heads: 16, num_layers: 24 });
    // google/mt5-large: 2 × 250112 × 1024 embedding floats alone are 1.91 GiB in the decoder step.
    expect(inferenceInitializerBytes(mt5Large).decoderStep).toBeGreaterThan(2 * 250112 * 1024 * 4);
    const message =
      /the encoder graph would carry 2\.\d\d GiB and the decoder-step graph would carry 3\.\d\d GiB of float32 weights, over the 1\.90 GiB an ONNX model can hold inline \(protobuf's 2 GiB limit; onnxruntime-node 1\.30 cannot load external weight data from memory\)/;
    expect(() => checkInferenceSize(mt5Large)).toThrow(message);
    expect(() => new T5Runtime(mt5Large, new Map())).toThrow(message);
  });
});

describe('stepFeeds', () => {
  it("reads each key's bucket row of the position table and masks the keys after the query", () => {
    const config = parseT5Config({ d_model: 8, d_kv: 2, num_heads: 3, num_layers: 1, vocab_size: 5 });
    const heads = config.numHeads;
    // table[bucket, h] = 100·bucket + h; a causal query t keys back falls in bucket t − k while
    // that is under half the buckets (HF _relative_position_bucket's exact range).
    const table = Float32Array.from(
      { length: config.relativeAttentionNumBuckets * heads },
      (_, i) => Math.floor(i / heads) * 100 + (i % heads),
    );
    const [t, steps] = [2, 5];
    const { selfBias, writeAt } = stepFeeds(config, table, t, steps);
    for (let h = 0; h < heads; h++) {
      const row = Array.from(selfBias.subarray(h * steps, (h + 1) * steps));
      // Keys 0..2 are 2, 1, 0 back; keys 3 and 4 are ahead (bucket 0) and masked.
      expect(row).toEqual([200 + h, 100 + h, h, Math.fround(h + MASK_VALUE), Math.fround(h + MASK_VALUE)]);
    }
    expect(Array.from(writeAt)).toEqual([0, 0, 1, 0, 0]);
  });
});
