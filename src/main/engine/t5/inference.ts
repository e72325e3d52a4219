// Inference graphs with weights as initializers: the encoder (which also projects the
// cross-attention keys/values of every decoder layer, computed once per prompt) and one
// decoder step with a fixed-size self-attention KV cache of P positions. Rows N, prompt length
// Te and P are symbolic, so one compiled pair serves every prompt length, beam count and
// token budget (a compile serialises all weights); the step position arrives as inputs (bucket
// row, key mask, write mask). Reference: HF modeling_t5.py T5Attention.forward with past_key_value.
// NOTE: weights are inline initializers, not "external data in memory": onnxruntime-node 1.30
// has no in-memory external-data option (SessionOptions.externalData is onnxruntime-web only),
// so each graph is one protobuf message and must stay under 2 GiB; checkInferenceSize says so
// up front (t5/flan-t5 up to large and mt5-base fit; mt5-large, t5-3b and larger do not).

import * as op from '../onnx/ops';
import { Graph } from '../onnx/graph';
import type { Dim, Tensor } from '../onnx/graph';
import { relativePositionBucket } from './buckets';
import type { T5Config } from './config';
import type { BuildContext, Residual } from './layers';
import {
  addRmsNorm,
  attend,
  buildContext,
  feedForward,
  linear,
  maskBias,
  MASK_VALUE,
  normOf,
  reshapeDim,
  selfHeads,
  splitHeads,
  splitKeyHeads,
} from './layers';
import { encoderStack, lazyInitializers, lmHead } from './model';
import { t5ParamShapes } from './params';
import type { BuildDevice } from '../optim/spec';
import { elementCount } from '../shape';

export const ENCODER_INPUTS = ['input_ids', 'attention_mask'] as const;
/** Encoder input (N): the prompt each decoder row decodes; the cross K/V come out per row. */
export const ROW_PROMPT = 'row_prompt';
/**
 * The encoder's output (N, 1, 1, Te) of each decoder row's prompt mask as an additive bias (0
 * or MASK_VALUE), a decoder-step input: made once per prompt instead of every token.
 */
export const CROSS_BIAS = 'cross_bias';
/** Decoder-step input (1, H, 1, P): the self-attention bias of the step (stepFeeds). */
export const SELF_BIAS = 'self_bias';
/** Cache-reorder input (N) (buildCacheReorderGraph): row i continues the cache row `row_order[i]`. */
export const ROW_ORDER = 'row_order';

/**
 * The dtype of ids, masks and bucket tables: int64 (default) is what exported graphs and
 * transformers.js feed; the app's runtime uses int32, which every GPU EP has kernels for.
 */
export type IdType = 'int32' | 'int64';

/**
 * Keys are kept as attend() multiplies them, (…, Dk, positions) (layers.ts splitKeyHeads), so
 * the decoder step transposes none: cross keys (N, H, Dk, Te), self-attention key caches
 * (N, H, Dk, P), a new key (N, H, Dk, 1). Values keep (…, positions, Dk).
 */
export const crossKeyName = (layer: number): string => `cross.${layer}.key`;
/** The shape of a key (N, H, Dk, positions) or value (N, H, positions, Dk) tensor of N rows (crossKeyName). */
export function keyValueShape<D extends Dim>(config: T5Config, rows: D, positions: D, isKey: boolean): (D | number)[] {
  const { numHeads, dKv } = config;
  return isKey ? [rows, numHeads, dKv, positions] : [rows, numHeads, positions, dKv];
}
export const crossValueName = (layer: number): string => `cross.${layer}.value`;
export const pastKeyName = (layer: number): string => `past.${layer}.key`;
export const pastValueName = (layer: number): string => `past.${layer}.value`;
/** The new token's key (N, H, Dk, 1) and value (N, H, 1, Dk) of a layer; the runtime writes them in. */
export const newKeyName = (layer: number): string => `new.${layer}.key`;
export const newValueName = (layer: number): string => `new.${layer}.value`;
/** A 'device' cache's updated caches of a layer, key (N, H, Dk, P), value (N, H, P, Dk): next step's past. */
export const presentKeyName = (layer: number): string => `present.${layer}.key`;
export const presentValueName = (layer: number): string => `present.${layer}.value`;

/**
 * Where the decoder step's self-attention caches live between steps. 'host': the caches are
 * inputs only (fed zero-copy on the CPU) and the step returns the new entries, which the host
 * writes in. 'device': the step returns the whole updated caches, which the runtime feeds back
 * (beam reselection gathers their rows in a graph of its own, buildCacheReorderGraph); on
 * WebGPU they stay in GPU buffers, so a token moves only its ids and logits (on the CPU every
 * output is copied, so 'device' would copy the caches each token).
 */
export type CacheMode = 'host' | 'device';

/** The key and value names of every decoder layer, layer by layer. */
function layerNames(config: T5Config, key: (layer: number) => string, value: (layer: number) => string): string[] {
  const names: string[] = [];
  for (let i = 0; i < config.numDecoderLayers; i++) names.push(key(i), value(i));
  return names;
}

/** The decoder step's outputs that carry a 'device' cache (kept on the device on WebGPU). */
export const presentNames = (config: T5Config): string[] => layerNames(config, presentKeyName, presentValueName);
/**
 * The encoder's outputs, the decoder step's per-prompt inputs: every layer's cross K/V and
 * CROSS_BIAS (kept on the device for a 'device' cache on WebGPU).
 */
export const crossNames = (config: T5Config): string[] => [
  ...layerNames(config, crossKeyName, crossValueName),
  CROSS_BIAS,
];

/**
 * Encoder graph: input_ids, attention_mask (B, Te), the bidirectional bucket table
 * position_buckets (Te, Te) and row_prompt (N) → cross.{i}.key (N, H, Dk, Te) / .value (N, H, Te, Dk)
 * and CROSS_BIAS (N, 1, 1, Te), for the rows of the decoder (beams repeat their prompt's row),
 * gathered here so that a device-kept result needs no host copy.
 */
export function buildEncoderGraph(
  config: T5Config,
  weights: ReadonlyMap<string, Float32Array>,
  batch: Dim = 'B',
  length: Dim = 'Te',
  idType: IdType = 'int64',
  device: BuildDevice = 'cpu',
): Graph {
  const g = new Graph('t5_encoder');
  const ctx = buildContext(g, config, lazyInitializers(g, config, weights), { dropoutRate: 0, device });
  const inputIds = g.input('input_ids', idType, [batch, length]); // (B, Te)
  const mask = g.input('attention_mask', idType, [batch, length]); // (B, Te)
  const buckets = g.input('position_buckets', idType, [length, length]); // (Te, Te)
  const rowPrompt = g.input(ROW_PROMPT, idType, ['N']); // (N)
  const bias = maskBias(ctx, mask); // (B, 1, 1, Te)
  const encoded = encoderStack(ctx, inputIds, bias, buckets); // (B, Te, D)
  g.output(op.gather(bias, rowPrompt, 0), CROSS_BIAS); // (N, 1, 1, Te)
  // Project the B prompts, then gather rows: beams share a prompt, so projecting after the
  // gather would repeat the work numBeams times.
  const project = (weight: string, heads: typeof splitHeads): Tensor =>
    op.gather(heads(ctx, linear(ctx, encoded, weight)), rowPrompt, 0);
  for (let i = 0; i < config.numDecoderLayers; i++) {
    const prefix = `decoder.block.${i}.layer.1.EncDecAttention`;
    g.output(project(`${prefix}.k.weight`, splitKeyHeads), crossKeyName(i)); // (N, H, Dk, Te)
    g.output(project(`${prefix}.v.weight`, splitHeads), crossValueName(i)); // (N, H, Te, Dk)
  }
  return g;
}

/** Inputs that say which step this is (see stepFeeds). */
interface StepInputs {
  readonly selfBias: Tensor; // (1, H, 1, P) SELF_BIAS: position bias of key k for query t, MASK_VALUE for k > t
  readonly writeAt: Tensor; // (1, 1, P, 1) bool: k == t (for value caches)
  readonly writeKeyAt: Tensor; // (1, 1, 1, P) bool: the same, for key caches
}

interface CachedAttention {
  readonly out: Tensor; // (N, 1, D): attention output after the o projection
  readonly newKey: Tensor; // (N, H, Dk, 1)
  readonly newValue: Tensor; // (N, H, 1, Dk)
  readonly key: Tensor; // (N, H, Dk, P): the cache with the new key written at t
  readonly value: Tensor; // (N, H, P, Dk)
}

/** Self-attention of one new token against the cache; returns the output and the new cache. */
function cachedSelfAttention(ctx: BuildContext, layer: number, h: Tensor, step: StepInputs): CachedAttention {
  const { g, config } = ctx;
  const n = h.shape[0];
  const p = step.selfBias.shape[3];
  const prefix = `decoder.block.${layer}.layer.0.SelfAttention`;
  // q (N, H, 1, Dk), the new key (N, H, Dk, 1) and value (N, H, 1, Dk).
  const { q, kT: newKey, v: newValue } = selfHeads(ctx, h, prefix);
  const key = op.where(
    step.writeKeyAt,
    newKey,
    g.input(pastKeyName(layer), 'float32', keyValueShape(config, n, p, true)),
  ); // (N, H, Dk, P)
  const value = op.where(
    step.writeAt,
    newValue,
    g.input(pastValueName(layer), 'float32', keyValueShape(config, n, p, false)),
  ); // (N, H, P, Dk)
  return { out: attend(ctx, prefix, q, key, value, step.selfBias), newKey, newValue, key, value };
}

/** What every layer's cross-attention takes: the encoder mask bias and its K/V input shapes. */
interface CrossInputs {
  readonly bias: Tensor; // (N, 1, 1, Te)
  readonly keyShape: Dim[]; // (N, H, Dk, Te)
  readonly valueShape: Dim[]; // (N, H, Te, Dk)
}

/**
 * One decoder layer of a step: its self-attention against the cache, cross-attention against
 * this layer's cross.{i}.key/value inputs and the feed-forward, whose residual add it leaves
 * to the next norm (Residual). Returns the self-attention's keys/values for the caller to output.
 */
function decoderStepLayer(
  ctx: BuildContext,
  i: number,
  input: Residual,
  step: StepInputs,
  cross: CrossInputs,
): { self: CachedAttention; stream: Residual } {
  const p = `decoder.block.${i}.layer`;
  const { sum: x, normed: h } = normOf(ctx, input, `${p}.0.layer_norm.weight`); // (N, 1, D) each
  const self = cachedSelfAttention(ctx, i, h, step);
  const { sum: y, normed: c } = addRmsNorm(ctx, x, self.out, `${p}.1.layer_norm.weight`); // (N, 1, D) each
  const q = splitHeads(ctx, linear(ctx, c, `${p}.1.EncDecAttention.q.weight`)); // (N, H, 1, Dk)
  const key = ctx.g.input(crossKeyName(i), 'float32', cross.keyShape); // (N, H, Dk, Te)
  const value = ctx.g.input(crossValueName(i), 'float32', cross.valueShape); // (N, H, Te, Dk)
  const attended = attend(ctx, `${p}.1.EncDecAttention`, q, key, value, cross.bias); // (N, 1, D)
  const { sum: z, normed: n } = addRmsNorm(ctx, y, attended, `${p}.2.layer_norm.weight`); // (N, 1, D) each
  return { self, stream: { base: z, branch: feedForward(ctx, `${p}.2`, n) } };
}

/** A layer's step outputs: the new key/value ('host' cache) or the updated caches ('device'). */
function outputCaches(g: Graph, layer: number, self: CachedAttention, cache: CacheMode): void {
  if (cache === 'host') {
    g.output(self.newKey, newKeyName(layer));
    g.output(self.newValue, newValueName(layer));
  } else {
    g.output(self.key, presentKeyName(layer));
    g.output(self.value, presentValueName(layer));
  }
}

export interface DecoderStepOptions {
  readonly rows?: Dim; // N (default 'N')
  readonly encoderLength?: Dim; // Te (default 'Te')
  readonly maxSteps?: Dim; // P (default 'P')
  readonly idType?: IdType; // default int64
  readonly cache?: CacheMode; // default 'host'
  readonly device?: BuildDevice; // default 'cpu': what the graph is built for (layers.ts BuildContext)
}

/**
 * One decoder step for N rows: decoder_input_ids (N, 1), the caches and the cross K/V →
 * logits (N, V) and, with a 'host' cache, new.{i}.key/value (one position each): only the new
 * entries leave the graph, since the caches are inputs (passed zero-copy on the CPU) and
 * outputs are copied, so returning whole caches would copy L·2·N·H·P·Dk floats per token.
 * With a 'device' cache: present.{i}.key/value (P positions) out (CacheMode).
 * Keys in every cache are (…, Dk, positions) (crossKeyName).
 */
export function buildDecoderStepGraph(
  config: T5Config,
  weights: ReadonlyMap<string, Float32Array>,
  options: DecoderStepOptions = {},
): Graph {
  const { rows = 'N', encoderLength = 'Te', maxSteps = 'P', idType = 'int64', cache = 'host' } = options;
  const g = new Graph(cache === 'host' ? 't5_decoder_step' : 't5_decoder_step_device_cache');
  const ctx = buildContext(g, config, lazyInitializers(g, config, weights), { dropoutRate: 0, device: options.device });
  const step: StepInputs = {
    selfBias: g.input(SELF_BIAS, 'float32', [1, config.numHeads, 1, maxSteps]),
    writeAt: g.input('write_position', 'bool', [1, 1, maxSteps, 1]),
    // NOTE: an input rather than a Reshape of write_position: WebGPU has no bool Reshape.
    writeKeyAt: g.input('write_key_position', 'bool', [1, 1, 1, maxSteps]),
  };
  const ids = g.input('decoder_input_ids', idType, [rows, 1]); // (N, 1)
  const cross: CrossInputs = {
    bias: g.input(CROSS_BIAS, 'float32', [rows, 1, 1, encoderLength]), // (N, 1, 1, Te)
    keyShape: keyValueShape(config, rows, encoderLength, true),
    valueShape: keyValueShape(config, rows, encoderLength, false),
  };
  let stream: Residual = { base: op.gather(ctx.param('shared.weight'), ids, 0), branch: null }; // (N, 1, D)
  for (let i = 0; i < config.numDecoderLayers; i++) {
    const layer = g.scope(`decoder.block.${i}`, () => decoderStepLayer(ctx, i, stream, step, cross));
    outputCaches(g, i, layer.self, cache);
    stream = layer.stream;
  }
  const logits = lmHead(ctx, normOf(ctx, stream, 'decoder.final_layer_norm.weight').normed); // (N, 1, V)
  g.output(op.reshape(logits, [reshapeDim(rows), config.vocabSize]), 'logits'); // (N, V)
  return g;
}

/**
 * Beam reselection for a 'device' cache: present.{i}.key/value = past.{i}.key/value with their
 * rows gathered by ROW_ORDER (N). A graph of its own, run only when rows change order, so greedy
 * decoding and sampling never run its gathers (two per layer and token, when they were part of
 * the step); beam search pays a run for them.
 */
export function buildCacheReorderGraph(config: T5Config, idType: IdType = 'int64'): Graph {
  const g = new Graph('t5_cache_reorder');
  const order = g.input(ROW_ORDER, idType, ['N']); // (N)
  for (let i = 0; i < config.numDecoderLayers; i++) {
    const key = g.input(pastKeyName(i), 'float32', keyValueShape(config, 'N', 'P', true));
    const value = g.input(pastValueName(i), 'float32', keyValueShape(config, 'N', 'P', false));
    g.output(op.gather(key, order, 0), presentKeyName(i));
    g.output(op.gather(value, order, 0), presentValueName(i));
  }
  return g;
}

/** The decoder's relative-position table (buckets, H), which stepFeeds reads on the host. */
export const DECODER_POSITION_TABLE = 'decoder.block.0.layer.0.SelfAttention.relative_attention_bias.weight';

/**
 * The per-step inputs for decoding position `t` with a cache of `maxSteps`: SELF_BIAS (1, H, 1, P),
 * table[bucket(k − t), h] plus MASK_VALUE for k > t, from the decoder's position table (buckets,
 * H) (DECODER_POSITION_TABLE), and the write mask (k = t). NOTE: made here, a few hundred
 * floats, rather than in the graph: there it was four kernels per token and two inputs.
 */
export function stepFeeds(
  config: T5Config,
  table: Float32Array,
  t: number,
  maxSteps: number,
): { selfBias: Float32Array; writeAt: Uint8Array } {
  const heads = config.numHeads;
  const selfBias = new Float32Array(heads * maxSteps);
  const writeAt = new Uint8Array(maxSteps);
  for (let k = 0; k < maxSteps; k++) {
    const bucket = relativePositionBucket(
      k - t,
      false,
      config.relativeAttentionNumBuckets,
      config.relativeAttentionMaxDistance,
    );
    const mask = k <= t ? 0 : MASK_VALUE;
    for (let h = 0; h < heads; h++) selfBias[h * maxSteps + k] = table[bucket * heads + h] + mask;
    writeAt[k] = k === t ? 1 : 0;
  }
  return { selfBias, writeAt };
}

/**
 * Most initializer bytes one inference graph may carry: serializeModel refuses more than
 * 1.9 GiB (protobuf caps a whole ModelProto at 2 GiB; the rest is headroom for the nodes).
 */
export const INFERENCE_INITIALIZER_LIMIT_BYTES = 1.9 * 2 ** 30;

export class T5InferenceSizeError extends Error {
  override name = 'T5InferenceSizeError';
}

const isCrossKeyValue = (name: string): boolean => /\.EncDecAttention\.[kv]\.weight$/.test(name);

/**
 * float32 weight bytes each inference graph holds: the encoder graph has `shared`, the encoder
 * stack and every decoder layer's cross-attention k/v; the decoder step has `shared` and the
 * rest of the decoder (with `lm_head` when untied) but its position table (stepFeeds reads it).
 */
export function inferenceInitializerBytes(config: T5Config): { encoder: number; decoderStep: number } {
  let encoder = 0;
  let decoderStep = 0;
  for (const [name, shape] of t5ParamShapes(config)) {
    const bytes = 4 * elementCount(shape);
    if (name === 'shared.weight') {
      encoder += bytes;
      decoderStep += bytes;
    } else if (name.startsWith('encoder.') || isCrossKeyValue(name)) {
      encoder += bytes;
    } else if (name !== DECODER_POSITION_TABLE) {
      decoderStep += bytes;
    }
  }
  return { encoder, decoderStep };
}

/** Throws T5InferenceSizeError, before any graph is built, when a graph would pass the limit. */
export function checkInferenceSize(config: T5Config): void {
  const sizes = inferenceInitializerBytes(config);
  const gib = (bytes: number): string => `${(bytes / 2 ** 30).toFixed(2)} GiB`;
  const over = [
    ['encoder', sizes.encoder],
    ['decoder-step', sizes.decoderStep],
  ].filter(([, bytes]) => (bytes as number) > INFERENCE_INITIALIZER_LIMIT_BYTES);
  if (over.length === 0) return;
  throw new T5InferenceSizeError(
    `This model is too large for Spanfill's inference graphs: ` +
      over.map(([graph, bytes]) => `the ${graph} graph would carry ${gib(bytes as number)}`).join(' and ') +
      ` of float32 weights, over the ${gib(INFERENCE_INITIALIZER_LIMIT_BYTES)} an ONNX model can hold inline ` +
      `(protobuf's 2 GiB limit; onnxruntime-node 1.30 cannot load external weight data from memory). ` +
      `Models up to t5-large, flan-t5-large and mt5-base fit.`,
  );
}
