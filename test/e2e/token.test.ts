// End-to-end: the access token of `spanfill serve` in Chromium, across reloads and a restart.
// A tab opened with the printed URL keeps working through a reload (the token lives in the
// tab's sessionStorage; the page cookie only lets the page's files load again). A tab without a
// good token (opened without that URL, or from before the server last started) ends on the
// server's page that says to open the URL it printed, not on a page whose every call fails.
// Needs `npm run build` first.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './chromium';
import { startServe, type ServeProcess } from './serve';

let dir: string;
let dataDir: string;
let serve: ServeProcess;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  if (!fs.existsSync('out/renderer/index.html')) throw new Error('The UI is not built: run `npm run build` first.');
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spanfill-e2e-token-'));
  dataDir = path.join(dir, 'data');
  serve = await startServe(dataDir);
  ({ context, page } = await launchChromium(path.join(dir, 'profile'), { width: 1200, height: 800 }));
});

afterAll(async () => {
  await context?.close();
  serve?.child.kill('SIGINT');
  fs.rmSync(dir, { recursive: true, force: true });
});

const refusal = 'open the URL that `spanfill serve` printed';
/**
 * How long a tab may take to show an answer. The Settings screen's first one starts an engine
 * host and waits on its provider probe, which the server itself allows 60 s (services/system.ts).
 * It allowed 20 s, a deadline a loaded 2-core machine comes near: a whole test here took 18 s there.
 */
const answerMs = 60_000;

/** The page answers calls: the Settings screen shows what `system.info` returned. */
async function expectConnected(tab: Page): Promise<void> {
  await tab.getByTestId('provider-cpu').waitFor({ timeout: answerMs });
  await expect(tab.getByText('Lost the connection').count()).resolves.toBe(0);
}

/** The tab was sent to the server's refusal, which says what to do. */
async function expectSentToRefusal(tab: Page): Promise<void> {
  await tab.waitForURL((url) => url.pathname === '/ws', { timeout: answerMs });
  await expect(tab.locator('body').textContent()).resolves.toContain(refusal);
}

async function stopServe(): Promise<void> {
  const exited = new Promise((resolve) => serve.child.once('exit', resolve));
  serve.child.kill('SIGINT');
  await exited;
}

// Each test waits on up to three answers, and on pages loading and a restart besides.
describe('the access token in Chromium', { timeout: 4 * answerMs }, () => {
  it('keeps a tab opened with the printed URL working through a reload', async () => {
    await page.goto(`${serve.url}#/settings`);
    await expectConnected(page);
    expect(page.url()).not.toContain('token=');
    await page.reload();
    await expectConnected(page);
  });

  it('sends a tab opened without the token (the cookie loads the page, not the API) to the refusal', async () => {
    const bare = await context.newPage();
    try {
      const response = await bare.goto(new URL('/#/settings', serve.url).href);
      // The page's files load with the cookie the first tab got...
      expect(response?.status()).toBe(200);
      // ...but its socket, without a token, is refused, and the page says what to do.
      await expectSentToRefusal(bare);
    } finally {
      await bare.close();
    }
  });

  it('after a restart, tells the old tab to open the new URL, before and after that URL was opened', async () => {
    const port = new URL(serve.url).port;
    await stopServe();
    await page.getByText('Lost the connection').waitFor();
    serve = await startServe(dataDir);
    // The port this data directory was last served on, so the tab's origin and cookie jar are the same.
    expect(new URL(serve.url).port).toBe(port);

    // The old cookie is not this launch's: the server itself refuses the reload, saying what to do.
    const reloaded = await page.reload();
    expect(reloaded?.status()).toBe(401);
    await expect(page.locator('body').textContent()).resolves.toContain(refusal);

    // The new URL opened in another tab sets the new cookie: the old tab's page loads again,
    // its old token is refused, and it is sent to the refusal rather than left failing.
    const fresh = await context.newPage();
    try {
      await fresh.goto(`${serve.url}#/settings`);
      await expectConnected(fresh);
      await page.reload();
      await expectSentToRefusal(page);
      // The new tab is not disturbed.
      await fresh.reload();
      await expectConnected(fresh);
    } finally {
      await fresh.close();
    }
  });
});
