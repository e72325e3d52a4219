// Shared by the checkpoint picking and reading tests (runsCheckpoint.test.ts,
// runsCheckpointReaders.test.ts): a run's checkpoint rows with a folder each.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { RunCheckpoint } from '../../../src/shared/contract/runs';

/** Checkpoints at steps 10, 20 and 30 under `dir`, each an empty folder; `best`: the step marked best. */
export function checkpoints(dir: string, best: number | null): RunCheckpoint[] {
  return [10, 20, 30].map((step) => {
    const folder = path.join(dir, `step-000000${step}`);
    mkdirSync(folder, { recursive: true });
    return { step, path: folder, isBest: step === best, eval: null, createdAt: '' };
  });
}
