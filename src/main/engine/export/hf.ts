// The files every export shares with an HF folder: config.json (the source's keys kept),
// generation_config.json and the tokenizer files; and the HF export itself, which adds
// model.safetensors written by t5/weights.ts (float32, one file).
// Reference: transformers PreTrainedModel.save_pretrained folder layout.

import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../formats/safetensors';
import { generationConfig } from '../train/checkpoint';
import { TOKENIZER_FILES } from '../data/tokenizer';
import { placeTokenizerFiles, tokenizerFilesOf } from '../data/tokenizerFiles';
import { isByT5Folder } from '../data/byt5Folder';
import { openTokenizer } from '../data/tokenizerRegistry';
import { checkTokenizerFits, type T5Config } from '../t5/config';
import { hfConfigOver, loadT5Model, saveT5Weights } from '../t5/weights';
import { ExportError } from './folder';

export interface ExportProgress {
  readonly stage: string;
  readonly done: number;
  readonly total: number;
}

export interface ExportOptions {
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: ExportProgress) => void;
}

/**
 * The source's model, refused when its tokenizer has more ids than vocab_size: such an export
 * loads but can never fill (t5/config.ts checkTokenizerFits; fill and models import refuse it too).
 * A tokenizer transformers.js cannot open here is left to the exported folder's user (Python's
 * transformers may read it), as before.
 */
export async function readExportSource(source: string): Promise<ReturnType<typeof loadT5Model>> {
  const model = loadT5Model(source);
  if (!existsSync(join(source, 'tokenizer.json')) && !isByT5Folder(source)) return model;
  const tokenizer = await openTokenizer(source).catch(() => null);
  if (tokenizer) checkTokenizerFits(tokenizer, model.config, source);
  return model;
}

/** The dtype of the weights every export writes: model.safetensors and the ONNX graphs are float32. */
export const EXPORT_WEIGHTS_DTYPE = 'F32';

/**
 * An export's config.json: `config` over the source's keys (those Spanfill does not model are
 * kept), its torch_dtype and dtype naming the float32 weights written, not a source's bfloat16
 * (t5/weights.ts hfConfigOver). Every format's config.json is this one.
 */
export function exportConfigJson(source: string, config: T5Config): Record<string, unknown> {
  const sourceJson = JSON.parse(readFileSync(join(source, 'config.json'), 'utf8')) as Record<string, unknown>;
  return hfConfigOver(config, sourceJson, EXPORT_WEIGHTS_DTYPE);
}

/** Writes `json` as `dest`'s config.json. */
export function writeConfigJson(dest: string, json: Record<string, unknown>): void {
  writeFileAtomic(join(dest, 'config.json'), [Buffer.from(JSON.stringify(json, null, 2) + '\n')]);
}

/**
 * Copies the tokenizer files the source has and generation_config.json (made from the config
 * when missing). `requireJson`: transformers.js reads only tokenizer.json, so it must exist.
 */
export function copyTokenizerAndGeneration(source: string, dest: string, config: T5Config, requireJson: boolean): void {
  const files = tokenizerFilesOf(source);
  if (requireJson && !files.some((file) => file.name === 'tokenizer.json')) {
    throw new ExportError(
      `${source} has no tokenizer.json, which transformers.js needs; convert the tokenizer with Python's transformers (AutoTokenizer.from_pretrained(dir).save_pretrained(dir)) and export again`,
    );
  }
  if (files.length === 0) {
    throw new ExportError(
      `${source} has no tokenizer files (${TOKENIZER_FILES.join(', ')}); add the base model's tokenizer`,
    );
  }
  placeTokenizerFiles(files, dest);
  const generation = join(source, 'generation_config.json');
  if (existsSync(generation)) copyFileSync(generation, join(dest, 'generation_config.json'));
  else
    writeFileAtomic(join(dest, 'generation_config.json'), [
      Buffer.from(JSON.stringify(generationConfig(config), null, 2) + '\n'),
    ]);
}

/** Writes an HF folder into `dest` (an empty folder) from the model or checkpoint in `source`. */
export async function exportHfFolder(source: string, dest: string, options: ExportOptions = {}): Promise<void> {
  options.onProgress?.({ stage: 'reading weights', done: 0, total: 2 });
  const { config, weights } = await readExportSource(source);
  options.signal?.throwIfAborted();
  options.onProgress?.({ stage: 'writing model.safetensors', done: 1, total: 2 });
  // One model.safetensors even from a sharded source (safetensors has no 2 GB limit; the file is
  // written in pieces, formats/safetensors.ts writePieces, so a model past 2 GiB writes too).
  const single = { params: weights.params, layout: { ...weights.layout, shards: null } };
  saveT5Weights(dest, config, single, EXPORT_WEIGHTS_DTYPE);
  writeConfigJson(dest, exportConfigJson(source, config));
  copyTokenizerAndGeneration(source, dest, config, false);
  options.onProgress?.({ stage: 'done', done: 2, total: 2 });
}
