// Starts the real `spanfill serve --json` (bin/spanfill.mjs, the built UI), or `spanfill demo
// --serve --json`, for the end-to-end tests and resolves with the URL from the one JSON document
// it prints once listening; and a one-shot `spanfill … --json` for setting a store up.

import { execFileSync, spawn, type ChildProcess } from 'node:child_process';

export interface ServeProcess {
  readonly child: ChildProcess;
  readonly url: string;
  /** The whole JSON line the command printed. */
  readonly result: Record<string, unknown>;
}

/** `env` is added to this process's environment (e.g. SPANFILL_UPLOAD_LIMIT_BYTES). */
export function startServe(dataDir: string, env: NodeJS.ProcessEnv = {}): Promise<ServeProcess> {
  return startServing(['serve', '--json', '--data-dir', dataDir], env);
}

/** Any command that serves and prints one JSON line with `url` once listening (serve, demo --serve). */
export function startServing(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<ServeProcess> {
  const child = spawn(process.execPath, ['bin/spanfill.mjs', ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, ...env },
  });
  return new Promise<ServeProcess>((resolve, reject) => {
    let buffered = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      if (!buffered.includes('\n')) return;
      const line = buffered.split('\n')[0];
      // Success is the bare result ({url, port, token, dataDir, …}); failure is {error: {code, message}}.
      const parsed = JSON.parse(line) as { url?: string; error?: { code: string; message: string } };
      if (parsed.url !== undefined) resolve({ child, url: parsed.url, result: parsed });
      else reject(new Error(parsed.error ? `${parsed.error.code}: ${parsed.error.message}` : line));
    });
    child.on('exit', (code) => reject(new Error(`spanfill serve exited with ${code}`)));
  });
}

/** `spanfill ARGS --data-dir DIR --json` run to its end (it throws on a non-zero exit): its one JSON document. */
export function spanfillJson<T>(dataDir: string, args: readonly string[]): T {
  const out = execFileSync(process.execPath, ['bin/spanfill.mjs', ...args, '--data-dir', dataDir, '--json'], {
    encoding: 'utf8',
  });
  return JSON.parse(out) as T;
}
