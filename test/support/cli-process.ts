// A real `spanfill …` process from source (bin/spanfill.mjs, SPANFILL_FROM_SOURCE=1) for the
// tests that need one: a signal (Ctrl-C), or an environment the in-process runner cannot give
// the engine host (NODE_OPTIONS). It runs in its own process group, so `ctrlC` signals the
// command and its engine host together, as a terminal's Ctrl-C does.

import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';

const bin = path.resolve(import.meta.dirname, '../../bin/spanfill.mjs');

export interface CliProcess {
  readonly child: ChildProcess;
  /** How it ended, as a shell reports it: the exit code, or 128 + the number of the signal that ended it. */
  readonly status: Promise<number>;
  stdout(): string;
  stderr(): string;
  /** SIGINT to the whole process group (SIGKILL after 15 s); resolves with the status and how long it took. */
  ctrlC(): Promise<{ status: number; ms: number }>;
  /** As ctrlC, with another signal (SIGTERM from a supervisor, SIGHUP from a closed terminal). */
  stopWith(signal: NodeJS.Signals): Promise<{ status: number; ms: number }>;
  /** Ends the group with SIGKILL if it is still running (for afterEach). */
  kill(): void;
}

export function startCli(args: readonly string[], env: NodeJS.ProcessEnv = {}): CliProcess {
  const child = spawn(process.execPath, [bin, ...args], {
    env: { ...process.env, SPANFILL_FROM_SOURCE: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const status = new Promise<number>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? 128 + (signal ? os.constants.signals[signal] : 0))),
  );
  const isRunning = (): boolean => child.exitCode === null && child.signalCode === null;
  const signalGroup = (signal: NodeJS.Signals): void => {
    if (!isRunning() || child.pid === undefined) return;
    try {
      process.kill(-child.pid, signal);
    } catch {
      // the group is already gone
    }
  };
  return {
    child,
    status,
    stdout: () => stdout,
    stderr: () => stderr,
    ctrlC() {
      return this.stopWith('SIGINT');
    },
    async stopWith(signal) {
      const started = Date.now();
      signalGroup(signal);
      // One that ignores Ctrl-C fails its test by its status and time, instead of hanging it.
      const timer = setTimeout(() => signalGroup('SIGKILL'), 15_000);
      const ended = await status;
      clearTimeout(timer);
      return { status: ended, ms: Date.now() - started };
    },
    kill: () => signalGroup('SIGKILL'),
  };
}

/**
 * The engine hosts among process `pid`'s children (Linux `ps`): those running the host's entry,
 * src/main/host/entry.ts from source or out/main/host.js built (host/spawn.ts). Not any child:
 * run from source, tsx's esbuild service is one too, started before the host whenever tsx's
 * cache misses (a fresh clone, an edited file), and for a moment a zombie once its parent has
 * exited. A Ctrl-C sent when that was the only child killed it and the command failed to load.
 */
export function engineHostPids(pid: number): number[] {
  let listed: string;
  try {
    listed = execFileSync('ps', ['-ww', '-o', 'pid=,args=', '--ppid', String(pid)], { encoding: 'utf8' });
  } catch {
    return []; // ps exits 1 when it lists nothing
  }
  return listed
    .split('\n')
    .filter((line) => /[/\\](host[/\\]entry\.ts|host\.js)$/.test(line.trim()))
    .map((line) => Number.parseInt(line, 10));
}

/** Whether `cli` has started its engine host (engineHostPids). */
export function hasEngineHost(cli: CliProcess): boolean {
  return cli.child.pid !== undefined && engineHostPids(cli.child.pid).length > 0;
}

/** Polls `check` every 50 ms until it returns true; rejects with `what` after timeoutMs. */
export async function waitUntil(check: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
