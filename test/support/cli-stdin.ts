// A real `spanfill …` process from source (bin/spanfill.mjs, SPANFILL_FROM_SOURCE=1) with its
// standard input a pipe the test writes: the text to read (`import -`), or nothing and never
// closed, so that a command reading it waits for good (the fault net's tests).

import { spawn } from 'node:child_process';
import path from 'node:path';

const bin = path.resolve(import.meta.dirname, '../../bin/spanfill.mjs');

export interface PipedRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `spanfill ARGS` with `input` piped to its standard input and closed, or, for null, with
 * standard input left open (then SIGKILL after 60 s, should nothing else end it).
 */
export function runPiped(
  args: readonly string[],
  input: string | null,
  env: NodeJS.ProcessEnv = {},
): Promise<PipedRun> {
  const child = spawn(process.execPath, [bin, ...args], {
    env: { ...process.env, SPANFILL_FROM_SOURCE: '1', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let [stdout, stderr] = ['', ''];
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdin.on('error', () => undefined); // a command that ends without reading it all
  if (input !== null) child.stdin.end(input);
  const timer = input === null ? setTimeout(() => child.kill('SIGKILL'), 60_000) : undefined;
  return new Promise((resolve) =>
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    }),
  );
}
