// Which folder a model named as people name it means, never touching the network: a registered
// id, a full folder path, a built-in model (written out under the data directory on first use),
// a pulled "owner/name[@revision]" in the Hub cache, or a registered model's name; and, when it
// names none, why (a run's or a dataset's id said to be one). The models service (models.ts)
// answers models.resolve with it; modelReference.ts is the front every entry point uses.

import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { ApiError } from '../../shared/errors';
import { findCachedSnapshot } from '../engine/hub/download';
import { isBuiltinModelName, materializeBuiltinModel } from '../engine/t5/builtin';
import { DatasetRepository } from '../store/datasets';
import type { Store } from '../store/db';
import type { ModelRepository, ModelRow } from '../store/models';
import type { RunRepository } from '../store/runs';
import { checkModelWork } from './modelsErrors';

export interface ModelLookupDeps {
  readonly store: Store;
  readonly dataDir: string;
  readonly repo: ModelRepository;
  /** Read only: a training run's id given as a model is said to be one. */
  readonly runs: RunRepository;
  /** The Hub cache (<dataDir>/models/hub). */
  readonly cacheRoot: string;
}

export class ModelLookup {
  constructor(private readonly deps: ModelLookupDeps) {}

  /**
   * A registered id, a folder, a built-in model (builtin:byt5-tiny, written out under the data
   * directory on first use), a pulled "owner/name[@revision]" or a registered model's name → its
   * folder, never touching the network.
   */
  resolve(model: string): { path: string; modelId: string | null } {
    const { repo, dataDir, cacheRoot } = this.deps;
    if (isBuiltinModelName(model))
      return { path: checkModelWork(() => materializeBuiltinModel(dataDir, model)), modelId: null };
    const row = repo.get(model);
    if (row) return { path: this.folderOf(row), modelId: row.id };
    // A full path only: a relative one would be this process's working folder (fullPaths.ts).
    if (path.isAbsolute(model) && existsSync(model) && statSync(model).isDirectory())
      return { path: model, modelId: null };
    const at = model.lastIndexOf('@');
    const [repoId, revision] = at > 0 ? [model.slice(0, at), model.slice(at + 1)] : [model, 'main'];
    const cached = findCachedSnapshot(cacheRoot, repoId, revision);
    if (cached) return { path: cached.dir, modelId: repo.findBySource('hub', repoId, cached.commit)?.id ?? null };
    // After the cache: a pulled model is named by its repository id, and two revisions share it.
    const named = this.byName(model);
    if (named) return { path: this.folderOf(named), modelId: named.id };
    throw new ApiError('not_found', this.notFound(model));
  }

  /** The registered model called `name` (the name people gave it); several by that name: say which ids. */
  byName(name: string): ModelRow | undefined {
    const rows = this.deps.repo.list().filter((row) => row.name === name);
    if (rows.length > 1)
      throw new ApiError(
        'invalid_argument',
        `${rows.length} models are called ${JSON.stringify(name)} (${rows.map((r) => r.id).join(', ')}); give the id of one`,
      );
    return rows[0];
  }

  /** Where a registered model's folder is: its stored path, full (a pulled one's is under the data directory). */
  pathOf(row: ModelRow): string {
    return path.resolve(this.deps.dataDir, row.path);
  }

  /** A registered model's folder; not_found naming the model when the folder is gone from there. */
  private folderOf(row: ModelRow): string {
    const folder = this.pathOf(row);
    if (existsSync(folder)) return folder;
    const again =
      row.source_kind === 'hub' && row.source
        ? `\`spanfill models pull ${row.source}\` downloads it again`
        : `put the folder back, or forget it (\`spanfill models rm ${row.id}\`) and import it from where it is now`;
    throw new ApiError(
      'not_found',
      `Model ${row.id} (${JSON.stringify(row.name)}) is registered at ${folder}, which is no longer there (moved or deleted); ${again}`,
    );
  }

  /** Why `model` names no model; a training run's or a dataset's id is said to be one. */
  private notFound(model: string): string {
    const head = `No model ${JSON.stringify(model)}: `;
    if (this.deps.runs.get(model))
      return (
        `${head}that is a training run's id. Its checkpoints are model folders: \`spanfill runs show ${model}\` ` +
        `lists them, and \`spanfill fill --run ${model}\` fills with its best`
      );
    const what = new DatasetRepository(this.deps.store.db).get(model) ? "that is a dataset's id, " : '';
    return (
      `${head}${what}not a registered id or name, a folder, or a repository in the cache; ` +
      '`spanfill models list` shows the ids and `spanfill models pull OWNER/NAME` downloads one'
    );
  }
}
