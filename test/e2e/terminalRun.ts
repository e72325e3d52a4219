// A run trained from a terminal, as a person would: `spanfill train` on the session's data
// directory (it goes on whatever happens to `spanfill serve`), found once it trains, and
// stopped with `spanfill runs stop`. Stopped early it keeps a checkpoint and no evaluation (none
// is due), its steps "N / the many asked for".

import { spawn } from 'node:child_process';
import { expect } from 'vitest';
import { spanfillJson } from './serve';

interface Listed {
  readonly id: string;
  readonly name: string;
  readonly status: string;
  readonly step: number;
}

export interface TerminalRun {
  readonly id: string;
  /** `spanfill runs stop`, then the terminal's exit (0). */
  stop(): Promise<void>;
  /** Ends the terminal's process if it still runs (a finally's cleanup). */
  kill(): void;
}

/** Starts `name` with `flags` (dataset, model, lengths, steps); resolves once it has trained `atLeast` steps. */
export async function startTerminalRun(
  dataDir: string,
  name: string,
  flags: readonly string[],
  atLeast = 1,
): Promise<TerminalRun> {
  const terminal = spawn(
    process.execPath,
    ['bin/spanfill.mjs', 'train', ...flags, '--name', name, '--data-dir', dataDir],
    { stdio: 'ignore' },
  );
  const exited = new Promise<number | null>((resolve) => terminal.on('exit', resolve));
  const listed = () => spanfillJson<{ runs: Listed[] }>(dataDir, ['runs']).runs;
  const training = () => listed().find((run) => run.name === name && run.status === 'running' && run.step >= atLeast);
  try {
    await expect.poll(() => training() !== undefined, { timeout: 60_000, interval: 500 }).toBe(true);
  } catch (error) {
    terminal.kill();
    throw error;
  }
  const { id } = training() as Listed;
  return {
    id,
    async stop() {
      spanfillJson(dataDir, ['runs', 'stop', id]);
      await expect(exited).resolves.toBe(0);
      expect(listed().find((run) => run.id === id)?.status).toBe('stopped');
    },
    kill: () => void terminal.kill(),
  };
}

/** A run trained to step `atLeast` or more, then stopped: its id. */
export async function stoppedRun(
  dataDir: string,
  name: string,
  flags: readonly string[],
  atLeast = 1,
): Promise<string> {
  const run = await startTerminalRun(dataDir, name, flags, atLeast);
  try {
    await run.stop();
    return run.id;
  } finally {
    run.kill();
  }
}
