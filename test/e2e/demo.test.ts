// End-to-end for the first launch and the demo: `spanfill serve` on an empty data directory
// offers the sample on the Datasets screen (and imports it), and `spanfill demo --serve` (a
// short run) links to the run it trained by the run's address (#/train/ID), its loss chart drawn,
// and leaves its dataset on the Datasets screen of the UI it then serves. The run is listed on
// the Runs screen, opens from there at the same address (kept by a reload, left by Back), and
// the Playground fills a prompt with its checkpoint; an address naming no run here says so.
// Screenshots go to test-results/. Needs `npm run build` first. (The demo's scores themselves
// are checked by test/main/cli/commands/demo.test.ts.)

import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './chromium';
import { spanfillJson, startServe, startServing } from './serve';

const resultsDir = path.resolve('test-results');
const children: ChildProcess[] = [];
let context: BrowserContext;
let page: Page;
let dir: string;

beforeAll(async () => {
  if (!fs.existsSync('out/renderer/index.html')) throw new Error('The UI is not built: run `npm run build` first.');
  fs.mkdirSync(resultsDir, { recursive: true });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spanfill-e2e-demo-'));
  ({ context, page } = await launchChromium(path.join(dir, 'profile'), { width: 1200, height: 900 }));
});

afterAll(async () => {
  await context?.close();
  for (const child of children) child.kill('SIGINT');
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('first launch and the demo', () => {
  it('an empty data directory offers the sample and the demo, and imports the sample', async () => {
    const served = await startServe(path.join(dir, 'empty'));
    children.push(served.child);
    await page.goto(served.url);
    await page.getByTestId('sample-offer').waitFor();
    // The demo named with the data directory this serve was started with (it chose one), as other commands are.
    await page
      .getByTestId('demo-hint')
      .filter({ hasText: `npm run demo -- --data-dir ${path.join(dir, 'empty')} imports the sample` })
      .waitFor();
    await expect(page.getByTestId('demo-hint').textContent()).resolves.toContain('in a minute or two on the CPU');
    await page.screenshot({ path: path.join(resultsDir, 'demo-01-empty-offer.png') });
    await page.getByTestId('import-sample').click();
    await page.getByTestId('dataset-detail').waitFor();
    await expect(page.getByTestId('datasets-notice').textContent()).resolves.toMatch(
      /^Imported Sample: public-domain founding documents: \d+ paragraphs\./,
    );
    await expect(page.getByTestId('datasets-table').textContent()).resolves.toContain('Sample: public-domain');
    await expect(page.getByTestId('sample-offer').count()).resolves.toBe(0);
    await page.screenshot({ path: path.join(resultsDir, 'demo-02-sample-imported.png') });
    // Its documents, 5 at first, 20 more per press up to the first 100.
    const listed = page.getByTestId('dataset-documents').locator('li');
    await expect(listed.count()).resolves.toBe(5);
    await expect(page.getByTestId('dataset-more').textContent()).resolves.toMatch(/^\s*Show 20 more of\s+\d{3}\s*$/);
    await page.getByTestId('dataset-more').click();
    await expect.poll(() => listed.count()).toBe(25);
    for (let shown = 25; shown < 100; shown += 20) {
      await page.getByTestId('dataset-more').click();
      await expect.poll(() => listed.count()).toBe(Math.min(shown + 20, 100));
    }
    await expect(page.getByTestId('dataset-more').count()).resolves.toBe(0);
    await expect(page.getByTestId('dataset-more-limit').textContent()).resolves.toMatch(/^\s*The first 100 of \d{3};/);
  }, 60_000);

  it('spanfill demo --serve serves the UI with the demo dataset', async () => {
    const served = await startServing([
      'demo',
      '--steps',
      '20',
      '--serve',
      '--json',
      '--data-dir',
      path.join(dir, 'demo'),
    ]);
    children.push(served.child);
    const result = served.result as { datasetId: string; runId: string; url: string };
    // Its link is the run's address: the Train screen showing it.
    expect(result.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:\\d+/\\?token=[\\w-]+#/train/${result.runId}$`));
    expect(result.runId).toMatch(/^r-/);
    // The run is an ordinary stored one.
    const listed = spanfillJson<{ runs: { id: string; status: string; datasetId: string }[] }>(path.join(dir, 'demo'), [
      'runs',
    ]);
    expect(listed.runs).toEqual([
      expect.objectContaining({ id: result.runId, status: 'completed', datasetId: result.datasetId }),
    ]);
    // The link opens the run it trained: its loss curve, a point per step.
    await page.goto(served.url);
    const chart = page.getByTestId('chart-loss');
    await chart.waitFor();
    await expect.poll(async () => Number(await chart.getAttribute('data-points'))).toBe(20);
    await page.screenshot({ path: path.join(resultsDir, 'demo-05-run-loss.png') });
    await page.getByTestId('nav-datasets').click();
    await expect(page.getByTestId('datasets-table').textContent()).resolves.toContain('Sample: public-domain');
    await page.getByTestId('datasets-table').getByText('Sample: public-domain').first().click();
    await page.getByTestId('dataset-detail').waitFor();
    await page.screenshot({ path: path.join(resultsDir, 'demo-03-demo-dataset.png') });
    await page.getByTestId('nav-runs').click();
    const row = page.getByTestId(`run-row-${result.runId}`);
    await expect(row.getByTestId('run-status').textContent()).resolves.toBe('completed');
    await page.screenshot({ path: path.join(resultsDir, 'demo-04-runs.png') });

    // Opened from Runs it has its address too: a reload shows it again, and Back returns to Runs.
    await row.getByTestId('run-open').click();
    await chart.waitFor();
    const runAddress = `#/train/${result.runId}`;
    expect(new URL(page.url()).hash).toBe(runAddress);
    await page.reload();
    await expect.poll(async () => Number(await chart.getAttribute('data-points'))).toBe(20);
    await page.goBack();
    await row.waitFor();
    await page.goForward();
    await chart.waitFor();

    // "Open in Playground" ticks its checkpoint there; it fills next to the untrained built-in model.
    await page.getByTestId('run-open-playground').click();
    const picker = page.getByTestId('model-picker');
    const checkpoint = picker.locator('label', { hasText: /run .* · step \d+ \(best/ });
    await expect(checkpoint.locator('input').isChecked()).resolves.toBe(true);
    await expect(picker.getByTestId('pick-builtin').isChecked()).resolves.toBe(true);
    await page.getByTestId('fill').click();
    const columns = page.getByTestId('results').getByTestId('fill-column');
    await expect(columns.count()).resolves.toBe(2);
    for (let i = 0; i < 2; i++) await columns.nth(i).getByTestId('fill-text').waitFor({ timeout: 60_000 });
    await expect(columns.nth(1).locator('h3').textContent()).resolves.toMatch(/^run .* · step \d+ \(best/);
    await expect(page.getByTestId('fill-error').count()).resolves.toBe(0);
    await page.getByTestId('results').scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(resultsDir, 'demo-06-playground-checkpoint.png'), fullPage: true });

    // An address naming a run that is not here opens the new-run form and says so.
    await page.evaluate("location.hash = '#/train/r-00000000'");
    await expect(page.getByTestId('train-notice').textContent()).resolves.toBe(
      'The address names run r-00000000, which is not in this data directory (removed, or never here): ' +
        'the Runs screen lists the runs there are.',
    );
    expect(new URL(page.url()).hash).toBe('#/train');
    await page.evaluate(`location.hash = '${runAddress}'`);
    await chart.waitFor();
    await expect(page.getByTestId('train-notice').count()).resolves.toBe(0);
  }, 240_000);
});
