// Where a dataset's files live outside the store: <dataDir>/tokens/<id>/ holds its token
// caches (<tokenizer fingerprint>.tokens) and validation.split, the held-out ordinals.
// Removing a dataset removes the folder.

import { existsSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';

export function datasetTokenDir(dataDir: string, id: string): string {
  return path.join(dataDir, 'tokens', id);
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
  rmSync(datasetTokenDir(dataDir, id), { recursive: true, force: true });
}
