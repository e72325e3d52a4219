// End-to-end: start the built `spanfill serve` on a temporary data dir, open it in Debian's
// Chromium through playwright-core, visit every screen (screenshots in test-results/), check
// the System panel against onnxruntime and `spanfill system --json`, that every screen can be
// reached by keyboard alone, an accessibility audit (axe-core) of every screen in both themes, the CSP of the served page, and that the page logs
// no errors (a CSP violation would show up here). Needs `npm run build` first.
// NOTE: page.evaluate takes expression strings because this file is type-checked without DOM types.

import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SystemInfo } from '../../src/shared/contract';
import { accessibilityViolations } from './accessibility';
import { openScreen } from './navigate';
import { resultsDir, startSession, type E2eSession } from './session';

const screens = ['datasets', 'masking', 'train', 'runs', 'playground', 'models', 'settings'] as const;
const ortVersion = (createRequire(import.meta.url)('onnxruntime-node/package.json') as { version: string }).version;

let session: E2eSession;
let context: BrowserContext;
let page: Page;
let url: string;
let dataDir: string;
let pageErrors: string[];

beforeAll(async () => {
  // Tall enough for the longest screen (Settings with four providers): <main> scrolls, so
  // a full-page screenshot would not show more than the viewport.
  session = await startSession('browser', { viewport: { width: 1200, height: 900 } });
  ({ context, page, url, dataDir, pageErrors } = session);
  page.on('response', (response) => {
    if (response.status() >= 400) pageErrors.push(`HTTP ${response.status()} ${new URL(response.url()).pathname}`);
  });
});

afterAll(() => session?.close());

describe('the served UI in Chromium', () => {
  it('refuses the page without the token', async () => {
    const response = await page.goto(new URL('/', url).href);
    expect(response?.status()).toBe(401);
  });

  it('opens with the token and removes it from the address bar', async () => {
    const response = await page.goto(url);
    // The built page is served with a strict CSP: nothing inline, nothing remote.
    const csp = response?.headers()['content-security-policy'] ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toMatch(/unsafe-(inline|eval)|\*/);
    await page.getByTestId('screen-datasets').waitFor();
    expect(page.url()).not.toContain('token=');
    await expect(page.getByTestId('transport').textContent()).resolves.toBe('Browser mode');
  });

  it("connects its socket under the page's own connect-src 'self' (CSP3 takes ws: of the page's origin)", async () => {
    // A page of its own: the refused connection below logs a CSP error, which `page` must not.
    const probe = await context.newPage();
    try {
      const response = await probe.goto(url);
      const header = response?.headers()['content-security-policy'] ?? '';
      expect(header).toMatch(/(^|; )connect-src 'self'(;|$)/);
      await probe.getByTestId('screen-datasets').waitFor();
      const meta = await probe.evaluate(
        `document.querySelector('meta[http-equiv="Content-Security-Policy"]').getAttribute('content')`,
      );
      expect(meta).toMatch(/(^|; )connect-src 'self'(;|$)/);
      // The same server under its other name is another origin: the header (the policy with
      // frame-ancestors, which a meta cannot set) and the meta each refuse it; the page's own
      // origin is allowed by 'self' alone.
      const opened = await probe.evaluate(`new Promise((resolve) => {
        const token = encodeURIComponent(sessionStorage.getItem('spanfill.token'));
        window.refusedSockets = [];
        document.addEventListener('securitypolicyviolation', (event) => window.refusedSockets.push(
          (event.originalPolicy.includes('frame-ancestors') ? 'header ' : 'meta ') + event.blockedURI));
        const own = new WebSocket('ws://' + location.host + '/ws?token=' + token);
        own.onerror = () => resolve(false);
        own.onopen = () => {
          own.close();
          new WebSocket('ws://localhost:' + location.port + '/ws?token=' + token);
          resolve(true);
        };
      })`);
      expect(opened).toBe(true);
      // Each policy reports its refusal when it comes: done on the second.
      const refused = () => probe.evaluate<string[]>('[...window.refusedSockets].sort()');
      await expect.poll(async () => (await refused()).length, { timeout: 10_000 }).toBe(2);
      expect(await refused()).toEqual([
        expect.stringMatching(/^header ws:\/\/localhost:/),
        expect.stringMatching(/^meta ws:\/\/localhost:/),
      ]);
    } finally {
      await probe.close();
    }
  });

  it('visits every screen from the navigation, each with its empty state', async () => {
    for (const [index, screen] of screens.entries()) {
      const main = await openScreen(page, screen);
      await expect(page.getByTestId(`nav-${screen}`).getAttribute('aria-current')).resolves.toBe('page');
      const heading = await main.locator('h1').textContent();
      expect(heading?.toLowerCase()).toBe(screen);
      // Every screen says what it is for, even before it has anything to show.
      const lead = (await main.getByTestId('screen-lead').textContent())?.trim() ?? '';
      expect(lead.length, `${screen} says what it does`).toBeGreaterThan(40);
      if (screen === 'settings') await page.getByTestId('provider-cpu').waitFor();
      await page.screenshot({
        path: path.join(resultsDir, `${String(index + 1).padStart(2, '0')}-${screen}.png`),
      });
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
    expect(threads).toBe(os.availableParallelism());
  });

  it('shows in the System panel what `spanfill system --json` prints', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [
      'bin/spanfill.mjs',
      'system',
      '--json',
      '--data-dir',
      dataDir,
    ]);
    const cli = JSON.parse(stdout) as SystemInfo;
    await page.getByTestId('nav-settings').click();
    const text = async (testId: string): Promise<string> =>
      ((await page.getByTestId(testId).textContent()) ?? '').replace(/\s+/g, ' ').trim();
    expect(await text('app-version')).toBe(cli.appVersion);
    expect(await text('ort-version')).toBe(cli.ortVersion);
    expect(cli.ortTelemetry).toEqual({ off: true, variable: '1' });
    expect(await text('ort-telemetry')).toBe("onnxruntime's is off (ORT_DISABLE_TELEMETRY=1); Spanfill sends none");
    expect(await text('data-dir')).toBe(cli.dataDir);
    expect(await text('schema-version')).toBe(String(cli.schemaVersion));
    expect(await text('cpu-threads')).toBe(String(cli.cpuThreads));
    expect(await text('platform')).toBe(`${cli.platform}-${cli.arch}, Node ${cli.nodeVersion}`);
    const rows = page.locator('[data-testid^="provider-"][data-available]');
    expect(await rows.count()).toBe(cli.providers.length);
    for (const provider of cli.providers) {
      const row = page.getByTestId(`provider-${provider.name}`);
      await expect(row.getAttribute('data-available')).resolves.toBe(String(provider.available));
      // Backticked commands are shown as code, without the backticks.
      await expect(row.getByTestId('provider-reason').textContent()).resolves.toBe(
        (provider.reason ?? '').replaceAll('`', ''),
      );
    }
    expect(cli.probeError).toBeUndefined();
    await expect(page.getByTestId('probe-error').count()).resolves.toBe(0);
  });

  it('passes an accessibility audit on every screen, in the light and the dark theme', async () => {
    const found: string[] = [];
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      for (const screen of screens) {
        await openScreen(page, screen);
        // Screens load their lists after they show; audit what they settle on.
        await page.waitForLoadState('networkidle');
        await page.waitForTimeout(300);
        found.push(...(await accessibilityViolations(page)).map((v) => `${scheme} ${screen}: ${v}`));
      }
    }
    await page.emulateMedia({ colorScheme: 'light' });
    expect(found).toEqual([]);
  });

  it('switches to the dark theme and back', async () => {
    await page.getByTestId('theme-dark').check();
    await expect(page.evaluate('document.documentElement.dataset.theme')).resolves.toBe('dark');
    const background = await page.evaluate('getComputedStyle(document.body).backgroundColor');
    expect(background).toBe('rgb(20, 21, 23)');
    await page.screenshot({ path: path.join(resultsDir, '08-settings-dark.png') });
    await openScreen(page, 'datasets');
    await page.screenshot({ path: path.join(resultsDir, '09-datasets-dark.png') });
    await page.getByTestId('nav-settings').click();
    await page.getByTestId('theme-light').check();
    await expect(page.evaluate('document.documentElement.dataset.theme')).resolves.toBe('light');
  });

  it("follows the system's scheme until a theme is chosen", async () => {
    const background = () => page.evaluate('getComputedStyle(document.body).backgroundColor');
    await page.emulateMedia({ colorScheme: 'dark' });
    try {
      await page.getByTestId('theme-system').check();
      await expect(background()).resolves.toBe('rgb(20, 21, 23)');
      await page.getByTestId('theme-light').check();
      await expect(background()).resolves.toBe('rgb(247, 247, 245)');
      await page.getByTestId('theme-system').check();
      await page.emulateMedia({ colorScheme: 'light' });
      await expect(background()).resolves.toBe('rgb(247, 247, 245)');
    } finally {
      await page.emulateMedia({ colorScheme: 'light' });
      await page.getByTestId('theme-light').check();
    }
  });

  it('reaches every screen by keyboard alone', async () => {
    await page.goto(new URL('/#/datasets', url).href);
    // A fresh load, so Tab starts at the top rather than after the focused screen title (whose
    // screen now has form fields of its own).
    await page.reload();
    await page.getByTestId('screen-datasets').waitFor();
    const focusedTestId = (): Promise<unknown> => page.evaluate("document.activeElement?.getAttribute('data-testid')");
    await page.keyboard.press('Tab');
    await expect(page.evaluate('document.activeElement?.textContent')).resolves.toBe('Skip to content');
    await page.keyboard.press('Tab');
    await expect(focusedTestId()).resolves.toBe('nav-datasets');
    // Arrow keys walk the navigation, Enter opens the screen; the focus then moves to its title.
    for (const screen of screens.slice(1)) {
      await page.getByTestId('nav-datasets').focus();
      for (let step = 0; step < screens.indexOf(screen); step++) await page.keyboard.press('ArrowDown');
      await expect(focusedTestId()).resolves.toBe(`nav-${screen}`);
      await page.keyboard.press('Enter');
      await page.getByTestId(`screen-${screen}`).waitFor();
      await expect.poll(() => page.evaluate('document.activeElement?.id')).toBe('screen-title');
    }
    // ArrowUp from the first entry wraps to the last.
    await page.getByTestId('nav-datasets').focus();
    await page.keyboard.press('ArrowUp');
    await expect(focusedTestId()).resolves.toBe('nav-settings');
    // Alt+1…7 jumps to each screen from anywhere.
    for (const [index, screen] of screens.entries()) {
      await page.keyboard.press(`Alt+${index + 1}`);
      await page.getByTestId(`screen-${screen}`).waitFor();
    }
    // Settings' controls are in the tab order: Tab from the screen reaches the theme choice.
    await page.getByTestId('screen-settings').focus();
    await page.keyboard.press('Tab');
    await expect(focusedTestId()).resolves.toMatch(/^theme-/);
    await page.keyboard.press('Tab');
    await expect(page.evaluate('document.activeElement?.textContent?.trim()')).resolves.toMatch(
      /^(Probe again|Probing…)$/,
    );
  });

  it('says the connection failed when the socket is refused, instead of waiting forever', async () => {
    // The page itself loads; its socket is closed on the way for a reason other than its token
    // (one the server refuses sends the tab to the server's refusal instead: token.test.ts).
    const stale = await context.newPage();
    try {
      await stale.routeWebSocket(/\/ws/, (socket) => socket.close({ code: 1008, reason: 'refused' }));
      await stale.goto(`${url}#/settings`);
      await expect(stale.getByRole('alert').first().textContent()).resolves.toContain('Lost the connection');
      const panel = stale.getByTestId('system-panel');
      // The screen's failed call points to that note rather than repeating it.
      await panel.getByText('Not done: the connection to').waitFor({ timeout: 5000 });
      await expect(panel.textContent()).resolves.toContain('was lost (the note at the top says what to do)');
    } finally {
      await stale.close();
    }
  });

  it('logged no errors in the page (no CSP violations, no failed calls)', () => {
    // The first visit without the token is expected to fail with 401 (and log it).
    const unexpected = pageErrors.filter((line) => !line.includes('401'));
    expect(unexpected).toEqual([]);
  });
});
