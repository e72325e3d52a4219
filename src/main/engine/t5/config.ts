// T5 configuration: parse and validate a Hugging Face `config.json`, plus named presets with
// the real shapes of the public checkpoints so a randomly initialised model of real size can
// be built without a download. Not the weights (weights.ts) nor the graphs (model.ts).
// Reference: HF transformers `models/t5/configuration_t5.py` (T5Config field names/defaults).

import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { T5_SHAPE_NAMES, type T5ShapeName } from '../../../shared/contract/runs';
import { isByT5Folder } from '../data/byt5Folder';
import { BYTE_TOKENIZER_EXTRA_IDS, type TextTokenizer } from '../data/tokenizer';
import { exactBucketSpan, MIN_RELATIVE_BUCKETS } from './buckets';

export type FeedForwardProj = 'relu' | 'gated-gelu';
export const SUPPORTED_FEED_FORWARD: readonly FeedForwardProj[] = ['relu', 'gated-gelu'];

export interface T5Config {
  readonly dModel: number; // D
  readonly dFf: number; // F
  readonly dKv: number; // Dk
  readonly numHeads: number; // H
  readonly numLayers: number; // encoder blocks
  readonly numDecoderLayers: number; // decoder blocks
  readonly vocabSize: number; // V
  readonly feedForwardProj: FeedForwardProj;
  /** v1.0: lm_head shares `shared.weight` and the decoder output is scaled by D^-0.5. */
  readonly tieWordEmbeddings: boolean;
  readonly relativeAttentionNumBuckets: number; // R
  readonly relativeAttentionMaxDistance: number;
  readonly layerNormEpsilon: number;
  readonly dropoutRate: number;
  readonly padTokenId: number;
  /** The first of eosTokenIds: what a prompt ends with. */
  readonly eosTokenId: number;
  /** Every id that ends generation (config.json's eos_token_id may be a list). */
  readonly eosTokenIds: readonly number[];
  readonly decoderStartTokenId: number;
  readonly initializerFactor: number;
}

export class T5ConfigError extends Error {
  override name = 'T5ConfigError';
}

type Json = Record<string, unknown>;

function intField(raw: Json, key: string, fallback?: number): number {
  const value = raw[key] ?? fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    throw new T5ConfigError(`config.json: ${key} must be a positive integer; got ${JSON.stringify(raw[key])}`);
  }
  return value;
}

const isTokenId = (value: unknown): value is number =>
  typeof value === 'number' && Number.isInteger(value) && value >= 0;

function idField(raw: Json, key: string, fallback: number): number {
  const value = raw[key] ?? fallback;
  if (!isTokenId(value)) {
    throw new T5ConfigError(
      `config.json: ${key} must be a non-negative integer token id; got ${JSON.stringify(raw[key])}`,
    );
  }
  return value;
}

/** eos_token_id: one id or, as HF allows, a list of them (generation stops on any). */
function eosIdsField(raw: Json): number[] {
  const value = raw.eos_token_id ?? 1;
  const ids: unknown[] = Array.isArray(value) ? value : [value];
  if (ids.length === 0 || !ids.every(isTokenId)) {
    throw new T5ConfigError(
      `config.json: eos_token_id must be a non-negative integer token id or a non-empty list of them; got ${JSON.stringify(raw.eos_token_id)}`,
    );
  }
  return ids as number[];
}

function numberField(raw: Json, key: string, fallback: number, min: number, max: number): number {
  const value = raw[key] ?? fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw new T5ConfigError(
      `config.json: ${key} must be a number in [${min}, ${max}]; got ${JSON.stringify(raw[key])}`,
    );
  }
  return value;
}

/**
 * HF spells the FFN either as `feed_forward_proj` ("relu", "gated-gelu") or, in newer files,
 * also as `dense_act_fn` + `is_gated_act`. Both must agree with what we can build.
 */
function parseFeedForward(raw: Json): FeedForwardProj {
  const proj = raw.feed_forward_proj ?? 'relu';
  if (typeof proj !== 'string' || !(SUPPORTED_FEED_FORWARD as readonly string[]).includes(proj)) {
    throw new T5ConfigError(
      `Unsupported feed_forward_proj ${JSON.stringify(proj)}; expected one of: ${SUPPORTED_FEED_FORWARD.join(', ')}`,
    );
  }
  const act = raw.dense_act_fn;
  const expectedAct = proj === 'relu' ? ['relu'] : ['gelu_new', 'gelu_pytorch_tanh'];
  if (act !== undefined && !expectedAct.includes(String(act))) {
    throw new T5ConfigError(
      `Unsupported dense_act_fn ${JSON.stringify(act)} with feed_forward_proj '${proj}'; expected one of: ${expectedAct.join(', ')}`,
    );
  }
  const isGated = raw.is_gated_act;
  if (isGated !== undefined && isGated !== (proj === 'gated-gelu')) {
    throw new T5ConfigError(
      `Unsupported is_gated_act ${JSON.stringify(isGated)} with feed_forward_proj '${proj}'; expected one of: ${proj === 'gated-gelu'}`,
    );
  }
  return proj as FeedForwardProj;
}

/**
 * tie_word_embeddings when config.json leaves it out, as HF transformers 4.x reads it: MT5Config
 * declares `tie_word_embeddings=False` (models/mt5/configuration_mt5.py), T5Config declares none
 * and so takes PretrainedConfig's True (models/t5/configuration_t5.py). An untied mT5 read as tied
 * would ignore its lm_head.weight. A folder that says tied but also holds an lm_head.weight is
 * tied as HF ties it: the output layer is shared.weight and that lm_head.weight is not used.
 */
function isTiedByDefault(modelType: unknown): boolean {
  return modelType !== 'mt5';
}

/** Bucket settings the bucket formula is defined for (buckets.ts exactBucketSpan says why). */
function checkBuckets(numBuckets: number, maxDistance: number): void {
  if (numBuckets % 2 !== 0) {
    throw new T5ConfigError(
      `config.json: relative_attention_num_buckets must be even (half per direction in the encoder); got ${numBuckets}`,
    );
  }
  if (numBuckets < MIN_RELATIVE_BUCKETS) {
    throw new T5ConfigError(
      `config.json: relative_attention_num_buckets must be at least ${MIN_RELATIVE_BUCKETS} (a bucket of exact ` +
        `distance and one of farther ones per direction in the encoder); got ${numBuckets}`,
    );
  }
  const span = exactBucketSpan(numBuckets);
  if (maxDistance <= span) {
    throw new T5ConfigError(
      `config.json: relative_attention_max_distance must be more than relative_attention_num_buckets / 2 ` +
        `(${span}, the span of the decoder's exact buckets); got ${maxDistance}`,
    );
  }
}

/** Validate a parsed `config.json` object. Unknown extra keys are ignored. */
export function parseT5Config(raw: unknown): T5Config {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new T5ConfigError(`config.json must be a JSON object; got ${JSON.stringify(raw)}`);
  }
  const json = raw as Json;
  const modelType = json.model_type;
  const supportedTypes = ['t5', 'mt5'];
  if (modelType !== undefined && !supportedTypes.includes(String(modelType))) {
    throw new T5ConfigError(
      `Unsupported model_type ${JSON.stringify(modelType)}; expected one of: ${supportedTypes.join(', ')}`,
    );
  }
  if (json.is_encoder_decoder === false) {
    throw new T5ConfigError(
      'Unsupported is_encoder_decoder false; expected one of: true (encoder-only T5 is not supported)',
    );
  }
  const numLayers = intField(json, 'num_layers', 6);
  const eosTokenIds = eosIdsField(json);
  const config: T5Config = {
    dModel: intField(json, 'd_model', 512),
    dFf: intField(json, 'd_ff', 2048),
    dKv: intField(json, 'd_kv', 64),
    numHeads: intField(json, 'num_heads', 8),
    numLayers,
    numDecoderLayers: json.num_decoder_layers == null ? numLayers : intField(json, 'num_decoder_layers'),
    vocabSize: intField(json, 'vocab_size', 32128),
    feedForwardProj: parseFeedForward(json),
    tieWordEmbeddings:
      json.tie_word_embeddings === undefined ? isTiedByDefault(modelType) : json.tie_word_embeddings === true,
    relativeAttentionNumBuckets: intField(json, 'relative_attention_num_buckets', 32),
    relativeAttentionMaxDistance: intField(json, 'relative_attention_max_distance', 128),
    layerNormEpsilon: numberField(json, 'layer_norm_epsilon', 1e-6, 0, 1),
    dropoutRate: numberField(json, 'dropout_rate', 0.1, 0, 0.99),
    padTokenId: idField(json, 'pad_token_id', 0),
    eosTokenId: eosTokenIds[0],
    eosTokenIds,
    decoderStartTokenId: idField(json, 'decoder_start_token_id', 0),
    initializerFactor: numberField(json, 'initializer_factor', 1, 0, 1e6),
  };
  if (typeof json.tie_word_embeddings !== 'undefined' && typeof json.tie_word_embeddings !== 'boolean') {
    throw new T5ConfigError(
      `config.json: tie_word_embeddings must be true or false; got ${JSON.stringify(json.tie_word_embeddings)}`,
    );
  }
  checkBuckets(config.relativeAttentionNumBuckets, config.relativeAttentionMaxDistance);
  return config;
}

/** Serialise back to HF `config.json` field names (what `save_pretrained` writes). */
export function toHfConfigJson(config: T5Config): Record<string, unknown> {
  const gated = config.feedForwardProj === 'gated-gelu';
  return {
    architectures: ['T5ForConditionalGeneration'],
    model_type: 't5',
    d_model: config.dModel,
    d_ff: config.dFf,
    d_kv: config.dKv,
    num_heads: config.numHeads,
    num_layers: config.numLayers,
    num_decoder_layers: config.numDecoderLayers,
    vocab_size: config.vocabSize,
    feed_forward_proj: config.feedForwardProj,
    dense_act_fn: gated ? 'gelu_new' : 'relu',
    is_gated_act: gated,
    tie_word_embeddings: config.tieWordEmbeddings,
    relative_attention_num_buckets: config.relativeAttentionNumBuckets,
    relative_attention_max_distance: config.relativeAttentionMaxDistance,
    layer_norm_epsilon: config.layerNormEpsilon,
    dropout_rate: config.dropoutRate,
    pad_token_id: config.padTokenId,
    eos_token_id: config.eosTokenIds.length > 1 ? [...config.eosTokenIds] : config.eosTokenId,
    decoder_start_token_id: config.decoderStartTokenId,
    initializer_factor: config.initializerFactor,
    is_encoder_decoder: true,
  };
}

/** Refuses a tokenizer with more ids than the model's vocabulary (its ids past vocab_size have no embedding). */
export function checkTokenizerFits(tokenizer: TextTokenizer, config: T5Config, modelDir: string): void {
  if (tokenizer.vocabSize <= config.vocabSize) return;
  // A ByT5 folder has no tokenizer.json: its tokenizer is the byte-level one, of fixed size.
  const which = isByT5Folder(modelDir)
    ? `The ByT5 tokenizer of ${modelDir} (no tokenizer.json: 256 bytes, 3 special tokens and ` +
      `${BYTE_TOKENIZER_EXTRA_IDS} <extra_id_N>, whatever extra_ids tokenizer_config.json gives)`
    : `The tokenizer.json in ${modelDir}`;
  throw new T5ConfigError(
    `${which} has ${tokenizer.vocabSize} token ids but config.json's vocab_size is ${config.vocabSize}; the tokenizer does not belong to this model`,
  );
}

/**
 * What is wrong with `dir` as a model folder before its files are read: that it does not exist,
 * or is a file; null for a folder. The loader and the export service (which refuses a source
 * before it writes anything) say it in the same words.
 */
export function modelFolderProblem(dir: string): string | null {
  if (!existsSync(dir)) return `Model folder ${dir} does not exist`;
  if (!statSync(dir).isDirectory())
    return `${dir} is a file; give the model folder that holds config.json and the weights`;
  return null;
}

/** Read and validate `<dir>/config.json`. */
export function loadT5Config(dir: string): T5Config {
  const problem = modelFolderProblem(dir);
  if (problem !== null) throw new T5ConfigError(problem);
  const path = join(dir, 'config.json');
  if (!existsSync(path)) {
    throw new T5ConfigError(`No config.json in ${dir}; a Hugging Face T5 folder needs config.json next to the weights`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new T5ConfigError(`${path} is not valid JSON: ${(error as Error).message}`);
  }
  try {
    return parseT5Config(raw);
  } catch (error) {
    // Name the file: with several model folders about, "config.json: d_model …" is ambiguous.
    if (!(error instanceof T5ConfigError)) throw error;
    throw new T5ConfigError(`${path}: ${error.message.replace(/^config\.json:? /, '')}`);
  }
}

const V1_0 = { feed_forward_proj: 'relu', tie_word_embeddings: true, d_kv: 64, vocab_size: 32128 };
const V1_1 = { feed_forward_proj: 'gated-gelu', tie_word_embeddings: false, d_kv: 64, vocab_size: 32128 };

/** Real shapes of public checkpoints (from their config.json files on the HF hub). */
const PRESETS = {
  't5-small': { ...V1_0, d_model: 512, d_ff: 2048, num_heads: 8, num_layers: 6 },
  't5-base': { ...V1_0, d_model: 768, d_ff: 3072, num_heads: 12, num_layers: 12 },
  't5-v1_1-small': { ...V1_1, d_model: 512, d_ff: 1024, num_heads: 6, num_layers: 8 },
  'flan-t5-small': { ...V1_1, d_model: 512, d_ff: 1024, num_heads: 6, num_layers: 8 },
  'flan-t5-base': { ...V1_1, d_model: 768, d_ff: 2048, num_heads: 12, num_layers: 12 },
} as const satisfies Record<T5ShapeName, object>;

/** The contract's list of shapes (the Train screen offers them); PRESETS has exactly these. */
export type T5PresetName = T5ShapeName;
export const T5_PRESET_NAMES: readonly T5PresetName[] = T5_SHAPE_NAMES;

export function t5Preset(name: string): T5Config {
  if (!Object.hasOwn(PRESETS, name)) {
    throw new T5ConfigError(`Unknown T5 preset '${name}'; expected one of: ${T5_PRESET_NAMES.join(', ')}`);
  }
  return parseT5Config(PRESETS[name as T5PresetName]);
}

/** Width of the concatenated attention heads, H·Dk (may differ from D, e.g. t5-tiny-gated). */
export function innerDim(config: T5Config): number {
  return config.numHeads * config.dKv;
}
