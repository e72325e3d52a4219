// A model as people name it (a folder path, a registered model id, a pulled
// "owner/name[@revision]", builtin:byt5-tiny) → its folder, through the models service and
// without the network; and a tokenizer as they name it: "bytes" or any such model. Every entry
// point resolves names here: the CLI's --model, and the masking preview and token counts that
// the UI asks for by a registered model's id (services/datasets.ts).

import path from 'node:path';
import { BYTE_TOKENIZER_NAME } from '../../shared/contract/datasets';
import { refuseRelativePaths } from './fullPaths';
import type { ModelService } from './models';

export type ModelResolver = Pick<ModelService, 'resolve'>;

/**
 * The folder of `reference`. A full path stays as given, so a missing or broken folder gets its
 * loader's own message; a ./relative or ../relative one is refused (fullPaths.ts: over `spanfill
 * serve` it would be the server's working folder; the command line makes its paths full first,
 * cli/model-arg.ts); anything else the models service resolves or refuses with not_found naming
 * what it tried.
 */
export function modelFolder(models: ModelResolver, reference: string): string {
  if (path.isAbsolute(reference)) return reference;
  if (reference.startsWith('.')) refuseRelativePaths([reference]);
  return models.resolve(reference).path;
}

/** "bytes" (the byte-level tokenizer) as it is, else the folder of the model `reference` names. */
export function tokenizerSource(models: ModelResolver, reference: string): string {
  return reference === BYTE_TOKENIZER_NAME ? reference : modelFolder(models, reference);
}
