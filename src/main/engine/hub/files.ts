// Which files of a Hub repository Spanfill fetches: the config, the safetensors weights (one
// file, or the sharded index and the shards it names) and the fast-tokenizer files, or for a
// ByT5 repository its tokenizer_config.json. A repository without what Spanfill can read gets
// a message naming the missing file and how to make it, before the weights are downloaded.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { isByT5Folder } from '../data/byt5Folder';
import { HubError } from './errors';
import { onnxGraphs, onnxOnlyAdvice } from '../formats/onnxOnly';
import { isShardFileName } from '../formats/safetensors';

export const CONFIG_FILE = 'config.json';
export const WEIGHTS_FILE = 'model.safetensors';
export const WEIGHTS_INDEX_FILE = 'model.safetensors.index.json';
export const TOKENIZER_FILE = 'tokenizer.json';
/** Fetched when the repository has them; Spanfill works without them. */
export const OPTIONAL_FILES = ['tokenizer_config.json', 'special_tokens_map.json', 'generation_config.json'] as const;

/** A HubError with code 'missing-files': the repository lacks (or misnames) what Spanfill reads. */
export class MissingFilesError extends HubError {
  override name = 'MissingFilesError';
  constructor(message: string) {
    super('missing-files', message);
  }
}

/** What the conversion needs: transformers reads spiece.model with sentencepiece, protobuf for its format. */
const CONVERSION_PACKAGES = 'pip install transformers sentencepiece protobuf';

/**
 * How tokenizer.json is made from `source`'s spiece.model (a repository id or a folder), lower
 * case (it follows a semicolon): the packages, then the Python on lines of its own. A pull and a
 * model folder (data/missingTokenizer.ts) say it alike.
 */
export function tokenizerJsonRemedy(source: string): string {
  return `make one with Python (${CONVERSION_PACKAGES}):\n${tokenizerJsonRecipe(source)}`;
}

/** Python that writes tokenizer.json next to spiece.model (transformers converts the slow tokenizer). */
function tokenizerJsonRecipe(repoId: string): string {
  return [
    'from transformers import AutoTokenizer',
    `tok = AutoTokenizer.from_pretrained(${JSON.stringify(repoId)}, use_fast=True)  # converts spiece.model`,
    'tok.save_pretrained("my-model")  # writes tokenizer.json; copy the model files there, then `spanfill models import my-model`',
  ].join('\n');
}

/** Python that writes a folder Spanfill imports: safetensors weights and the tokenizer's files (tokenizer.json, or ByT5's config). */
function weightsRecipe(repoId: string): string {
  return [
    'from transformers import AutoTokenizer, T5ForConditionalGeneration',
    `T5ForConditionalGeneration.from_pretrained(${JSON.stringify(repoId)}).save_pretrained("my-model")  # writes model.safetensors`,
    `AutoTokenizer.from_pretrained(${JSON.stringify(repoId)}).save_pretrained("my-model")  # and its tokenizer; then \`spanfill models import my-model\``,
  ].join('\n');
}

/**
 * The files to fetch from `repoFiles` (the repository's file list), in download order: small
 * files first, then the weights. Sharded weights are fetched as the index plus the shards,
 * which `shardsFromIndex` lists once the index is down.
 */
export function selectRepoFiles(repoId: string, repoFiles: readonly string[]): string[] {
  const has = new Set(repoFiles);
  const missing: string[] = [];
  if (!has.has(CONFIG_FILE))
    missing.push(`${CONFIG_FILE} (the model's shape; without it this is not a transformers model)`);
  if (!has.has(WEIGHTS_FILE) && !has.has(WEIGHTS_INDEX_FILE)) {
    const other = repoFiles.filter((f) => /\.(bin|h5|msgpack|ckpt)$/.test(f));
    const graphs = onnxGraphs(repoFiles);
    missing.push(
      `${WEIGHTS_FILE} or ${WEIGHTS_INDEX_FILE}` +
        (other.length > 0
          ? ` (it has ${other.slice(0, 3).join(', ')}, which Spanfill does not read); make one with:\n${weightsRecipe(repoId)}`
          : graphs.length > 0
            ? `: ${onnxOnlyAdvice(graphs)}`
            : ''),
    );
  }
  // A ByT5 repository has no tokenizer.json but a tokenizer_config.json naming its class:
  // checkTokenizer() reads that once it is down, before the weights are fetched.
  const mayBeByT5 = !has.has('spiece.model') && has.has('tokenizer_config.json');
  if (!has.has(TOKENIZER_FILE) && !mayBeByT5) missing.push(missingTokenizer(repoId, has));
  if (missing.length > 0) throw missingFiles(repoId, missing);
  const optional = OPTIONAL_FILES.filter((f) => has.has(f));
  const weights = has.has(WEIGHTS_FILE) ? WEIGHTS_FILE : WEIGHTS_INDEX_FILE;
  return [CONFIG_FILE, ...(has.has(TOKENIZER_FILE) ? [TOKENIZER_FILE] : []), ...optional, weights];
}

function missingFiles(repoId: string, missing: readonly string[]): MissingFilesError {
  return new MissingFilesError(`${repoId} lacks what Spanfill needs:\n- ${missing.join('\n- ')}`);
}

function missingTokenizer(repoId: string, has: ReadonlySet<string>): string {
  return (
    `${TOKENIZER_FILE}` +
    (has.has('spiece.model')
      ? ` (it has only the SentencePiece spiece.model); ${tokenizerJsonRemedy(repoId)}`
      : ' (the fast-tokenizer file); save the tokenizer with transformers save_pretrained()')
  );
}

/**
 * Before the weights: a snapshot folder fetched without tokenizer.json must be a ByT5 one
 * (data/byt5Folder.ts), whose tokenizer Spanfill has; otherwise the pull stops here.
 */
export function checkTokenizer(repoId: string, dir: string): void {
  if (existsSync(join(dir, TOKENIZER_FILE)) || isByT5Folder(dir)) return;
  throw missingFiles(repoId, [missingTokenizer(repoId, new Set())]);
}

/** The shard file names a `model.safetensors.index.json` names, each once, checked to be plain names. */
export function shardsFromIndex(indexText: string, knownFiles: readonly string[]): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(indexText);
  } catch (error) {
    throw new MissingFilesError(`${WEIGHTS_INDEX_FILE} is not valid JSON: ${(error as Error).message}`);
  }
  const map = (parsed as { weight_map?: unknown } | null)?.weight_map;
  if (typeof map !== 'object' || map === null)
    throw new MissingFilesError(`${WEIGHTS_INDEX_FILE} has no "weight_map" object`);
  const shards = [...new Set(Object.values(map as Record<string, unknown>).map(String))];
  const known = new Set(knownFiles);
  for (const shard of shards) {
    if (!isShardFileName(shard) || !known.has(shard))
      throw new MissingFilesError(
        `${WEIGHTS_INDEX_FILE} names shard ${JSON.stringify(shard)}, which the repository does not hold`,
      );
  }
  return shards;
}
