// Whether a model folder can be used, from its cheap parts only: config.json read and checked
// (loadT5Config) and each weights file's header (its tensors' byte ranges against the file's
// length: a truncated file fails here; engine/t5/weights.ts checkT5WeightFiles, as loading
// locates them), never the weights themselves. For `models show` and
// the `models` list: a registered model's shape is shown as it was registered, so a folder
// damaged since would otherwise look whole until a command used it.

import { errorMessage } from '../../shared/errors';
import { loadT5Config } from '../engine/t5/config';
import { checkT5WeightFiles } from '../engine/t5/weights';

/** What is wrong with the model folder `dir` that using it would meet; null when it reads. */
export function modelFolderDamage(dir: string): string | null {
  try {
    loadT5Config(dir);
    checkT5WeightFiles(dir);
    return null;
  } catch (error) {
    return errorMessage(error);
  }
}
