// What a model folder is, checked by the loaders Spanfill trains and generates with: the T5
// config, the fast tokenizer, then every weight (names, shapes, dtypes). Used for imported
// folders and for every Hub pull, so a registered model is one that loads. Their errors
// (T5ConfigError, T5WeightsError, SafetensorsError, DataError) pass through unchanged.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { openTokenizer } from '../data/tokenizerRegistry';
import { countParams, t5ParamShapes } from '../t5/params';
import { checkTokenizerFits, loadT5Config } from '../t5/config';
import { loadT5Weights } from '../t5/weights';
import { directoryBytes } from './cache';

export interface ModelFolderInfo {
  /** config.json model_type, "t5" when absent (the loader's default). */
  readonly modelType: string;
  readonly parameterCount: number;
  readonly sizeBytes: number;
  /** config.json as written, kept with the model's row. */
  readonly configJson: string;
}

export async function inspectModelFolder(dir: string): Promise<ModelFolderInfo> {
  const config = loadT5Config(dir);
  // The tokenizer before the weights, so a folder whose tokenizer does not load (only spiece.model)
  // is refused at once, not after every weight (15–20 s for t5-base). A tokenizer of another model
  // (more ids than vocab_size) would register but could never fill.
  checkTokenizerFits(await openTokenizer(dir), config, dir);
  loadT5Weights(dir, config, { refuseNonFinite: true }); // NOTE: decodes every weight; the price of a real check
  const configJson = readFileSync(path.join(dir, 'config.json'), 'utf8');
  const raw = JSON.parse(configJson) as { model_type?: unknown };
  return {
    modelType: typeof raw.model_type === 'string' ? raw.model_type : 't5',
    parameterCount: countParams(t5ParamShapes(config)),
    sizeBytes: directoryBytes(dir),
    configJson,
  };
}
