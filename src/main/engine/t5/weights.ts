// Load and save the weights of a Hugging Face T5 folder: `model.safetensors` or a sharded
// `model.safetensors.index.json`, tied-embedding aliases present or absent, every tensor
// checked against the config (and, for a model to use, every value finite), read tensor by
// tensor (files over 2 GiB included), and the same layout written back atomically.
// Reference: HF `modeling_utils.save_pretrained` (index json {"metadata": {"total_size"},
// "weight_map"}; tied duplicates dropped) and `_tied_weights_keys` of T5ForConditionalGeneration.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { T5Config } from './config';
import { loadT5Config, toHfConfigJson } from './config';
import { EMBEDDING_ALIASES, IGNORED_ON_LOAD, t5ParamShapes } from './params';
import type { LoadedSafetensors, TensorEntry, TensorToWrite, WritableDtype } from '../formats/safetensors';
import {
  encodeSafetensors,
  isShardFileName,
  readSafetensorsFile,
  readTensor,
  writeFileAtomic,
} from '../formats/safetensors';
import { countNonFinite, nonFiniteWeightsProblem } from '../formats/nonFinite';
import { onnxGraphs, onnxOnlyAdvice } from '../formats/onnxOnly';
import { elementCount } from '../shape';

export const SINGLE_FILE = 'model.safetensors';
export const INDEX_FILE = 'model.safetensors.index.json';

/** How the weights were laid out on disk, so saving reproduces it. */
export interface WeightLayout {
  /** Names the shared embedding was stored under (HF's own saves keep only `shared.weight`). */
  readonly embeddingNames: readonly string[];
  /** A tied model whose file also carried `lm_head.weight` (older checkpoints). */
  readonly hasTiedLmHead: boolean;
  /** Sharded folders: tensor name → shard file; null for a single `model.safetensors`. */
  readonly shards: ReadonlyMap<string, string> | null;
}

export const DEFAULT_LAYOUT: WeightLayout = { embeddingNames: ['shared.weight'], hasTiedLmHead: false, shards: null };

/** Canonical parameters (see params.ts) as float32 plus the layout they came from. */
export interface T5Weights {
  readonly params: Map<string, Float32Array>;
  readonly layout: WeightLayout;
}

export class T5WeightsError extends Error {
  override name = 'T5WeightsError';
}

function conversionHelp(dir: string, found: string): string {
  return (
    `${dir} has ${found} but no ${SINGLE_FILE} or ${INDEX_FILE}. Spanfill reads safetensors only ` +
    `(pickle files can run code and need PyTorch). Convert once with Python transformers:\n` +
    `  python -c "from transformers import T5ForConditionalGeneration as M; ` +
    `M.from_pretrained('${dir}').save_pretrained('${dir}', safe_serialization=True)"`
  );
}

interface Located {
  readonly entry: TensorEntry;
  readonly file: LoadedSafetensors;
  readonly shard: string;
}

function readShardIndex(dir: string): Map<string, string> {
  const path = join(dir, INDEX_FILE);
  let json: { weight_map?: unknown };
  try {
    json = JSON.parse(readFileSync(path, 'utf8')) as { weight_map?: unknown };
  } catch (error) {
    throw new T5WeightsError(`${path} is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof json.weight_map !== 'object' || json.weight_map === null) {
    throw new T5WeightsError(`${path} has no "weight_map" object mapping tensor names to shard files`);
  }
  const entries = Object.entries(json.weight_map as Record<string, unknown>);
  const bad = entries.find(([, shard]) => typeof shard !== 'string' || shard === '');
  if (bad) {
    throw new T5WeightsError(
      `${path} maps '${bad[0]}' to ${JSON.stringify(bad[1])}; expected a shard file name such as "model-00001-of-00002.safetensors"`,
    );
  }
  // Shards are files of the folder (the rule a Hub pull applies), never a path out of it.
  const outside = entries.find(([, shard]) => !isShardFileName(shard as string));
  if (outside) {
    throw new T5WeightsError(
      `${INDEX_FILE} in ${dir} maps '${outside[0]}' to ${JSON.stringify(outside[1])}; a shard must be a file in the folder, named like "model-00001-of-00002.safetensors"`,
    );
  }
  return new Map(entries as [string, string][]);
}

/**
 * Reads the folder's safetensors headers, locates each tensor and checks the names and shapes
 * against `config` (loadT5Config(dir) by default) as loading does, without reading a weight:
 * throws what loading the weights would meet first (models show's Health line), a config.json
 * swapped for one of another shape included.
 */
export function checkT5WeightFiles(dir: string, config: T5Config = loadT5Config(dir)): void {
  checkTensors(dir, config, locateTensors(dir).located);
}

/** Open every safetensors file of the folder and locate each tensor. */
function locateTensors(dir: string): { located: Map<string, Located>; shards: Map<string, string> | null } {
  const located = new Map<string, Located>();
  if (existsSync(join(dir, SINGLE_FILE))) {
    const file = readSafetensorsFile(join(dir, SINGLE_FILE));
    for (const [name, entry] of file.header.entries) located.set(name, { entry, file, shard: SINGLE_FILE });
    return { located, shards: null };
  }
  if (existsSync(join(dir, INDEX_FILE))) {
    const shards = readShardIndex(dir);
    const files = new Map<string, LoadedSafetensors>();
    for (const shard of new Set(shards.values())) {
      if (!existsSync(join(dir, shard))) {
        throw new T5WeightsError(`${INDEX_FILE} in ${dir} lists shard '${shard}', which is not in the folder`);
      }
      files.set(shard, readSafetensorsFile(join(dir, shard)));
    }
    for (const [name, shard] of shards) {
      const file = files.get(shard) as LoadedSafetensors;
      const entry = file.header.entries.get(name);
      if (!entry)
        throw new T5WeightsError(
          `${INDEX_FILE} in ${dir} puts '${name}' in '${shard}', but that shard has no such tensor`,
        );
      located.set(name, { entry, file, shard });
    }
    return { located, shards };
  }
  const listing = existsSync(dir) ? readdirSync(dir) : null;
  if (listing === null) throw new T5WeightsError(`Model folder ${dir} does not exist`);
  const legacy = listing.filter((f) =>
    /^pytorch_model.*\.bin(\.index\.json)?$|^tf_model\.h5$|^flax_model\.msgpack$/.test(f),
  );
  if (legacy.length > 0) throw new T5WeightsError(conversionHelp(dir, legacy.join(', ')));
  const graphs = onnxGraphs([...listing, ...subfolderFiles(dir, 'onnx')]);
  if (graphs.length > 0) throw new T5WeightsError(`No ${SINGLE_FILE} in ${dir}: ${onnxOnlyAdvice(graphs)}`);
  throw new T5WeightsError(
    `No ${SINGLE_FILE} or ${INDEX_FILE} in ${dir}; found: ${listing.join(', ') || '(empty folder)'}`,
  );
}

/** The files of `dir/sub` as `sub/name`, or none when it is not a folder. */
function subfolderFiles(dir: string, sub: string): string[] {
  try {
    return readdirSync(join(dir, sub)).map((name) => `${sub}/${name}`);
  } catch {
    return [];
  }
}

/** Tensors a list names before "and N more": a config.json of another shape misfits every one. */
const LISTED_TENSORS = 3;

/** "\n  label (N): a; b; c; and N-3 more" (`;`: a misshapen tensor's shapes hold commas); nothing for none. */
function listProblems(label: string, items: readonly string[]): string {
  if (items.length === 0) return '';
  const more = items.length - LISTED_TENSORS;
  const shown = more > 1 ? [...items.slice(0, LISTED_TENSORS), `and ${more} more`] : items;
  return `\n  ${label} (${items.length}): ${shown.join('; ')}`;
}

const sameShape = (a: readonly number[], b: readonly number[]): boolean =>
  a.length === b.length && a.every((v, i) => v === b[i]);

/** Check names and shapes; throw one error listing every missing, extra and misshapen tensor. */
function checkTensors(dir: string, config: T5Config, located: ReadonlyMap<string, Located>): void {
  const expected = new Map(t5ParamShapes(config));
  const allowed = new Map(expected);
  for (const alias of EMBEDDING_ALIASES) allowed.set(alias, expected.get('shared.weight') as number[]);
  if (config.tieWordEmbeddings) allowed.set('lm_head.weight', [config.vocabSize, config.dModel]);
  const missing: string[] = [];
  const extra: string[] = [];
  const misshapen: string[] = [];
  for (const name of expected.keys()) {
    if (name === 'shared.weight' && EMBEDDING_ALIASES.some((alias) => located.has(alias))) continue;
    if (!located.has(name)) missing.push(name);
  }
  for (const [name, { entry }] of located) {
    const shape = allowed.get(name);
    if (!shape) {
      if (!IGNORED_ON_LOAD.test(name)) extra.push(name);
    } else if (!sameShape(shape, entry.shape)) {
      misshapen.push(`${name} [${entry.shape.join(', ')}] (expected [${shape.join(', ')}])`);
    }
  }
  if (missing.length + extra.length + misshapen.length === 0) return;
  throw new T5WeightsError(
    `Weights in ${dir} do not match its config.json (d_model ${config.dModel}, ${config.numLayers} encoder + ` +
      `${config.numDecoderLayers} decoder layers, ${config.feedForwardProj}, ` +
      `${config.tieWordEmbeddings ? 'tied' : 'untied'} embeddings, vocab ${config.vocabSize}):` +
      listProblems('missing', missing) +
      listProblems('extra', extra) +
      listProblems('misshapen', misshapen),
  );
}

export interface LoadWeightsOptions {
  /**
   * Refuse a NaN or infinite value, naming the file and tensor (loadT5Model does, for every model
   * used or imported). Off for callers that refuse such values in their own words (checkpoints).
   */
  readonly refuseNonFinite?: boolean;
}

/** Load and check the weights of `dir` against `config` (from loadT5Config(dir) by default). */
export function loadT5Weights(
  dir: string,
  config: T5Config = loadT5Config(dir),
  options: LoadWeightsOptions = {},
): T5Weights {
  const { located, shards } = locateTensors(dir);
  checkTensors(dir, config, located);
  const params = new Map<string, Float32Array>();
  const embeddingNames = EMBEDDING_ALIASES.filter((alias) => located.has(alias));
  for (const name of t5ParamShapes(config).keys()) {
    const source = name === 'shared.weight' ? embeddingNames[0] : name;
    const { file, entry } = located.get(source) as Located;
    const data = readTensor(file, source);
    const nonFinite = options.refuseNonFinite ? countNonFinite(data) : 0;
    if (nonFinite > 0) throw new T5WeightsError(nonFiniteWeightsProblem(file.path, source, entry.dtype, nonFinite));
    params.set(name, data);
  }
  const hasTiedLmHead = config.tieWordEmbeddings && located.has('lm_head.weight');
  return { params, layout: { embeddingNames, hasTiedLmHead, shards } };
}

/** The tensors to store for `params` in `layout`, with the shard each goes to. */
function tensorsToWrite(config: T5Config, weights: T5Weights): { tensor: TensorToWrite; shard: string }[] {
  const shapes = t5ParamShapes(config);
  const { layout } = weights;
  const shardOf = (name: string): string =>
    layout.shards?.get(name) ?? layout.shards?.values().next().value ?? SINGLE_FILE;
  const out: { tensor: TensorToWrite; shard: string }[] = [];
  const add = (name: string, source: string): void => {
    const data = weights.params.get(source);
    const shape = shapes.get(source);
    if (!data || !shape) throw new T5WeightsError(`Cannot save: parameter '${source}' is missing from the weights`);
    out.push({ tensor: { name, shape, data }, shard: shardOf(name) });
  };
  for (const name of shapes.keys()) {
    if (name === 'shared.weight') {
      for (const alias of layout.embeddingNames.length > 0 ? layout.embeddingNames : ['shared.weight'])
        add(alias, name);
    } else {
      add(name, name);
    }
  }
  if (config.tieWordEmbeddings && layout.hasTiedLmHead) add('lm_head.weight', 'shared.weight');
  return out;
}

/**
 * Write the weights of `config` into `dir` in `weights.layout` (single file or the same shards
 * plus index), F32 unless asked otherwise, each file atomically; the index is written last.
 */
export function saveT5Weights(dir: string, config: T5Config, weights: T5Weights, dtype: WritableDtype = 'F32'): void {
  const byShard = new Map<string, TensorToWrite[]>();
  for (const { tensor, shard } of tensorsToWrite(config, weights)) {
    byShard.set(shard, [...(byShard.get(shard) ?? []), tensor]);
  }
  const weightMap: Record<string, string> = {};
  let totalSize = 0;
  const bytesPerValue = dtype === 'F32' ? 4 : 2;
  for (const [shard, tensors] of byShard) {
    writeFileAtomic(join(dir, shard), encodeSafetensors(tensors, dtype));
    for (const tensor of tensors) {
      weightMap[tensor.name] = shard;
      totalSize += tensor.data.length * bytesPerValue;
    }
  }
  if (weights.layout.shards) {
    const sortedMap = Object.fromEntries(Object.entries(weightMap).sort(([a], [b]) => (a < b ? -1 : 1)));
    const index = { metadata: { total_size: totalSize }, weight_map: sortedMap };
    writeFileAtomic(join(dir, INDEX_FILE), [Buffer.from(JSON.stringify(index, null, 2) + '\n', 'utf8')]);
  }
}

/**
 * Weights from the trainer's parameter record (optim `getState().params`, float32 host
 * tensors by HF name), checked against the config, ready for saveT5Model or T5Runtime.
 */
export function weightsFromParams(
  config: T5Config,
  params: Readonly<Record<string, { readonly data: unknown }>>,
  layout: WeightLayout = DEFAULT_LAYOUT,
): T5Weights {
  const out = new Map<string, Float32Array>();
  for (const [name, shape] of t5ParamShapes(config)) {
    const data = params[name]?.data;
    const size = elementCount(shape);
    if (!(data instanceof Float32Array) || data.length !== size) {
      const got =
        data instanceof Float32Array ? `${data.length} floats` : data === undefined ? 'nothing' : 'a non-float32 array';
      throw new T5WeightsError(
        `Parameter '${name}' should be float32 [${shape.join(', ')}] (${size} floats); got ${got}`,
      );
    }
    out.set(name, data);
  }
  return { params: out, layout };
}

/** Load `config.json` and the weights of a HF T5 folder. */
export function loadT5Model(dir: string): { config: T5Config; weights: T5Weights } {
  const config = loadT5Config(dir);
  return { config, weights: loadT5Weights(dir, config, { refuseNonFinite: true }) };
}

/**
 * Write `config.json` and the weights (tokenizer files are the caller's business). Pass the
 * source folder's parsed config.json as `baseConfig` to keep keys Spanfill does not model
 * (task_specific_params, _name_or_path, …); the modelled fields are overwritten.
 */
export function saveT5Model(
  dir: string,
  config: T5Config,
  weights: T5Weights,
  options: { dtype?: WritableDtype; baseConfig?: Record<string, unknown> } = {},
): void {
  saveT5Weights(dir, config, weights, options.dtype ?? 'F32');
  saveT5Config(dir, config, options.baseConfig, options.dtype ?? 'F32');
}

const TORCH_DTYPES: Record<WritableDtype, string> = { F32: 'float32', F16: 'float16', BF16: 'bfloat16' };

/**
 * `config` as config.json keys over `baseConfig`'s other keys: every setting written out, those
 * the source left to a default included (t5-small's config.json has no num_decoder_layers, which
 * transformers.js then reads as 0 decoder layers). With `weightsDtype`, the source's torch_dtype
 * and the newer "dtype" (where it has them; absent, transformers goes by the weights) name the
 * dtype the weights are written in: a source's "bfloat16" kept over float32 weights makes
 * Python's dtype="auto" load them at lower precision.
 */
export function hfConfigOver(
  config: T5Config,
  baseConfig: Record<string, unknown>,
  weightsDtype?: WritableDtype,
): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...baseConfig, ...toHfConfigJson(config) };
  // An mT5 folder stays mT5 (same computation, but transformers picks its MT5 classes by these).
  for (const key of ['model_type', 'architectures']) if (baseConfig[key] !== undefined) merged[key] = baseConfig[key];
  if (weightsDtype)
    for (const key of ['torch_dtype', 'dtype'])
      if (baseConfig[key] !== undefined) merged[key] = TORCH_DTYPES[weightsDtype];
  return merged;
}

/**
 * `config` as the folder's config.json, over `baseConfig`'s other keys (saveT5Model's, or a
 * config without weights); `weightsDtype`: the dtype of the weights written beside it.
 */
export function saveT5Config(
  dir: string,
  config: T5Config,
  baseConfig: Record<string, unknown> = {},
  weightsDtype?: WritableDtype,
): void {
  const json = JSON.stringify(hfConfigOver(config, baseConfig, weightsDtype), null, 2) + '\n';
  writeFileAtomic(join(dir, 'config.json'), [Buffer.from(json, 'utf8')]);
}
