// Registering a model as a row of `models`: under the name asked, or numbered ("NAME (2)")
// where another model has it (idOrName.ts numberedName), with a note saying so; a pulled
// snapshot registered once, also when another process registers it meanwhile; and what an
// import of a folder registered already says.

import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { optionalDisplayName } from '../../shared/contract/displayName';
import type { ModelSource } from '../../shared/contract/models';
import type { PullResult } from '../engine/hub/download';
import { inspectModelFolder, type ModelFolderInfo } from '../engine/hub/inspect';
import type { ModelRepository, ModelRow, NewModelRow } from '../store/models';
import type { EventBus } from './events';
import { numberedName, numberedNote } from './idOrName';
import { pulledFailure } from './modelsErrors';

/** What registering a model needs of the models service (ModelService). */
export interface ModelRegistrationDeps {
  readonly repo: ModelRepository;
  readonly events: EventBus;
  /** A pulled snapshot's folder is stored relative to it. */
  readonly dataDir: string;
}

/** A row registered, with why it is not named as asked (addModel). */
export interface Registration {
  readonly row: ModelRow;
  readonly nameNote?: string;
}

/** The model of a pulled snapshot, registered already or now (under the pull lock); a failure says what stays. */
export async function registerPulled(
  deps: ModelRegistrationDeps,
  repoId: string,
  revision: string,
  pulled: PullResult,
): Promise<{ pulled: PullResult; registered: Registration }> {
  const existing = deps.repo.findBySource('hub', repoId, pulled.commit);
  if (existing) return { pulled, registered: { row: existing } };
  try {
    return { pulled, registered: await registerHub(deps, repoId, revision, pulled.commit, pulled.dir) };
  } catch (error) {
    throw pulledFailure(error, repoId, pulled.dir);
  }
}

/**
 * Registers a pulled snapshot. Another process on the data directory (a terminal, the app) may
 * register the same one meanwhile: the store's unique index on the source refuses the second
 * row, and that process's model is this pull's.
 */
async function registerHub(
  deps: ModelRegistrationDeps,
  repoId: string,
  revision: string,
  commit: string,
  dir: string,
): Promise<Registration> {
  const info = await inspectModelFolder(dir);
  const name = revision === 'main' ? repoId : `${repoId}@${revision}`;
  try {
    return addModel(deps, { kind: 'hub', repoId, revision, commit }, name, path.relative(deps.dataDir, dir), info);
  } catch (error) {
    const registered = isUniqueConflict(error) ? deps.repo.findBySource('hub', repoId, commit) : undefined;
    if (registered === undefined) throw error;
    return { row: registered };
  }
}

/**
 * Registers a model under `asked`, or numbered ("NAME (2)") where another model has that name
 * (names stay distinct, as datasets' do: a name finds one model), with a note saying so.
 */
export function addModel(
  deps: ModelRegistrationDeps,
  source: ModelSource,
  asked: string,
  storedPath: string,
  info: ModelFolderInfo,
): Registration {
  const fields: NewModelRow = {
    id: `m-${randomUUID().slice(0, 8)}`,
    name: asked,
    kind: 'base',
    path: storedPath,
    source: source.kind === 'hub' ? source.repoId : source.kind === 'folder' ? source.path : source.runId,
    source_kind: source.kind,
    revision: source.kind === 'hub' ? source.revision : null,
    commit_sha: source.kind === 'hub' ? source.commit : null,
    size_bytes: info.sizeBytes,
    model_type: info.modelType,
    parameter_count: info.parameterCount,
    config_json: info.configJson,
  };
  const row = deps.repo.addUnderFreeName(fields, (n) => numberedName(asked, n));
  deps.events.emit('models.statusChanged', { modelId: row.id, status: 'ready' });
  if (row.name === asked) return { row };
  return { row, nameNote: numberedNote(row.name, asked, deps.repo.list(), 'model') };
}

/** The note of an import of `dir`, registered as `row` already; `asked`, a name it does not have, is not taken. */
export function alreadyRegistered(dir: string, row: ModelRow, asked: string | undefined): string {
  const name = optionalDisplayName(asked) ?? row.name;
  const rename = `. It keeps that name: \`spanfill models rm ${row.id}\`, then import it again to name it ${JSON.stringify(name)}`;
  return `${dir} is already registered as ${row.id} (${row.name}); nothing to do${name === row.name ? '' : rename}`;
}

/** better-sqlite3's error for a row a UNIQUE index already holds. */
function isUniqueConflict(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 'SQLITE_CONSTRAINT_UNIQUE';
}
