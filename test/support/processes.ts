// Process ids for tests of "is the process that owns this still alive?" (runs, imports, locks).

import { spawnSync } from 'node:child_process';

/** A pid that is certainly not running: a child that has already exited. */
export function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '0']).pid as number;
}
