// The registered models whose folders lie in a run's folder: one registered on a checkpoint
// before models.import refused folders inside the data directory (modelsImportPlace.ts,
// probe-odd F1). runs.remove would delete its files with no word, so it is refused, naming the
// model and what to do: remove the model (its folder stays until then), after exporting it to
// a folder of its own to keep it. Nor may keepLast prune such a checkpoint while the run trains
// on (resumed): registeredCheckpoints names them for the trainer to keep (runsPrepare.ts).

import path from 'node:path';
import { ApiError } from '../../shared/errors';
import { canonicalPath } from '../engine/export/folder';
import { isWithin } from '../pathWithin';
import { checkpointStepOf } from '../engine/train/checkpoint';
import type { ModelRepository, ModelRow } from '../store/models';
import { runCheckpointsFolder, runFolder } from './runFolders';

/** Throws conflict when a model imported from a folder lives in run `id`'s folder. */
export function refuseRemovingModelFolders(dataDir: string, id: string, models: ModelRepository): void {
  const model = modelsWithin(dataDir, runFolder(dataDir, id), models)[0]?.row;
  if (model === undefined) return;
  throw new ApiError(
    'conflict',
    `Run ${id} holds the folder of model ${model.id} (${model.name}), ${model.path}, which removing the run would delete. ` +
      `Remove the model first (\`spanfill models rm ${model.id}\`, or Remove on the Models screen), after exporting it ` +
      `to a folder of its own to keep it (\`spanfill export --model ${model.id} --format hf --out DIR\`, then ` +
      '`spanfill models import DIR`)',
  );
}

/** The models imported from a folder inside `folder`, each with its folder's path (both compared as canonical paths). */
function modelsWithin(dataDir: string, folder: string, models: ModelRepository) {
  const within = canonicalPath(folder);
  return models
    .list()
    .filter((row) => row.source_kind === 'folder')
    .map((row) => ({ row, dir: canonicalPath(path.resolve(dataDir, row.path)) }))
    .filter(({ dir }) => isWithin(dir, within))
    .map(({ row, dir }) => ({ row, relative: path.relative(within, dir) }));
}

/** A checkpoint of a run that a registered model lives in. */
export interface RegisteredCheckpoint {
  readonly step: number;
  readonly model: Pick<ModelRow, 'id' | 'name'>;
}

/** Run `id`'s checkpoints that models imported from a folder live in, by step (a model per checkpoint, the first listed). */
export function registeredCheckpoints(dataDir: string, id: string, models: ModelRepository): RegisteredCheckpoint[] {
  const found = new Map<number, RegisteredCheckpoint>();
  for (const { row, relative } of modelsWithin(dataDir, runCheckpointsFolder(dataDir, id), models)) {
    const step = checkpointStepOf(relative.split(path.sep)[0]);
    if (step !== null && !found.has(step)) found.set(step, { step, model: { id: row.id, name: row.name } });
  }
  return [...found.values()].sort((a, b) => a.step - b.step);
}

/** What a run says of a checkpoint it keeps for a model (once, as it starts training again). */
export function keptCheckpointNotice({ step, model }: RegisteredCheckpoint): string {
  return (
    `Checkpoint ${step} is kept whatever keepLast says, because model ${model.id} (${model.name}) is registered on it; ` +
    `to let it go, export the model to a folder of its own and remove it (\`spanfill models rm ${model.id}\`)`
  );
}

/**
 * The checkpoints of run `runId` that keepLast must not prune, a model registered on each (by an
 * older Spanfill), and what the run says of each; none for a new run (no `runId`).
 */
export function keptForModels(dataDir: string, models: ModelRepository, runId: string | undefined) {
  const kept = runId === undefined ? [] : registeredCheckpoints(dataDir, runId, models);
  return { keepSteps: kept.map((c) => c.step), notices: kept.map(keptCheckpointNotice) };
}
