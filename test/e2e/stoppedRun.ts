// A run stopped early, set up as a person would: `spanfill train` started in a terminal on the
// data directory, then `spanfill runs stop` once it has trained a step or more. It stops with a
// checkpoint and no evaluation (none is due), its steps "N / the many asked for".

import { spawn } from 'node:child_process';
import { expect } from 'vitest';
import { spanfillJson } from './serve';

interface Listed {
  readonly id: string;
  readonly name: string;
  readonly status: string;
  readonly step: number;
}

/** Trains `name` with `flags` (dataset, model, lengths, steps) until step `atLeast`, stops it: its id. */
export async function stoppedRun(
  dataDir: string,
  name: string,
  flags: readonly string[],
  atLeast = 1,
): Promise<string> {
  const terminal = spawn(
    process.execPath,
    ['bin/spanfill.mjs', 'train', ...flags, '--name', name, '--data-dir', dataDir],
    { stdio: 'ignore' },
  );
  const exited = new Promise<number | null>((resolve) => terminal.on('exit', resolve));
  try {
    const listed = () => spanfillJson<{ runs: Listed[] }>(dataDir, ['runs']).runs;
    const training = () => listed().find((run) => run.name === name && run.status === 'running' && run.step >= atLeast);
    await expect.poll(() => training() !== undefined, { timeout: 60_000, interval: 500 }).toBe(true);
    const { id } = training() as Listed;
    spanfillJson(dataDir, ['runs', 'stop', id]);
    await expect(exited).resolves.toBe(0);
    expect(listed().find((run) => run.id === id)?.status).toBe('stopped');
    return id;
  } finally {
    terminal.kill();
  }
}
