// End-to-end: start the built `spanfill serve` on a temporary data dir, open it in Debian's
// Chromium through playwright-core, visit every screen (screenshots in test-results/), check
// the System panel against onnxruntime, the keyboard paths, both themes, and that the page
// logs no errors (a CSP violation would show up here). Needs `npm run build` first.
// NOTE: page.evaluate takes expression strings because this file is type-checked without DOM types.

import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServe } from './serve';

const chromiumPath = process.env.SPANFILL_CHROMIUM ?? '/usr/bin/chromium';
const resultsDir = path.resolve('test-results');
const screens = ['datasets', 'masking', 'train', 'runs', 'playground', 'models', 'settings'] as const;
const ortVersion = (createRequire(import.meta.url)('onnxruntime-node/package.json') as { version: string }).version;

let serveProcess: ChildProcess;
let context: BrowserContext;
let page: Page;
let url: string;
let dataDir: string;
let profileDir: string;
const pageErrors: string[] = [];

beforeAll(async () => {
  if (!fs.existsSync('out/renderer/index.html')) throw new Error('The UI is not built: run `npm run build` first.');
  if (!fs.existsSync(chromiumPath)) throw new Error(`No Chromium at ${chromiumPath}: apt-get install -y chromium`);
  fs.mkdirSync(resultsDir, { recursive: true });
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'spanfill-e2e-data-'));
  profileDir = fs.mkdtempSync(path.join(os.tmpdir(), 'spanfill-e2e-profile-'));
  ({ child: serveProcess, url } = await startServe(dataDir));
  context = await chromium.launchPersistentContext(profileDir, {
    executablePath: chromiumPath,
    headless: true,
    viewport: { width: 1200, height: 760 },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-quic',
      '--no-first-run',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  page = context.pages()[0] ?? (await context.newPage());
  page.on('pageerror', (error) => pageErrors.push(`pageerror: ${error.message}`));
  page.on('response', (response) => {
    if (response.status() >= 400) pageErrors.push(`HTTP ${response.status()} ${new URL(response.url()).pathname}`);
  });
  page.on('console', (message) => {
    if (message.type() === 'error') pageErrors.push(`console: ${message.text()}`);
  });
});

afterAll(async () => {
  await context?.close();
  serveProcess?.kill('SIGINT');
  for (const dir of [dataDir, profileDir]) if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('the served UI in Chromium', () => {
  it('refuses the page without the token', async () => {
    const response = await page.goto(new URL('/', url).href);
    expect(response?.status()).toBe(401);
  });

  it('opens with the token and removes it from the address bar', async () => {
    await page.goto(url);
    await page.getByTestId('screen-datasets').waitFor();
    expect(page.url()).not.toContain('token=');
    await expect(page.getByTestId('transport').textContent()).resolves.toBe('Browser mode');
  });

  it('visits every screen from the navigation, each with its empty state', async () => {
    for (const [index, screen] of screens.entries()) {
      await page.getByTestId(`nav-${screen}`).click();
      const main = page.getByTestId(`screen-${screen}`);
      await main.waitFor();
      await expect(page.getByTestId(`nav-${screen}`).getAttribute('aria-current')).resolves.toBe('page');
      const heading = await main.locator('h1').textContent();
      expect(heading?.toLowerCase()).toBe(screen);
      if (screen === 'settings') await page.getByTestId('provider-cpu').waitFor();
      await page.screenshot({ path: path.join(resultsDir, `${String(index + 1).padStart(2, '0')}-${screen}.png`) });
    }
  });

  it('shows the onnxruntime version and the CPU provider in the System panel', async () => {
    await page.getByTestId('nav-settings').click();
    await expect(page.getByTestId('ort-version').textContent()).resolves.toBe(ortVersion);
    const cpu = page.getByTestId('provider-cpu');
    await expect(cpu.getAttribute('data-available')).resolves.toBe('true');
    await expect(cpu.textContent()).resolves.toContain('available');
    await expect(page.getByTestId('data-dir').textContent()).resolves.toBe(dataDir);
    const threads = Number(await page.getByTestId('cpu-threads').textContent());
    expect(threads).toBeGreaterThan(0);
  });

  it('switches to the dark theme and back', async () => {
    await page.getByTestId('theme-dark').check();
    await expect(page.evaluate('document.documentElement.dataset.theme')).resolves.toBe('dark');
    const background = await page.evaluate('getComputedStyle(document.body).backgroundColor');
    expect(background).toBe('rgb(20, 21, 23)');
    await page.screenshot({ path: path.join(resultsDir, '08-settings-dark.png') });
    await page.getByTestId('nav-datasets').click();
    await page.screenshot({ path: path.join(resultsDir, '09-datasets-dark.png') });
    await page.getByTestId('nav-settings').click();
    await page.getByTestId('theme-light').check();
    await expect(page.evaluate('document.documentElement.dataset.theme')).resolves.toBe('light');
  });

  it('is keyboard navigable', async () => {
    await page.goto(new URL('/#/datasets', url).href);
    // A fresh load, so Tab starts at the top rather than after the focused <main> (whose
    // screen now has form fields of its own).
    await page.reload();
    await page.getByTestId('screen-datasets').waitFor();
    await page.keyboard.press('Tab');
    await expect(page.evaluate('document.activeElement?.textContent')).resolves.toBe('Skip to content');
    await page.keyboard.press('Tab');
    await expect(page.evaluate("document.activeElement?.getAttribute('data-testid')")).resolves.toBe('nav-datasets');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await page.getByTestId('screen-masking').waitFor();
    await page.keyboard.press('Alt+5');
    await page.getByTestId('screen-playground').waitFor();
  });

  it('logged no errors in the page (no CSP violations, no failed calls)', () => {
    // The first visit without the token is expected to fail with 401 (and log it).
    const unexpected = pageErrors.filter((line) => !line.includes('401'));
    expect(unexpected).toEqual([]);
  });
});
