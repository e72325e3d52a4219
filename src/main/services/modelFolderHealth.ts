// Whether a model folder can be used, from its cheap parts only: config.json read and checked
// (loadT5Config) and each weights file's header (its tensors' byte ranges against the file's
// length, so a truncated file fails here, and their names and shapes against config.json, so a
// config.json of another shape does; engine/t5/weights.ts checkT5WeightFiles, as loading
// locates and checks them), never the weights themselves. For models.list, models.show and the CLI's
// `models` list: a registered model's shape is shown as it was registered, so a folder damaged
// since would otherwise look whole until a command used it. Not a check of every weight's
// value, nor of the tokenizer (a fill or a run says those).

import type { ModelDetails, ModelProblem } from '../../shared/contract/models';
import { errorMessage } from '../../shared/errors';
import { loadT5Config } from '../engine/t5/config';
import { checkT5WeightFiles } from '../engine/t5/weights';

/** What is wrong with the model folder `dir` that using it would meet; null when it reads. */
export function modelFolderDamage(dir: string): string | null {
  try {
    checkT5WeightFiles(dir, loadT5Config(dir));
    return null;
  } catch (error) {
    return errorMessage(error);
  }
}

/** What a problem's action needs to know of the model: how it is named, where it came from, its folder. */
export type ProblemSubject = Pick<ModelDetails, 'id' | 'source' | 'path' | 'isAvailable'>;

/** What is wrong with `model`'s folder and what to do; null when it reads or is not there. */
export function modelProblem(model: ProblemSubject): ModelProblem | null {
  if (!model.isAvailable) return null;
  const message = modelFolderDamage(model.path);
  return message === null ? null : { kind: 'damaged', message, action: repairAction(model) };
}

/** What mends a damaged folder, by where it came from. */
function repairAction({ id, source, path }: ProblemSubject): string {
  // Said wherever the model is used (Playground, Train, the CLI): the screen's button and the command.
  const unregister = id === null ? '' : ` (Remove on the Models screen, or \`spanfill models rm ${id}\`)`;
  switch (source.kind) {
    case 'hub': {
      // A pull finds the snapshot incomplete (a file's size is off) and fetches those files anew.
      const reference = source.revision === 'main' ? source.repoId : `${source.repoId}@${source.revision}`;
      return (
        `Pull it again to fetch the damaged files anew: \`spanfill models pull ${reference}\` (on the Models ` +
        `screen, download ${reference}). If it is still damaged, remove it${unregister} and pull it again.`
      );
    }
    case 'builtin':
      return `Delete the folder ${path}: Spanfill writes it out again when the model is next used.`;
    default:
      return (
        `Mend or replace the files in ${path} (copy the model there again)` +
        (id === null ? '.' : `, or remove it from Spanfill${unregister}: the folder is left as it is.`)
      );
  }
}
