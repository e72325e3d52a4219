// Process ids for tests of "is the process that owns this still alive?" (runs, imports, locks): one
// that has exited, and one that runs until a test kills it.

import { spawn, spawnSync } from 'node:child_process';

/** A pid that is certainly not running: a child that has already exited. */
export function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '0']).pid as number;
}

/**
 * A child that runs until stopped: another process that owns something (a `spanfill import` in a
 * terminal). `stop` kills it (SIGKILL, as `kill -9` does) and resolves once it has exited.
 */
export function runningChild(): { readonly pid: number; stop(): Promise<void> } {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 60_000)'], { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    pid: child.pid as number,
    stop: async () => {
      child.kill('SIGKILL');
      await exited;
    },
  };
}
