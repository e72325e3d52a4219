// Where runs keep their files in a data directory, in one place: <dataDir>/runs/<id>/ for each
// run, its checkpoints under checkpoints/ (engine/train/checkpoint.ts names each step's folder),
// and the one-trainer lock beside them (runsLock.ts).

import path from 'node:path';

/** <dataDir>/runs: every run's folder, and the trainer lock. */
export function runsFolder(dataDir: string): string {
  return path.join(dataDir, 'runs');
}

/** <dataDir>/runs/<id>: what run `id` writes (its checkpoints, its logs). */
export function runFolder(dataDir: string, id: string): string {
  return path.join(runsFolder(dataDir), id);
}

/** <dataDir>/runs/<id>/checkpoints: run `id`'s step-NNNNNNNN checkpoint folders. */
export function runCheckpointsFolder(dataDir: string, id: string): string {
  return path.join(runFolder(dataDir, id), 'checkpoints');
}
