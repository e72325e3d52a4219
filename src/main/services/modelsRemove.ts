// Removing models (models.remove, models.removeCached): one registered model, a Hub model's
// snapshot with it (an imported folder is never deleted), or a repository from the download
// cache with the models registered from it. Neither while a run trains from one of them (its
// checkpoints copy the model's tokenizer), nor while a process pulls that repository: the
// removal holds the repository's pull lock as it deletes (engine/hub/pullLock.ts whileNotPulled),
// so a pull in another process never finds its files gone under it. A repository being pulled
// whose model is not registered yet is said as such to `models rm OWNER/NAME`, naming the puller.

import { existsSync } from 'node:fs';
import { splitModelReference, type CachedRepoRemoved, type ModelRemoved } from '../../shared/contract/models';
import { ApiError } from '../../shared/errors';
import { directoryBytes, HubCache } from '../engine/hub/cache';
import { validateRepoId } from '../engine/hub/catalog';
import { notRegisteredYet, repoPuller, whileNotPulled } from '../engine/hub/pullLock';
import type { ModelRepository, ModelRow } from '../store/models';
import type { RunRepository } from '../store/runs';
import { withRemovalDiskFullHint } from './errors';
import type { EventBus } from './events';
import { checkModelWork, toModelApiError } from './modelsErrors';
import type { ModelLookup } from './modelsResolve';
import { CHECKPOINT_COPIES, liveRuns, trainingConflict } from './runsLock';

export interface ModelRemovalDeps {
  readonly repo: ModelRepository;
  /** Read only: which runs train from a model that is to be removed. */
  readonly runs: RunRepository;
  readonly lookup: ModelLookup;
  readonly cacheRoot: string;
  readonly events: EventBus;
}

/** Unregisters `id`; a Hub model's snapshot goes too. */
export function removeModel(deps: ModelRemovalDeps, id: string): ModelRemoved {
  const row = registeredModel(deps, id);
  refuseWhileTraining(deps, row);
  const repoId = row.source_kind === 'hub' ? row.source : null;
  try {
    if (repoId === null) return removeRow(deps, row);
    return checkModelWork(() => whileNotPulled(deps.cacheRoot, repoId, () => removeRow(deps, row)));
  } catch (error) {
    // A full disk said as a removal's; a Hub model's snapshot went first, and that was not room enough.
    throw withRemovalDiskFullHint(error, `model ${row.id}`, repoId !== null);
  }
}

/**
 * The registered model `id` names; a repository that a live process is pulling, no model registered
 * from it yet (its download under way, or its registration to come), is refused saying so.
 */
function registeredModel(deps: ModelRemovalDeps, id: string): ModelRow {
  try {
    return deps.lookup.registered(id);
  } catch (error) {
    const repoId = error instanceof ApiError && error.code === 'not_found' ? repositoryNamed(id) : null;
    const pid = repoId === null ? null : repoPuller(deps.cacheRoot, repoId);
    if (repoId === null || pid === null) throw error;
    throw toModelApiError(notRegisteredYet(repoId, pid));
  }
}

/** The repository `model` names as OWNER/NAME[@revision]; null when it cannot be one. */
function repositoryNamed(model: string): string | null {
  try {
    return validateRepoId(splitModelReference(model).repoId);
  } catch {
    return null;
  }
}

/** Deletes a repository from the cache; models registered from it are unregistered with it. */
export function removeCachedRepo(deps: ModelRemovalDeps, rawRepoId: string): CachedRepoRemoved {
  const repoId = checkModelWork(() => validateRepoId(rawRepoId));
  const cache = new HubCache(deps.cacheRoot);
  const rows = deps.repo.listByRepo(repoId);
  if (rows.length === 0 && !existsSync(cache.repoDir(repoId)))
    throw new ApiError('not_found', `${repoId} is not in the download cache; \`spanfill models cache\` lists what is`);
  for (const row of rows) refuseWhileTraining(deps, row); // before any of them goes
  return checkModelWork(() =>
    whileNotPulled(deps.cacheRoot, repoId, () => {
      const freedBytes = directoryBytes(cache.repoDir(repoId)); // before the rows' snapshots go
      const unregistered = rows.map((row) => removeRow(deps, row)).map(({ id, name }) => ({ id, name }));
      cache.remove(repoId);
      return { repoId, freedBytes, unregistered };
    }),
  );
}

/** Unregisters `row` and deletes its Hub snapshot, if it has one (the caller holds the pull lock). */
function removeRow(deps: ModelRemovalDeps, row: ModelRow): ModelRemoved {
  let freedBytes = 0;
  let deletedPath: string | null = null;
  if (row.source_kind === 'hub' && row.source !== null && row.commit_sha !== null) {
    const cache = new HubCache(deps.cacheRoot);
    deletedPath = cache.snapshotDir(row.source, row.commit_sha);
    freedBytes = cache.remove(row.source, row.commit_sha);
  }
  deps.repo.remove(row.id);
  deps.events.emit('models.statusChanged', { modelId: row.id, status: 'deleted' });
  return { id: row.id, name: row.name, freedBytes, deletedPath };
}

/** Refused while a run trains from `row`, named by its id, its folder or its repository id. */
function refuseWhileTraining(deps: ModelRemovalDeps, row: ModelRow): void {
  const folder = deps.lookup.pathOf(row);
  const isThis = (model: string): boolean => {
    try {
      return model === row.id || deps.lookup.resolve(model).path === folder;
    } catch {
      return false; // a model that no longer resolves is not this one
    }
  };
  const training = liveRuns(deps.runs).find((run) => isThis(run.baseModel));
  if (training) throw trainingConflict(training, `from model ${row.name}`, CHECKPOINT_COPIES);
}
