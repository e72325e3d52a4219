// A `spanfill serve` for the HTTP tests on a temporary folder: renderer/ (index.html titled
// "page" and assets/app.js), data/, and what a test's prepare adds before the server starts.
// The server, the services and the folder go when the test file ends.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { startServer, type RunningServer } from '../../../src/main/server/server';
import { AppServices } from '../../../src/main/services/app';

/** The running bench; its fields are set once the file's beforeAll has run. */
export interface RendererBench {
  root: string;
  rendererDir: string;
  app: AppServices;
  server: RunningServer;
}

export function useRendererServer(prefix: string, prepare?: (bench: RendererBench) => void): RendererBench {
  const bench = {} as RendererBench;
  beforeAll(async () => {
    bench.root = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    bench.rendererDir = path.join(bench.root, 'renderer');
    fs.mkdirSync(path.join(bench.rendererDir, 'assets'), { recursive: true });
    fs.writeFileSync(path.join(bench.rendererDir, 'index.html'), '<!doctype html><title>page</title>');
    fs.writeFileSync(path.join(bench.rendererDir, 'assets', 'app.js'), 'console.log(1)');
    prepare?.(bench);
    bench.app = new AppServices({ dataDir: path.join(bench.root, 'data') });
    bench.server = await startServer({ app: bench.app, rendererDir: bench.rendererDir });
  });
  afterAll(async () => {
    await bench.server?.close();
    await bench.app?.close();
    if (bench.root) fs.rmSync(bench.root, { recursive: true, force: true });
  });
  return bench;
}
