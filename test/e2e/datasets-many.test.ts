// End-to-end for datasets of many documents on the Datasets and Train screens of the built
// `spanfill serve`: with notes.txt (2 documents) and many.txt (20,000) imported from a terminal,
// a third of 20,000 imported through the UI is listed first on Train, where its first estimate
// with a tokenizer shows the tokenizing progress, then the estimate; Cancel stops a large
// import with its progress shown and adds nothing; removing a dataset asks first (Keep and
// Escape keep it) and the notice then names a paused run it leaves unable to resume; the
// train / validation split is written with thousands separators.
// Needs `npm run build` first (like browser.test.ts).

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importPaths as importPathsOn } from './datasetsPage';
import { openStore } from '../../src/main/store/db';
import { RunRepository } from '../../src/main/store/runs';
import { openScreen, openTrainForm } from './navigate';
import { startSession, type E2eSession } from './session';
import { addStoredRun } from './storedRuns';

let session: E2eSession;
let page: Page;
let dir: string;

beforeAll(async () => {
  session = await startSession('datasets-many', { viewport: { width: 1200, height: 900 } });
  ({ page, dir } = session);
  // The two datasets the Datasets and Masking screens leave (data-screens.test.ts), oldest first.
  const notes = path.join(dir, 'notes.txt');
  fs.writeFileSync(notes, 'The cute dog walks in the green park.\n\nA second note about the quiet river at dawn.\n');
  const many = path.join(dir, 'many.txt');
  fs.writeFileSync(many, Array.from({ length: 20_000 }, (_, i) => `Note ${i} of many.`).join('\n\n'));
  for (const file of [notes, many])
    execFileSync(process.execPath, ['bin/spanfill.mjs', 'import', file, '--data-dir', session.dataDir]);
  await page.goto(session.url);
}, 120_000);

afterAll(() => session?.close());

/** Types paths into the (folded) "paths on the machine running Spanfill" form and imports them. */
const importPaths = (file: string) => importPathsOn(page, file);

describe('Datasets of many documents', () => {
  it("a dataset's first Train estimate with a tokenizer shows the tokenizing progress, then the estimate", async () => {
    const more = path.join(dir, 'many-more.txt');
    const note = (i: number): string => `Another note ${i}: a hërön${i} wäits by the rëeds${i} ñ${i * 11}.`;
    fs.writeFileSync(more, Array.from({ length: 20_000 }, (_, i) => note(i)).join('\n\n'));
    await page.getByTestId('nav-datasets').click();
    await importPaths(more);
    await page.getByTestId('dataset-detail').filter({ hasText: 'many-more.txt' }).waitFor();
    await openTrainForm(page);
    // Newest first, as the tables list them, and chosen to start with.
    const options = page.getByTestId('train-dataset').locator('option');
    await expect(options.allTextContents()).resolves.toEqual([
      'many-more.txt (20,000 documents)',
      'many.txt (20,000 documents)',
      'notes.txt (2 documents)',
    ]);
    await page.getByTestId('train-dataset').selectOption({ label: 'many-more.txt (20,000 documents)' });
    await page.getByTestId('train-model').selectOption('folder');
    await page.getByTestId('train-model-path').fill(path.resolve('test/fixtures/t5/t5-tiny-spm'));
    await expect(page.getByTestId('estimate-tokenizing').textContent({ timeout: 30_000 })).resolves.toMatch(
      /^Tokenizing the dataset for this tokenizer .*: [\d,]+ of 20,000 documents…$/,
    );
    await page.getByTestId('estimate-tokenizing').waitFor({ state: 'detached', timeout: 60_000 });
    await expect(page.getByTestId('estimate-steps').textContent()).resolves.toMatch(/training examples/);
  });

  it('Cancel stops an import with progress shown, and nothing is added', async () => {
    await page.getByTestId('nav-datasets').click();
    const big = path.join(dir, 'big.txt');
    const paragraph = (i: number): string => `Paragraph ${i} of a long generated book, with some words in it.`;
    fs.writeFileSync(big, Array.from({ length: 1_000_000 }, (_, i) => paragraph(i)).join('\n\n')); // ~66 MB
    await importPaths(big);
    await page.getByLabel('Import progress').waitFor();
    const cancel = page.getByRole('button', { name: 'Cancel' });
    await expect.poll(() => cancel.isEnabled(), { timeout: 10_000 }).toBe(true);
    await cancel.click();
    await expect(page.getByTestId('datasets-notice').textContent()).resolves.toMatch(/cancel/i);
    await expect(page.getByTestId('datasets-table').textContent()).resolves.not.toContain('big.txt');
  });

  it('removing a dataset asks first, and Keep keeps it', async () => {
    await page.getByTestId('nav-datasets').click();
    const row = page.getByRole('row').filter({ hasText: 'notes.txt' });
    await row.getByRole('button', { name: 'Remove' }).click();
    await expect(row.getByTestId('remove-confirm').textContent()).resolves.toContain(
      'Remove notes.txt and its 2 documents? Runs trained on it keep their curves and checkpoints but can no longer be resumed. This cannot be undone.',
    );
    await row.getByRole('button', { name: 'Keep' }).click();
    await expect(page.getByTestId('datasets-table').textContent()).resolves.toContain('notes.txt');
    // Escape keeps too, as in a dialog.
    await row.getByRole('button', { name: 'Remove' }).click();
    await page.keyboard.press('Escape');
    await row.getByTestId('remove-confirm').waitFor({ state: 'detached' });
    // A paused run on it: the notice names the run it leaves unable to resume, as `datasets rm` does.
    const listed = execFileSync(process.execPath, [
      'bin/spanfill.mjs',
      'datasets',
      '--json',
      '--data-dir',
      session.dataDir,
    ]);
    const notesId = (JSON.parse(String(listed)) as { datasets: { id: string; name: string }[] }).datasets.find(
      (d) => d.name === 'notes.txt',
    )?.id;
    const store = openStore(session.dataDir);
    addStoredRun(new RunRepository(store.db), {
      id: 'r-pausedon',
      name: 'paused one',
      status: 'paused',
      totalSteps: 10,
      config: { datasetId: notesId },
    });
    store.close();
    await row.getByRole('button', { name: 'Remove' }).click();
    await row.getByRole('button', { name: 'Yes, remove' }).click();
    await row.waitFor({ state: 'detached' });
    await expect(page.getByTestId('datasets-notice').textContent()).resolves.toMatch(
      /^Removed notes\.txt and its 2 documents.*\. Run r-pausedon \("paused one", paused at step 0\) trained on it and can no longer be resumed/,
    );
    await expect(page.getByTestId('datasets-table').textContent()).resolves.toContain('many.txt');
  });

  it('writes the train / validation split with thousands separators, as the other counts', async () => {
    await openScreen(page, 'datasets');
    const split = page.getByRole('row').filter({ hasText: 'many-more.txt' }).getByTestId('dataset-split');
    const text = ((await split.textContent()) ?? '').trim();
    // 20,000 documents in all: the training part has thousands, each written with its comma.
    expect(text).toMatch(/^\d{1,2},\d{3} \/ \d{1,3}(,\d{3})?$/);
    const [train, validation] = text.split(' / ').map((count) => Number(count.replaceAll(',', '')));
    expect(train + validation).toBe(20_000);
  });
});
