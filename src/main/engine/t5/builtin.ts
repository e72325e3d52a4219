// Built-in models that need no download: `builtin:byt5-tiny`, a small T5 v1.1-style model over
// UTF-8 bytes (the ByT5 vocabulary of data/tokenizer.ts) with seeded random weights. Its one
// definition is resources/models/byt5-tiny.json (bundled into the build by this import);
// materializeBuiltinModel writes it out as an ordinary HF folder under the data directory, so
// every command and the trainer treat it like any model folder. A run may also start from
// `preset:NAME` (a T5 shape of config.ts) with a chosen tokenizer: preset.ts, the same writer.
// A definition's `init` departs from HF's init scales (params.ts) where measured to train faster
// (resources/README.md). References: ByT5, Xue et al. 2021 (arXiv:2105.13626) for the vocabulary
// layout; T5X (google-research/t5x, t5x/examples/t5/layers.py DenseGeneral) for the fan-in
// initialisation of the untied logits layer.

import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import byt5TinyDefinition from '../../../../resources/models/byt5-tiny.json';
import { byteTokenizerJson } from '../data/byteTokenizerFiles';
import { byteTokenizerFiles } from '../data/tokenizerFiles';
import { createByteTokenizer } from '../data/tokenizer';
import type { T5Config } from './config';
import { parseT5Config, T5ConfigError } from './config';
import { randomT5Params } from './params';
import { DEFAULT_LAYOUT, saveT5Model } from './weights';

export const BUILTIN_PREFIX = 'builtin:';
/** What `--model` means when none is given: the built-in byte-level model. */
export const DEFAULT_BUILTIN_MODEL = 'builtin:byt5-tiny';
/** Written last into a materialized folder; a folder without a matching one is rebuilt. */
export const BUILTIN_MARKER = 'spanfill-builtin.json';
/** Bump when the folder's files change shape, so old data directories get rewritten. */
export const FOLDER_FORMAT = 1;

/** Departures from HF's init scales, applied by rescaling the same seeded draws. */
interface BuiltinInit {
  /** "fan_in": an untied lm_head gets std factor·d_model^-½ (T5X) instead of HF's factor·1. */
  readonly lm_head?: string;
  /** Standard deviation of the relative-attention biases (HF: factor·d_model^-½). */
  readonly relative_attention_bias_std?: number;
}

interface BuiltinDefinition {
  readonly name: string;
  readonly description: string;
  readonly seed: number;
  readonly model_max_length: number;
  readonly init?: BuiltinInit;
  readonly config: Record<string, unknown>;
}

const DEFINITIONS: readonly BuiltinDefinition[] = [byt5TinyDefinition];
export const BUILTIN_MODEL_NAMES: readonly string[] = DEFINITIONS.map((d) => `${BUILTIN_PREFIX}${d.name}`);

export function isBuiltinModelName(model: string): boolean {
  return model.startsWith(BUILTIN_PREFIX);
}

function definition(model: string): BuiltinDefinition {
  const found = DEFINITIONS.find((d) => `${BUILTIN_PREFIX}${d.name}` === model);
  if (found === undefined) {
    throw new T5ConfigError(`Unknown built-in model '${model}'; expected one of: ${BUILTIN_MODEL_NAMES.join(', ')}`);
  }
  return found;
}

/** The validated config; its vocabulary and special ids must be the byte tokenizer's. */
export function builtinModelConfig(model: string = DEFAULT_BUILTIN_MODEL): T5Config {
  const config = parseT5Config(definition(model).config);
  const tokenizer = createByteTokenizer();
  const expected = {
    vocab_size: [config.vocabSize, tokenizer.vocabSize],
    pad_token_id: [config.padTokenId, tokenizer.padId],
    eos_token_id: [config.eosTokenId, tokenizer.eosId],
    decoder_start_token_id: [config.decoderStartTokenId, tokenizer.padId],
  };
  for (const [key, [got, want]] of Object.entries(expected)) {
    if (got !== want) {
      throw new T5ConfigError(
        `Built-in model '${model}': ${key} is ${got} but the byte tokenizer needs ${want}; fix resources/models/${definition(model).name}.json`,
      );
    }
  }
  return config;
}

/**
 * Rescales HF-initialised `params` (params.ts: lm_head std factor·1, relative biases
 * factor·d_model^-½) to the stds `init` asks for. NOTE: with HF's std 1 an untied lm_head gives
 * logits of std √d_model (11 for D 128) and a first loss near 35 instead of ln V ≈ 6; the tied
 * model's d_model^-½ rescale, and T5X's fan-in init of its logits layer, give std 1.
 */
export function applyBuiltinInit(params: Map<string, Float32Array>, config: T5Config, init: BuiltinInit = {}): void {
  const scale = (name: string, by: number): void => {
    const w = params.get(name);
    if (w !== undefined) for (let i = 0; i < w.length; i++) w[i] *= by;
  };
  if (init.lm_head !== undefined && init.lm_head !== 'fan_in')
    throw new T5ConfigError(
      `init.lm_head must be "fan_in" (or left out for HF's init), got ${JSON.stringify(init.lm_head)}`,
    );
  if (init.lm_head === 'fan_in') scale('lm_head.weight', config.dModel ** -0.5);
  const biasStd = init.relative_attention_bias_std;
  if (biasStd !== undefined) {
    if (!(biasStd > 0)) throw new T5ConfigError(`init.relative_attention_bias_std must be > 0, got ${biasStd}`);
    const hfStd = config.initializerFactor * config.dModel ** -0.5;
    for (const name of params.keys()) if (name.endsWith('relative_attention_bias.weight')) scale(name, biasStd / hfStd);
  }
}

/** Where `model` lives once materialized: `<dataDir>/models/builtin/<name>`. */
export function builtinModelDir(dataDir: string, model: string = DEFAULT_BUILTIN_MODEL): string {
  return join(dataDir, 'models', 'builtin', definition(model).name);
}

/** Changes whenever the definition, the tokenizer files or the folder format would. */
function builtinFingerprint(def: BuiltinDefinition): string {
  return createHash('sha256')
    .update(JSON.stringify({ format: FOLDER_FORMAT, def, tokenizer: byteTokenizerJson() }))
    .digest('hex');
}

function isCurrent(dir: string, fingerprint: string): boolean {
  try {
    const marker = JSON.parse(readFileSync(join(dir, BUILTIN_MARKER), 'utf8')) as { fingerprint?: unknown };
    return marker.fingerprint === fingerprint;
  } catch {
    return false;
  }
}

const writeJson = (path: string, value: unknown): void => writeFileSync(path, JSON.stringify(value, null, 2) + '\n');

/** Writes `config` with random weights from `seed`, the tokenizer files and a generation config into `dir`. */
function writeRandomModel(
  dir: string,
  config: T5Config,
  seed: number,
  nameOrPath: string,
  writeTokenizer: (dir: string) => void,
  init?: BuiltinInit,
): void {
  const params = randomT5Params(config, seed);
  applyBuiltinInit(params, config, init);
  saveT5Model(dir, config, { params, layout: DEFAULT_LAYOUT }, { baseConfig: { _name_or_path: nameOrPath } });
  writeTokenizer(dir);
  writeJson(join(dir, 'generation_config.json'), {
    decoder_start_token_id: config.decoderStartTokenId,
    eos_token_id: config.eosTokenId,
    pad_token_id: config.padTokenId,
  });
}

export function writeByteTokenizer(dir: string, modelMaxLength: number): void {
  for (const file of byteTokenizerFiles(modelMaxLength)) writeFileSync(join(dir, file.name), file.bytes);
}

/**
 * Builds a folder with `write` beside `dir` and renames it into place unless an up-to-date one
 * (marker with `fingerprint`, written last) is there, so a crash never leaves half a model
 * where a loader would find it.
 */
export function materializeFolder(
  dir: string,
  fingerprint: string,
  marker: Record<string, unknown>,
  write: (temp: string) => void,
): string {
  if (isCurrent(dir, fingerprint)) return dir;
  const temp = `${dir}.${process.pid}.${Date.now()}.tmp`;
  mkdirSync(temp, { recursive: true });
  try {
    write(temp);
    writeJson(join(temp, BUILTIN_MARKER), { ...marker, fingerprint });
    if (existsSync(dir)) rmSync(dir, { recursive: true, force: true });
    renameSync(temp, dir);
  } catch (error) {
    rmSync(temp, { recursive: true, force: true });
    // NOTE: another process may have materialized the same folder between our check and rename.
    if (isCurrent(dir, fingerprint)) return dir;
    throw error;
  }
  return dir;
}

/** Writes `config` with seeded random weights and the tokenizer files as an HF folder at `dir`. */
export function materializeRandomModel(
  dir: string,
  source: {
    readonly config: T5Config;
    readonly seed: number;
    readonly name: string;
    readonly fingerprint: string;
    readonly marker: Record<string, unknown>;
    readonly writeTokenizer: (dir: string) => void;
    readonly init?: BuiltinInit;
  },
): string {
  return materializeFolder(
    dir,
    source.fingerprint,
    { model: source.name, seed: source.seed, ...source.marker },
    (temp) => writeRandomModel(temp, source.config, source.seed, source.name, source.writeTokenizer, source.init),
  );
}

/**
 * Write the built-in model's HF folder under `dataDir` unless an up-to-date one is there, and
 * return its path. Same definition → same bytes (weights from the definition's seed).
 */
export function materializeBuiltinModel(dataDir: string, model: string = DEFAULT_BUILTIN_MODEL): string {
  const def = definition(model);
  return materializeRandomModel(builtinModelDir(dataDir, model), {
    config: builtinModelConfig(model),
    seed: def.seed,
    name: model,
    fingerprint: builtinFingerprint(def),
    marker: { description: def.description },
    writeTokenizer: (dir) => writeByteTokenizer(dir, def.model_max_length),
    init: def.init,
  });
}
