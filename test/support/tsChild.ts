// A TypeScript fixture run as its own process (through tsx), for tests of what a process killed
// with SIGKILL leaves behind: started, its first line of output awaited, then killed for good.

import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { afterEach } from 'vitest';

const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

/**
 * Returns a function that starts `file` with `args` and resolves with the process and the first
 * line it prints. Call it at module level: it registers an afterEach that kills what it started.
 */
export function tsChildren(
  file: string,
): (...args: string[]) => Promise<{ proc: ChildProcessWithoutNullStreams; line: string }> {
  const started: ChildProcessWithoutNullStreams[] = [];
  afterEach(() => {
    for (const proc of started.splice(0)) proc.kill('SIGKILL');
  });
  return async (...args) => {
    const proc = spawn(process.execPath, ['--import', tsx, file, ...args]);
    started.push(proc);
    proc.stdout.setEncoding('utf8');
    const line = await new Promise<string>((resolve, reject) => {
      let text = '';
      proc.stdout.on('data', (chunk: string) => {
        text += chunk;
        if (text.includes('\n')) resolve(text.slice(0, text.indexOf('\n')));
      });
      proc.on('exit', (code) => reject(new Error(`${file} exited (${code}) before it printed a line`)));
    });
    return { proc, line };
  };
}

/** Kills `proc` with SIGKILL (no handler, no cleanup runs) and resolves once it is gone. */
export function killHard(proc: ChildProcessWithoutNullStreams): Promise<void> {
  return new Promise((resolve) => {
    if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
    proc.on('exit', () => resolve());
    proc.kill('SIGKILL');
  });
}
