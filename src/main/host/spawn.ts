// Starting an engine host process behind one interface: child_process.fork under plain Node
// (CLI, `spanfill serve`, tests), Electron's utilityProcess in the desktop app (see
// electron-spawn.ts, which main/index.ts passes in so this file never imports electron).

import { fork } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { freeNowNodeFlags } from '../engine/onnx/hostMemory';
import type { ToHostMessage } from './protocol';

export interface HostChild {
  readonly pid: number | undefined;
  readonly stderr: NodeJS.ReadableStream | null;
  send(message: ToHostMessage): void;
  onMessage(listener: (message: unknown) => void): void;
  /** Called once; signal is null where the platform only reports a code (utilityProcess). */
  onExit(listener: (exitCode: number | null, signal: string | null) => void): void;
  /** Forceful: SIGKILL where signals exist. */
  kill(): void;
}

export interface SpawnOptions {
  readonly entry: string;
  readonly env: NodeJS.ProcessEnv;
}

export type HostSpawner = (options: SpawnOptions) => HostChild;

export const forkHost: HostSpawner = ({ entry, env }) => {
  // Source entries (.ts, tests and `npx spanfill` without a build) run through tsx.
  const execArgv = [
    ...(entry.endsWith('.ts') ? ['--import', pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href] : []),
    // ArrayBuffer.prototype.transfer, so training frees replaced state at once (engine/onnx/hostMemory.ts).
    ...freeNowNodeFlags(),
  ];
  // NOTE: the host's stdout goes to our stderr (fd 2): native libraries may print, and the
  // CLI's stdout must hold nothing but its own output (one JSON document with --json).
  const child = fork(entry, [], { env, execArgv, stdio: ['ignore', 2, 'pipe', 'ipc'] });
  return {
    pid: child.pid,
    stderr: child.stderr,
    send: (message) => {
      if (child.connected) child.send(message);
    },
    onMessage: (listener) => child.on('message', listener),
    // 'close' rather than 'exit': it waits for stderr to drain, so the last lines are captured.
    onExit: (listener) => child.once('close', (code, signal) => listener(code, signal)),
    kill: () => child.kill('SIGKILL'),
  };
};

/**
 * Where the host entry is: next to the bundle (out/main/host.js) when running built code,
 * src/main/host/entry.ts when running from source. Bundled code may sit in out/main/chunks/.
 */
export function defaultHostEntry(moduleUrl: string = import.meta.url): string {
  const here = path.dirname(fileURLToPath(moduleUrl));
  if (moduleUrl.endsWith('.ts')) return path.join(here, 'entry.ts');
  for (const dir of [here, path.dirname(here)]) {
    const candidate = path.join(dir, 'host.js');
    if (fs.existsSync(candidate)) return candidate;
  }
  throw new Error(`Cannot find the engine host (host.js) near ${here}; rebuild with \`npm run build\`.`);
}
