#!/usr/bin/env node
// The `spanfill` command. Runs the bundled CLI (out/main/cli.js) when the app is built;
// otherwise runs the TypeScript source through tsx, so `npx spanfill` works in a fresh
// checkout. SPANFILL_FROM_SOURCE=1 forces the source (what the tests use).

import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const built = join(root, 'out', 'main', 'cli.js');

if (existsSync(built) && process.env.SPANFILL_FROM_SOURCE !== '1') {
  await import(pathToFileURL(built).href);
} else {
  // tsx is a dev dependency; run the source in a child with its loader.
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  const child = spawn(
    process.execPath,
    ['--import', tsx, join(root, 'src', 'main', 'cli', 'index.ts'), ...process.argv.slice(2)],
    {
      stdio: 'inherit',
    },
  );
  // Ctrl-C reaches the child through the terminal's process group; forward kill requests too.
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => {
    process.exitCode = code ?? (signal === 'SIGINT' ? 130 : 1);
  });
}
