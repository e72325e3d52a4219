// T5 inference graphs in the layout @huggingface/transformers 4.x loads (the names Optimum's
// seq2seq export uses): encoder_model (input_ids, attention_mask → last_hidden_state) and
// decoder_model_merged (one graph for the first step and the cached ones, chosen by
// use_cache_branch). Built from the engine's T5 layers with weights as initializers, no
// dropout and no training nodes. Reference: transformers.js src/models/modeling_utils.js
// (seq2seq_forward, decoder_forward, addPastKeyValues, getPastKeyValues), HF modeling_t5.py.

import * as op from '../onnx/ops';
import { Graph } from '../onnx/graph';
import type { Dim, Tensor } from '../onnx/graph';
import type { T5Config } from '../t5/config';
import type { BuildContext } from '../t5/layers';
import { positionBias } from '../t5/positionBias';
import {
  attend,
  buildContext,
  feedForward,
  linear,
  maskBias,
  MASK_VALUE,
  rmsNorm,
  splitHeads,
  transposeKeys,
} from '../t5/layers';
import { encoderStack, lazyInitializers, lmHead } from '../t5/model';
import { relativeBuckets, relativePositions, runtimeDim, runtimeRange } from './positions';

export const BATCH = 'batch_size';
export const ENCODER_LENGTH = 'encoder_sequence_length';
export const DECODER_LENGTH = 'decoder_sequence_length';
export const PAST_DECODER_LENGTH = 'past_decoder_sequence_length';
export const PAST_ENCODER_LENGTH = 'encoder_sequence_length_out';

export const pastName = (layer: number, side: 'decoder' | 'encoder', kind: 'key' | 'value'): string =>
  `past_key_values.${layer}.${side}.${kind}`;
export const presentName = (layer: number, side: 'decoder' | 'encoder', kind: 'key' | 'value'): string =>
  `present.${layer}.${side}.${kind}`;

const SELF_TABLE = 'decoder.block.0.layer.0.SelfAttention.relative_attention_bias.weight';

/** encoder_model.onnx: input_ids, attention_mask (batch, Te) → last_hidden_state (batch, Te, D). */
export function buildExportEncoder(config: T5Config, weights: ReadonlyMap<string, Float32Array>): Graph {
  const g = new Graph('t5_encoder');
  const ctx = buildContext(g, config, lazyInitializers(g, config, weights), {
    dropoutRate: 0,
    isStandardOnly: true,
  });
  const ids = g.input('input_ids', 'int64', [BATCH, ENCODER_LENGTH]);
  const mask = g.input('attention_mask', 'int64', [BATCH, ENCODER_LENGTH]);
  const te = runtimeDim(ids, 1);
  const zero = g.constant({ dtype: 'int64', shape: [], data: BigInt64Array.of(0n) });
  const positions = runtimeRange(g, zero, te, ENCODER_LENGTH); // (Te)
  const { relativeAttentionNumBuckets: nb, relativeAttentionMaxDistance: md } = config;
  const buckets = relativeBuckets(relativePositions(positions, positions), true, nb, md); // (Te, Te)
  g.output(encoderStack(ctx, ids, maskBias(ctx, mask), buckets), 'last_hidden_state');
  return g;
}

/**
 * Cross-attention keys/values of every layer: the past ones when use_cache_branch is true,
 * else projected from encoder_hidden_states (the first step). One If node, as Optimum merges.
 */
function crossKeyValues(ctx: BuildContext, useCache: Tensor, encoded: Tensor, past: Tensor[][]): Tensor[] {
  const { g, config } = ctx;
  const reuse = g.subgraph('use_cache');
  past.flat().forEach((t) => reuse.output(t));
  const project = g.subgraph('first_step');
  const [local] = project.addNode('Identity', [encoded], [{ dtype: encoded.dtype, shape: encoded.shape }]);
  for (let i = 0; i < config.numDecoderLayers; i++) {
    const prefix = `decoder.block.${i}.layer.1.EncDecAttention`;
    project.output(splitHeads(ctx, linear(ctx, local, `${prefix}.k.weight`))); // (B, H, Te, Dk)
    project.output(splitHeads(ctx, linear(ctx, local, `${prefix}.v.weight`))); // (B, H, Te, Dk)
  }
  // Both branches hold Te positions (the past ones were made from the same encoder output).
  const shape = [BATCH, config.numHeads, ENCODER_LENGTH, config.dKv];
  const specs = past.flat().map(() => ({ dtype: 'float32' as const, shape }));
  return g.addNode('If', [useCache], specs, { then_branch: reuse, else_branch: project });
}

/** Self-attention bias (1, H, Tq, Tk) for queries after `pastLength` cached positions. */
function selfBias(ctx: BuildContext, pastLength: Tensor, queries: Tensor, keyLength: Dim): Tensor {
  const { g, config } = ctx;
  const total = op.add(pastLength, queries);
  const zero = g.constant({ dtype: 'int64', shape: [], data: BigInt64Array.of(0n) });
  const qPos = runtimeRange(g, pastLength, total, DECODER_LENGTH); // (Tq)
  const kPos = runtimeRange(g, zero, total, keyLength); // (Tk)
  const relative = relativePositions(qPos, kPos); // (Tq, Tk)
  const { relativeAttentionNumBuckets: nb, relativeAttentionMaxDistance: md } = config;
  const bias = positionBias(ctx, SELF_TABLE, relativeBuckets(relative, false, nb, md)); // (1, H, Tq, Tk)
  const future = op.where(op.greater(relative, 0), op.scalar(g, MASK_VALUE, 'float32'), 0); // (Tq, Tk)
  return op.add(bias, future);
}

/**
 * decoder_model_merged.onnx: input_ids (batch, Td), encoder_hidden_states, encoder_attention_mask,
 * past_key_values.{i}.{decoder,encoder}.{key,value} and use_cache_branch → logits (batch, Td, V)
 * and present.{i}.{decoder,encoder}.{key,value}. The decoder past grows by Td per call.
 */
export function buildExportDecoderMerged(config: T5Config, weights: ReadonlyMap<string, Float32Array>): Graph {
  const g = new Graph('t5_decoder_merged');
  const ctx = buildContext(g, config, lazyInitializers(g, config, weights), {
    dropoutRate: 0,
    isStandardOnly: true,
  });
  const { numHeads: h, dKv: dk, dModel: d, numDecoderLayers: layers } = config;
  const encoderMask = g.input('encoder_attention_mask', 'int64', [BATCH, ENCODER_LENGTH]);
  const ids = g.input('input_ids', 'int64', [BATCH, DECODER_LENGTH]);
  const encoded = g.input('encoder_hidden_states', 'float32', [BATCH, ENCODER_LENGTH, d]);
  const past = Array.from({ length: layers }, (_, i) =>
    (['decoder', 'encoder'] as const).flatMap((side) =>
      (['key', 'value'] as const).map((kind) =>
        g.input(pastName(i, side, kind), 'float32', [
          BATCH,
          h,
          side === 'decoder' ? PAST_DECODER_LENGTH : PAST_ENCODER_LENGTH,
          dk,
        ]),
      ),
    ),
  );
  const useCache = g.input('use_cache_branch', 'bool', [1]);
  const cross = crossKeyValues(
    ctx,
    useCache,
    encoded,
    past.map((p) => [p[2], p[3]]),
  );
  const crossBias = maskBias(ctx, encoderMask); // (B, 1, 1, Te)
  let bias: Tensor | null = null; // (1, H, Td, Tp+Td), made with layer 0's keys (their symbolic length)
  let x = op.gather(ctx.param('shared.weight'), ids, 0); // (B, Td, D)
  for (let i = 0; i < layers; i++) {
    const p = `decoder.block.${i}.layer`;
    x = g.scope(`decoder.block.${i}`, () => {
      const normed = rmsNorm(ctx, x, `${p}.0.layer_norm.weight`); // (B, Td, D)
      const q = splitHeads(ctx, linear(ctx, normed, `${p}.0.SelfAttention.q.weight`)); // (B, H, Td, Dk)
      const key = op.concat([past[i][0], splitHeads(ctx, linear(ctx, normed, `${p}.0.SelfAttention.k.weight`))], 2);
      const value = op.concat([past[i][1], splitHeads(ctx, linear(ctx, normed, `${p}.0.SelfAttention.v.weight`))], 2);
      g.output(key, presentName(i, 'decoder', 'key')); // (B, H, Tp+Td, Dk)
      bias ??= selfBias(ctx, runtimeDim(past[0][0], 2), runtimeDim(ids, 1), key.shape[2]);
      g.output(value, presentName(i, 'decoder', 'value'));
      const y = op.add(x, attend(ctx, `${p}.0.SelfAttention`, q, transposeKeys(key), value, bias)); // (B, Td, D)
      const [crossKey, crossValue] = [cross[2 * i], cross[2 * i + 1]];
      g.output(crossKey, presentName(i, 'encoder', 'key')); // (B, H, Te, Dk)
      g.output(crossValue, presentName(i, 'encoder', 'value'));
      const c = rmsNorm(ctx, y, `${p}.1.layer_norm.weight`);
      const qc = splitHeads(ctx, linear(ctx, c, `${p}.1.EncDecAttention.q.weight`)); // (B, H, Td, Dk)
      const z = op.add(y, attend(ctx, `${p}.1.EncDecAttention`, qc, transposeKeys(crossKey), crossValue, crossBias)); // (B, Td, D)
      return op.add(z, feedForward(ctx, `${p}.2`, rmsNorm(ctx, z, `${p}.2.layer_norm.weight`))); // (B, Td, D)
    });
  }
  const logits = lmHead(ctx, rmsNorm(ctx, x, 'decoder.final_layer_norm.weight')); // (B, Td, V)
  g.output(logits, 'logits');
  return g;
}
