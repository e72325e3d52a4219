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

export function countTokenCaches(dataDir: string, id: string): number {
  const dir = datasetTokenDir(dataDir, id);
  return existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.tokens')).length : 0;
}

export function removeDatasetFiles(dataDir: string, id: string): void {
  rmSync(datasetTokenDir(dataDir, id), { recursive: true, force: true });
}
