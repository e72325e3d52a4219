// A tokenizer as Spanfill names it wherever it says one (datasets show and the token counts, a
// masking preview, a run's notes): a registered model's by the model's name, as the runs table
// and run names call it (contract/runNames.ts modelLabel), however it was given (its id, name or
// folder); any other folder by the engine's name for it (its folder's name, or OWNER/NAME for a
// pulled snapshot); the byte-level one as "bytes (ByT5 layout)". NOTE: the engine knows only the
// folder, so a tokenizer it loads names itself by that ("tuned" for a model registered as "mine").

import { BYTE_TOKENIZER_NAME } from '../../shared/contract/datasets';
import type { TextTokenizer } from '../engine/data/tokenizer';
import type { ModelService } from './models';

export type ModelNames = Pick<ModelService, 'resolve' | 'label'>;

/**
 * The name of the tokenizer `source` gives ("bytes", a model folder or a model reference, as
 * tokenizerSource reads it) whose engine name is `engineName`.
 */
export function tokenizerName(models: ModelNames, source: string, engineName: string): string {
  if (source === BYTE_TOKENIZER_NAME) return engineName;
  const { modelId } = models.resolve(source);
  return modelId === null ? engineName : models.label(modelId);
}

/** `tokenizer` named by tokenizerName, so the notes the engine writes with its name say that one. */
export function namedTokenizer(models: ModelNames, source: string, tokenizer: TextTokenizer): TextTokenizer {
  return { ...tokenizer, name: tokenizerName(models, source, tokenizer.name) };
}
