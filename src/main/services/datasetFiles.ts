// Where a dataset's files live outside the store: <dataDir>/tokens/<id>/ holds its token
// caches (<tokenizer fingerprint>.tokens) and validation.split, the held-out ordinals.
// Removing a dataset removes the folder; so does whatever wrote into it for a dataset another
// process removed meanwhile (removedMeanwhile), and, for a writer killed before it could,
// the next service to open the store (removeOrphanDatasetFiles).

import { existsSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { ApiError } from '../../shared/errors';
import type { DatasetRepository } from '../store/datasets';

function tokensFolder(dataDir: string): string {
  return path.join(dataDir, 'tokens');
}

export function datasetTokenDir(dataDir: string, id: string): string {
  return path.join(tokensFolder(dataDir), id);
}

export function datasetSplitPath(dataDir: string, id: string): string {
  return path.join(datasetTokenDir(dataDir, id), 'validation.split');
}

/** The file names of the dataset's token caches. */
function tokenCacheNames(dataDir: string, id: string): string[] {
  const dir = datasetTokenDir(dataDir, id);
  return existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.tokens')) : [];
}

export function countTokenCaches(dataDir: string, id: string): number {
  return tokenCacheNames(dataDir, id).length;
}

/**
 * Deletes the dataset's token caches (rebuilt whenever needed), not its validation split: done
 * before its rows go, so on a full disk, where the store cannot write until something is freed,
 * removing a dataset frees its caches first (and a failed removal loses nothing that matters).
 */
export function removeTokenCaches(dataDir: string, id: string): void {
  for (const name of tokenCacheNames(dataDir, id))
    rmSync(path.join(datasetTokenDir(dataDir, id), name), { force: true });
}

export function removeDatasetFiles(dataDir: string, id: string): void {
  // Retried: a cache another process renames into the folder meanwhile leaves it not empty.
  rmSync(datasetTokenDir(dataDir, id), { recursive: true, force: true, maxRetries: 3 });
}

/**
 * Why work on a dataset stopped when it is gone from the store: removed meanwhile (from another
 * window, tab or process) while this one worked on it; null while it is there. Its folder goes
 * then, with whatever this work wrote there after the removal (a token cache, a split) that
 * nothing would ever read or delete. `when`: when it went and what that left, in words.
 */
export function removedMeanwhile(
  repo: Pick<DatasetRepository, 'get'>,
  dataDir: string,
  dataset: { readonly id: string; readonly name: string },
  when: string,
): ApiError | null {
  if (repo.get(dataset.id) !== undefined) return null;
  removeDatasetFiles(dataDir, dataset.id);
  return new ApiError('conflict', `Dataset ${dataset.id} ("${dataset.name}") was removed elsewhere ${when}`);
}

/**
 * Deletes the folders of datasets the store no longer has (`known`: the ids it has), left by a
 * process killed while it wrote for a dataset removed meanwhile. A dataset's row is written
 * before its folder (an import's, a token cache's), so no folder of live work is taken.
 */
export function removeOrphanDatasetFiles(dataDir: string, known: ReadonlySet<string>): string[] {
  const folder = tokensFolder(dataDir);
  const orphans = existsSync(folder) ? readdirSync(folder).filter((id) => !known.has(id)) : [];
  for (const id of orphans) removeDatasetFiles(dataDir, id);
  return orphans;
}
