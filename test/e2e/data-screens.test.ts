// End-to-end for the Datasets and Masking screens: import a file through the UI of the built
// `spanfill serve`, see it listed and shown, then preview its masking and typed text's.
// Screenshots go to test-results/. Needs `npm run build` first (like browser.test.ts).
// NOTE: page.evaluate takes expression strings because this file is type-checked without DOM types.

import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServe } from './serve';

const chromiumPath = process.env.SPANFILL_CHROMIUM ?? '/usr/bin/chromium';
const resultsDir = path.resolve('test-results');
let serveProcess: ChildProcess;
let context: BrowserContext;
let page: Page;
let url: string;
let dir: string;

beforeAll(async () => {
  if (!fs.existsSync('out/renderer/index.html')) throw new Error('The UI is not built: run `npm run build` first.');
  fs.mkdirSync(resultsDir, { recursive: true });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spanfill-e2e-data-screens-'));
  ({ child: serveProcess, url } = await startServe(path.join(dir, 'data')));
  context = await chromium.launchPersistentContext(path.join(dir, 'profile'), {
    executablePath: chromiumPath,
    headless: true,
    viewport: { width: 1200, height: 900 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-sync'],
  });
  page = context.pages()[0] ?? (await context.newPage());
});

afterAll(async () => {
  await context?.close();
  serveProcess?.kill('SIGINT');
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('Datasets and Masking screens', () => {
  it('imports a file and shows it', async () => {
    const file = path.join(dir, 'notes.txt');
    fs.writeFileSync(file, 'The cute dog walks in the green park.\n\nA second note about the quiet river at dawn.\n');
    await page.goto(url);
    await page.getByTestId('import-paths').fill(file);
    await page.getByTestId('import-start').click();
    await page.getByTestId('dataset-detail').waitFor();
    await expect(page.getByTestId('datasets-table').textContent()).resolves.toContain('notes.txt');
    await expect(page.getByTestId('dataset-detail').textContent()).resolves.toContain('2 documents');
    await page.getByTestId('tokenize').click();
    await page.getByTestId('token-stats').waitFor();
    await expect(page.getByTestId('token-stats').textContent()).resolves.toMatch(
      /\d+ tokens in all \(bytes \(ByT5 layout\)\)/,
    );
    await page.screenshot({ path: path.join(resultsDir, 'data-01-datasets.png') });
  });

  it('a bad file shows the engine message', async () => {
    const bin = path.join(dir, 'blob.txt');
    fs.writeFileSync(bin, Buffer.from([0x41, 0x00, 0x42]));
    await page.getByTestId('import-paths').fill(bin);
    await page.getByTestId('import-start').click();
    await page.getByTestId('datasets-error').waitFor();
    await expect(page.getByTestId('datasets-error').textContent()).resolves.toContain('looks like a binary file');
  });

  it('previews masking of typed text and of the dataset', async () => {
    await page.getByTestId('nav-masking').click();
    await page.getByTestId('mask-model').fill('bytes');
    await page.getByTestId('mask-preview').click();
    await page.getByTestId('mask-result').waitFor();
    const marks = await page.evaluate("document.querySelectorAll('[data-testid=mask-result] mark').length");
    expect(marks).toBeGreaterThan(0);
    await expect(page.getByTestId('mask-result').textContent()).resolves.toContain('<extra_id_0>');

    // The settings reach the preview: lengths from the golden HF table (64 @ 0.3 / 3 → 79 raw, target 33).
    await page.getByTestId('mask-density').fill('0.3');
    await page.getByTestId('mask-span').fill('3');
    await page.getByTestId('mask-length').fill('64');
    await page.getByTestId('mask-seed').fill('7');
    await page.getByTestId('mask-preview').click();
    await page.getByTestId('mask-seed-used').filter({ hasText: 'seed 7' }).waitFor();
    await expect(page.getByTestId('mask-lengths').textContent()).resolves.toMatch(
      /input 64 ← 79 raw tokens; target 33/,
    );
    const seeded = await page.getByTestId('mask-input').textContent();
    // Re-roll draws a new seed and a new mask (a few tries: two seeds can give the same mask).
    const rerolled: (string | null)[] = [];
    for (let i = 0; i < 3 && (rerolled.length === 0 || rerolled.every((t) => t === seeded)); i++) {
      const before = await page.getByTestId('mask-seed-used').textContent();
      await page.getByTestId('mask-reroll').click();
      await page
        .getByTestId('mask-seed-used')
        .filter({ hasNotText: new RegExp(`seed ${/seed (\d+)/.exec(before ?? '')?.[1]}\\s*$`) })
        .waitFor();
      rerolled.push(await page.getByTestId('mask-input').textContent());
    }
    expect(rerolled.some((t) => t !== seeded)).toBe(true);
    await expect(page.getByTestId('mask-lengths').textContent()).resolves.toMatch(/input 64 ← 79 raw tokens/);

    await page.getByLabel('A dataset example').check();
    await page.locator('select').first().selectOption({ label: 'notes.txt (2 documents)' });
    await page.getByTestId('mask-preview').click();
    await page.getByText(/of \d+ \((packed|per-document)\)/).waitFor();
    await page.screenshot({ path: path.join(resultsDir, 'data-02-masking.png') });
  });

  it("a dataset's first preview with a tokenizer shows the tokenizing progress, then the example", async () => {
    const many = path.join(dir, 'many.txt');
    const note = (i: number): string => `Note ${i}: the cute dog walks in the green park by the river.`;
    fs.writeFileSync(many, Array.from({ length: 20_000 }, (_, i) => note(i)).join('\n\n'));
    await page.getByTestId('nav-datasets').click();
    await page.getByTestId('import-paths').fill(many);
    await page.getByTestId('import-start').click();
    await page.getByTestId('dataset-detail').filter({ hasText: 'many.txt' }).waitFor();
    await page.getByTestId('nav-masking').click();
    await page.getByLabel('A dataset example').check();
    await page.locator('select').first().selectOption({ label: 'many.txt (20000 documents)' });
    await page.getByTestId('mask-model').fill(path.resolve('test/fixtures/t5/t5-tiny-spm'));
    await page.getByTestId('mask-length').fill('64');
    await page.getByTestId('mask-preview').click();
    await expect(page.getByTestId('mask-tokenizing').textContent()).resolves.toMatch(
      /Tokenizing the dataset for this tokenizer .*: \d+\s+of 20000 documents/,
    );
    await page.getByText(/of \d+ \(packed\)/).waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('mask-tokenizing').count()).toBe(0);
    await page.getByTestId('mask-mode').selectOption('per-document');
    await page.getByTestId('mask-preview').click();
    await page.getByText(/of \d+ \(per-document\)/).waitFor();
  });

  it('Cancel stops an import with progress shown, and nothing is added', async () => {
    await page.getByTestId('nav-datasets').click();
    const big = path.join(dir, 'big.txt');
    const paragraph = (i: number): string => `Paragraph ${i} of a long generated book, with some words in it.`;
    fs.writeFileSync(big, Array.from({ length: 1_000_000 }, (_, i) => paragraph(i)).join('\n\n')); // ~66 MB
    await page.getByTestId('import-paths').fill(big);
    await page.getByTestId('import-start').click();
    await page.getByLabel('Import progress').waitFor();
    const cancel = page.getByRole('button', { name: 'Cancel' });
    await expect.poll(() => cancel.isEnabled(), { timeout: 10_000 }).toBe(true);
    await cancel.click();
    await expect(page.getByTestId('datasets-error').textContent()).resolves.toMatch(/cancel/i);
    await expect(page.getByTestId('datasets-table').textContent()).resolves.not.toContain('big.txt');
  });

  it('removing a dataset asks first, and Keep keeps it', async () => {
    await page.getByTestId('nav-datasets').click();
    const row = page.getByRole('row').filter({ hasText: 'notes.txt' });
    await row.getByRole('button', { name: 'Remove' }).click();
    await expect(row.getByTestId('remove-confirm').textContent()).resolves.toContain(
      'Remove notes.txt and its 2 documents?',
    );
    await row.getByRole('button', { name: 'Keep' }).click();
    await expect(page.getByTestId('datasets-table').textContent()).resolves.toContain('notes.txt');
    await row.getByRole('button', { name: 'Remove' }).click();
    await row.getByRole('button', { name: 'Yes, remove' }).click();
    await row.waitFor({ state: 'detached' });
    await expect(page.getByTestId('datasets-table').textContent()).resolves.toContain('many.txt');
  });
});
