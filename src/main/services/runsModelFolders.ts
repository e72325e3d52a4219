// The registered models whose folders lie in a run's folder: one registered on a checkpoint
// before models.import refused folders inside the data directory (modelsImportPlace.ts,
// probe-odd F1). runs.remove would delete its files with no word, so it is refused, naming the
// model and what to do: remove the model (its folder stays until then), after exporting it to
// a folder of its own to keep it.

import path from 'node:path';
import { ApiError } from '../../shared/errors';
import { canonicalPath } from '../engine/export/folder';
import { isWithin } from '../pathWithin';
import type { ModelRepository } from '../store/models';
import { runFolder } from './runFolders';

/** Throws conflict when a model imported from a folder lives in run `id`'s folder. */
export function refuseRemovingModelFolders(dataDir: string, id: string, models: ModelRepository): void {
  const run = canonicalPath(runFolder(dataDir, id));
  const model = models
    .list()
    .find((row) => row.source_kind === 'folder' && isWithin(canonicalPath(path.resolve(dataDir, row.path)), run));
  if (model === undefined) return;
  throw new ApiError(
    'conflict',
    `Run ${id} holds the folder of model ${model.id} (${model.name}), ${model.path}, which removing the run would delete. ` +
      `Remove the model first (\`spanfill models rm ${model.id}\`, or Remove on the Models screen), after exporting it ` +
      `to a folder of its own to keep it (\`spanfill export --model ${model.id} --format hf --out DIR\`, then ` +
      '`spanfill models import DIR`)',
  );
}
