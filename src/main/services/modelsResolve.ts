// Which folder a model named as people name it means, never touching the network: a registered
// id, a full folder path, a built-in model (written out under the data directory on first use),
// a pulled "owner/name[@revision]" in the Hub cache, or a registered model's name; and, when it
// names none, why (a run's or a dataset's id said to be one). The models service (models.ts)
// answers models.resolve with it, and models.show with what it locates (modelsShow.ts);
// modelReference.ts is the front every entry point uses.

import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { ApiError } from '../../shared/errors';
import { splitModelReference } from '../../shared/contract/models';
import { BYTE_TOKENIZER_NAME } from '../../shared/contract/datasets';
import { findCachedSnapshot } from '../engine/hub/download';
import { BUILTIN_PREFIX, isBuiltinModelName, materializeBuiltinModel } from '../engine/t5/builtin';
import { PRESET_PREFIX } from '../../shared/contract/runs';
import { DatasetRepository } from '../store/datasets';
import type { Store } from '../store/db';
import type { ModelRepository, ModelRow } from '../store/models';
import type { RunRepository } from '../store/runs';
import { refuseOthersId } from './idOrName';
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

/** How a model is spoken of, for idOrName.ts's messages. */
const MODEL_KIND = { one: 'model', many: 'models', command: 'spanfill models list' } as const;

/** What a model argument names: a built-in model, a registered one, or a folder or cached snapshot (registered or not). */
export type Located =
  | { readonly kind: 'builtin' }
  | { readonly kind: 'row'; readonly row: ModelRow }
  | { readonly kind: 'folder'; readonly path: string; readonly row: ModelRow | undefined }
  | {
      readonly kind: 'cached';
      readonly path: string;
      readonly row: ModelRow | undefined;
      readonly repoId: string;
      readonly revision: string;
      readonly commit: string;
    };

export class ModelLookup {
  constructor(private readonly deps: ModelLookupDeps) {}

  /**
   * A registered id, a folder, a built-in model (builtin:byt5-tiny, written out under the data
   * directory on first use), a pulled "owner/name[@revision]" or a registered model's name → its
   * folder, never touching the network.
   */
  resolve(model: string): { path: string; modelId: string | null } {
    const found = this.locate(model);
    switch (found.kind) {
      case 'builtin':
        return { path: checkModelWork(() => materializeBuiltinModel(this.deps.dataDir, model)), modelId: null };
      case 'row':
        return { path: this.folderOf(found.row), modelId: found.row.id };
      case 'folder':
      case 'cached':
        return { path: found.path, modelId: found.row?.id ?? null };
    }
  }

  /**
   * The registered model `model` names, read as resolve reads it (so `models rm X` removes what
   * `fill --model X` uses), whether or not its folder is still there; what it names otherwise
   * (a built-in model, an unregistered folder or cached snapshot) is refused saying so.
   */
  registered(model: string): ModelRow {
    const found = this.locate(model);
    if (found.kind === 'row') return found.row;
    if (found.kind === 'builtin')
      throw new ApiError(
        'invalid_argument',
        `${model} is built into Spanfill, not a registered model: there is nothing to remove (its files are written out under the data directory when used)`,
      );
    if (found.row) return found.row;
    const what =
      found.kind === 'folder'
        ? `${model} is a folder no model is registered from`
        : `${model} is in the download cache, but no model is registered from it (\`spanfill models cache rm ${model.split('@')[0]}\` deletes it)`;
    throw new ApiError('not_found', `${what}; \`spanfill models list\` shows the ids`);
  }

  /** What `model` names, in the order every command reads it, writing nothing; not_found when nothing. */
  locate(model: string): Located {
    const { repo, cacheRoot } = this.deps;
    if (isBuiltinModelName(model)) return { kind: 'builtin' };
    const row = repo.get(model);
    if (row) return { kind: 'row', row };
    // A full path only: a relative one would be this process's working folder (fullPaths.ts).
    if (path.isAbsolute(model) && existsSync(model) && statSync(model).isDirectory())
      return { kind: 'folder', path: model, row: repo.list().find((r) => this.pathOf(r) === path.resolve(model)) };
    const { repoId, revision } = splitModelReference(model);
    const cached = findCachedSnapshot(cacheRoot, repoId, revision ?? 'main');
    if (cached) {
      const { dir, commit } = cached;
      const row = repo.findBySource('hub', repoId, commit);
      return { kind: 'cached', path: dir, row, repoId, revision: cached.revision, commit };
    }
    // After the cache: a pulled model is named by its repository id, and two revisions share it.
    const named = this.byName(model);
    if (named) return { kind: 'row', row: named };
    throw new ApiError('not_found', this.notFound(model));
  }

  /**
   * Refuses `name` for a model (`id`, or one not registered yet) when another reading of it
   * comes first, so that no command could find the model by it: another model's id, a built-in
   * or from-scratch model (builtin:…, preset:…), the byte-level tokenizer (`bytes`, read first
   * where a tokenizer is named: mask --model), or anything with a "/" (OWNER/NAME is read as a
   * Hub repository and /… as a folder before names, so whether the name found this model would
   * hang on what the cache and the disk hold).
   */
  refuseShadowingName(name: string, id?: string): void {
    const prefix = [BUILTIN_PREFIX, PRESET_PREFIX].find((p) => name.startsWith(p));
    if (prefix !== undefined)
      throw new ApiError(
        'invalid_argument',
        `A model cannot be named ${JSON.stringify(name)}: names starting with "${prefix}" are Spanfill's own models, ` +
          'which --model reads first; choose another name',
      );
    if (name === BYTE_TOKENIZER_NAME)
      throw new ApiError(
        'invalid_argument',
        `A model cannot be named ${JSON.stringify(name)}: it names the byte-level tokenizer wherever a tokenizer is ` +
          'named (mask --model, --tokenizer), which reads it before model names; choose another name',
      );
    if (name.includes('/'))
      throw new ApiError(
        'invalid_argument',
        `A model name cannot hold "/" (${JSON.stringify(name)}): --model reads OWNER/NAME as a Hub repository and ` +
          `/… as a folder before it reads names; choose another, e.g. ${JSON.stringify(name.replaceAll('/', '-'))}`,
      );
    refuseOthersId(id ?? '', name, this.deps.repo.list(), MODEL_KIND);
  }

  /**
   * The registered model called `name` (the name people gave it). Several by that name are a
   * conflict, as idOrName.ts says it: the command line is right and the store holds two (the
   * CLI's exit 1), so say which ids.
   */
  byName(name: string): ModelRow | undefined {
    const rows = this.deps.repo.list().filter((row) => row.name === name);
    if (rows.length > 1)
      throw new ApiError(
        'conflict',
        `${rows.length} models are named ${JSON.stringify(name)} (${rows.map((r) => r.id).join(', ')}); ` +
          `give one id (\`${MODEL_KIND.command}\` shows which is which)`,
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
