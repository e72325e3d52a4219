// The T5 parameter set: every HF parameter name with its shape, in HF module order, plus the
// tied-embedding aliases and deterministic random initialisation for presets.
// Reference: HF `modeling_t5.py` (T5Attention, T5DenseActDense, T5DenseGatedActDense,
// T5LayerNorm module names; T5PreTrainedModel._init_weights for the init scales). Linear
// weights are [out, in].

import type { T5Config } from './config';
import { innerDim } from './config';
import { Rng } from '../rng';
import { elementCount } from '../shape';

export type ParamShapes = ReadonlyMap<string, readonly number[]>;

/** Names that may hold the shared embedding in a file (any one of them is enough). */
export const EMBEDDING_ALIASES = [
  'shared.weight',
  'encoder.embed_tokens.weight',
  'decoder.embed_tokens.weight',
] as const;
/** Present in some old checkpoints (original t5-small); HF ignores it on load, so do we. */
export const IGNORED_ON_LOAD = /^decoder\.block\.0\.layer\.1\.EncDecAttention\.relative_attention_bias\.weight$/;

function attentionShapes(out: Map<string, number[]>, prefix: string, config: T5Config, hasBias: boolean): void {
  const d = config.dModel;
  const inner = innerDim(config);
  out.set(`${prefix}.q.weight`, [inner, d]);
  out.set(`${prefix}.k.weight`, [inner, d]);
  out.set(`${prefix}.v.weight`, [inner, d]);
  out.set(`${prefix}.o.weight`, [d, inner]);
  if (hasBias)
    out.set(`${prefix}.relative_attention_bias.weight`, [config.relativeAttentionNumBuckets, config.numHeads]);
}

function feedForwardShapes(out: Map<string, number[]>, prefix: string, config: T5Config): void {
  if (config.feedForwardProj === 'gated-gelu') {
    out.set(`${prefix}.DenseReluDense.wi_0.weight`, [config.dFf, config.dModel]);
    out.set(`${prefix}.DenseReluDense.wi_1.weight`, [config.dFf, config.dModel]);
  } else {
    out.set(`${prefix}.DenseReluDense.wi.weight`, [config.dFf, config.dModel]);
  }
  out.set(`${prefix}.DenseReluDense.wo.weight`, [config.dModel, config.dFf]);
  out.set(`${prefix}.layer_norm.weight`, [config.dModel]);
}

/** Canonical trainable parameters (no aliases): `shared.weight`, blocks, norms, `lm_head.weight` if untied. */
export function t5ParamShapes(config: T5Config): ParamShapes {
  const out = new Map<string, number[]>();
  out.set('shared.weight', [config.vocabSize, config.dModel]);
  for (let i = 0; i < config.numLayers; i++) {
    const block = `encoder.block.${i}.layer`;
    attentionShapes(out, `${block}.0.SelfAttention`, config, i === 0);
    out.set(`${block}.0.layer_norm.weight`, [config.dModel]);
    feedForwardShapes(out, `${block}.1`, config);
  }
  out.set('encoder.final_layer_norm.weight', [config.dModel]);
  for (let i = 0; i < config.numDecoderLayers; i++) {
    const block = `decoder.block.${i}.layer`;
    attentionShapes(out, `${block}.0.SelfAttention`, config, i === 0);
    out.set(`${block}.0.layer_norm.weight`, [config.dModel]);
    attentionShapes(out, `${block}.1.EncDecAttention`, config, false);
    out.set(`${block}.1.layer_norm.weight`, [config.dModel]);
    feedForwardShapes(out, `${block}.2`, config);
  }
  out.set('decoder.final_layer_norm.weight', [config.dModel]);
  if (!config.tieWordEmbeddings) out.set('lm_head.weight', [config.vocabSize, config.dModel]);
  return out;
}

export function countParams(shapes: ParamShapes): number {
  let total = 0;
  for (const shape of shapes.values()) total += elementCount(shape);
  return total;
}

/** True for parameters that should not get weight decay (RMS norm scales). */
export function isNormParam(name: string): boolean {
  return name.endsWith('layer_norm.weight');
}

/**
 * Standard deviation HF's `_init_weights` gives each parameter (factor f = initializer_factor):
 * embeddings and lm_head f·1; q f·(D·Dk)^-½; k, v, wi f·D^-½; o f·(H·Dk)^-½; wo f·F^-½;
 * relative bias f·D^-½; norms are constant f (returned as a negative marker: see initialValue).
 */
function initStd(name: string, config: T5Config): number {
  const f = config.initializerFactor;
  if (name === 'shared.weight' || name === 'lm_head.weight') return f;
  if (name.endsWith('.q.weight')) return f * (config.dModel * config.dKv) ** -0.5;
  if (name.endsWith('.k.weight') || name.endsWith('.v.weight')) return f * config.dModel ** -0.5;
  if (name.endsWith('.o.weight')) return f * innerDim(config) ** -0.5;
  if (name.includes('.wi')) return f * config.dModel ** -0.5;
  if (name.endsWith('.wo.weight')) return f * config.dFf ** -0.5;
  if (name.endsWith('relative_attention_bias.weight')) return f * config.dModel ** -0.5;
  throw new Error(`No init rule for parameter '${name}'`);
}

/**
 * Deterministic random weights for a config: same seed → same bytes. Each parameter draws
 * from its own stream (seed mixed with its name) so adding layers does not shift others.
 */
export function randomT5Params(config: T5Config, seed = 0): Map<string, Float32Array> {
  const out = new Map<string, Float32Array>();
  for (const [name, shape] of t5ParamShapes(config)) {
    const data = new Float32Array(elementCount(shape));
    if (isNormParam(name)) {
      data.fill(config.initializerFactor);
    } else {
      const rng = Rng.fromString(`${seed}:${name}`);
      const std = initStd(name, config);
      for (let i = 0; i < data.length; i++) data[i] = rng.normal() * std;
    }
    out.set(name, data);
  }
  return out;
}
