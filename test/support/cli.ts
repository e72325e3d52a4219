// Running `spanfill …` in-process for tests: capture what a command prints, its exit code,
// and read the result object of a --json run.

import { PassThrough } from 'node:stream';
import { runCli } from '../../src/main/cli/run';

/** What one in-process run printed, and its exit code. */
export interface CliOutput {
  code: number;
  stdout: string;
  stderr: string;
}

/** stdout/stderr streams for runCli, and what has been written to them so far. */
export interface Captured {
  readonly stdout: PassThrough;
  readonly stderr: PassThrough;
  out(): string;
  err(): string;
}

export function capture(): Captured {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  return { stdout, stderr, out: () => out, err: () => err };
}

/** Runs `spanfill args` writing into `captured`; resolves to the exit code. */
export function runCaptured(
  args: string[],
  captured: Captured,
  options: { env?: NodeJS.ProcessEnv; signal?: AbortSignal } = {},
): Promise<number> {
  return runCli(args, {
    stdout: captured.stdout as unknown as NodeJS.WriteStream,
    stderr: captured.stderr as unknown as NodeJS.WriteStream,
    env: options.env ?? {},
    signal: options.signal ?? new AbortController().signal,
  });
}

/** Runs `spanfill args` with `env` as its whole environment; returns the exit code and output. */
export async function runSpanfill(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliOutput> {
  const captured = capture();
  const code = await runCaptured(args, captured, { env });
  return { code, stdout: captured.out(), stderr: captured.err() };
}

/** The result object of a --json run. */
export function jsonResult<T>(stdout: string): T {
  return JSON.parse(stdout) as T;
}
