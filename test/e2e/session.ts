// One end-to-end session: a temp folder, the built `spanfill serve` on `<folder>/data` (with
// extra environment), and Chromium on its URL at a viewport, with the page's errors collected;
// close() stops all three and deletes the folder. Fails first when the UI is not built.

import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { launchChromium } from './chromium';
import { startServe } from './serve';

export const resultsDir = path.resolve('test-results');

export interface E2eSession {
  readonly dir: string;
  readonly dataDir: string;
  readonly url: string;
  readonly context: BrowserContext;
  readonly page: Page;
  /** Uncaught page errors and console errors, as they happened. */
  readonly pageErrors: string[];
  close(): Promise<void>;
}

export async function startSession(
  prefix: string,
  options: { env?: NodeJS.ProcessEnv; viewport?: { width: number; height: number } } = {},
): Promise<E2eSession> {
  if (!fs.existsSync('out/renderer/index.html')) throw new Error('The UI is not built: run `npm run build` first.');
  fs.mkdirSync(resultsDir, { recursive: true });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `spanfill-e2e-${prefix}-`));
  const dataDir = path.join(dir, 'data');
  let serve: ChildProcess | undefined;
  try {
    const started = await startServe(dataDir, options.env);
    serve = started.child;
    const viewport = options.viewport ?? { width: 1280, height: 800 };
    const { context, page } = await launchChromium(path.join(dir, 'profile'), viewport);
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(`pageerror: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(`console: ${message.text()}`);
    });
    const close = async (): Promise<void> => {
      await context.close();
      // A run still training is stopped with a checkpoint as serve exits: the folder is removed
      // once serve is gone (a bounded wait), else that checkpoint's files land in it as it goes.
      if (serve) await stopped(serve);
      fs.rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
    };
    return { dir, dataDir, url: started.url, context, page, pageErrors, close };
  } catch (error) {
    serve?.kill('SIGINT');
    fs.rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

/** Asks `child` to stop (SIGINT, as Ctrl-C) and waits until it has, at most `limitMs`. */
function stopped(child: ChildProcess, limitMs = 20_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, limitMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGINT');
  });
}
