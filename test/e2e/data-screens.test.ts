// End-to-end for the Datasets and Masking screens: import a file through the UI of the built
// `spanfill serve`, see it listed and shown, then preview its masking and typed text's, and a
// large dataset's first preview with its tokenizing progress; one imported from a terminal on
// the same data directory joins the open list, is renamed there and leaves it (and its open
// view) when removed there; one still importing there is listed as such. Datasets of many
// documents on the Datasets and Train screens are in datasets-many.test.ts.
// Screenshots go to test-results/. Needs `npm run build` first (like browser.test.ts).
// NOTE: page.evaluate takes expression strings because this file is type-checked without DOM types.

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessibilityViolations } from './accessibility';
import { importPaths as importPathsOn } from './datasetsPage';
import { openScreen } from './navigate';
import { spanfillJson } from './serve';
import { resultsDir, startSession, type E2eSession } from './session';
import { DatasetRepository } from '../../src/main/store/datasets';
import { openStore } from '../../src/main/store/db';

let session: E2eSession;
let page: Page;
let url: string;
let dir: string;
let dataDir: string;

beforeAll(async () => {
  session = await startSession('data-screens', { viewport: { width: 1200, height: 900 } });
  ({ page, url, dir, dataDir } = session);
});

afterAll(() => session?.close());

/** Types paths into the (folded) "paths on the machine running Spanfill" form and imports them. */
const importPaths = (file: string) => importPathsOn(page, file);

describe('Datasets and Masking screens', () => {
  it('with no dataset yet, Masking and Train say what to do instead of sending a request that must fail', async () => {
    await page.goto(url);
    await page.getByTestId('nav-masking').click();
    // It opens on a preview of its example text, before any button is pressed.
    await page.getByTestId('mask-result').waitFor();
    await expect(page.getByTestId('mask-input').textContent()).resolves.toContain('<extra_id_0>');
    await page.getByLabel('A dataset example').check();
    await expect(page.getByTestId('mask-missing').textContent()).resolves.toBe(
      'No dataset yet: import one on the Datasets screen, or mask typed text.',
    );
    await expect(page.getByTestId('mask-preview').isDisabled()).resolves.toBe(true);
    await expect(page.getByTestId('mask-reroll').isDisabled()).resolves.toBe(true);
    await page.getByLabel('Typed text').check();
    await page.getByTestId('mask-text').fill('  ');
    await expect(page.getByTestId('mask-missing').textContent()).resolves.toBe(
      'The text is empty or only blanks: type some text to mask.',
    );
    await expect(page.getByTestId('mask-preview').isDisabled()).resolves.toBe(true);
    await page.getByTestId('mask-text').fill('The cute dog walks in the green park');
    await expect(page.getByTestId('mask-preview').isEnabled()).resolves.toBe(true);
    expect(await page.getByTestId('mask-missing').count()).toBe(0);

    const train = await openScreen(page, 'train');
    await train.getByText(/^Pick the dataset to train on \(none yet\? import one on the Datasets screen\)$/).waitFor();
    await train.getByText('Pick a dataset first: the estimate counts its examples.').waitFor();
    expect(await train.getByText(/spanfill datasets list/).count()).toBe(0);
    await expect(page.getByTestId('train-start').isDisabled()).resolves.toBe(true);
    await page.getByTestId('nav-datasets').click();
  });

  it('imports a file and shows it', async () => {
    const file = path.join(dir, 'notes.txt');
    fs.writeFileSync(file, 'The cute dog walks in the green park.\n\nA second note about the quiet river at dawn.\n');
    await importPaths(file);
    await page.getByTestId('dataset-detail').waitFor();
    // A successful import says what it made and empties the path box for the next one.
    await expect(page.getByTestId('datasets-notice').textContent()).resolves.toBe(
      'Imported notes.txt: 2 documents (1 for training, 1 for validation).',
    );
    await expect(page.getByTestId('import-paths').inputValue()).resolves.toBe('');
    await expect(page.getByTestId('datasets-table').textContent()).resolves.toContain('notes.txt');
    await expect(page.getByTestId('dataset-detail').textContent()).resolves.toContain('2 documents');
    // Its documents are numbered as people count: the first one 1 (the list's marker), not 0.
    const documents = page.getByTestId('dataset-documents');
    await expect(documents.locator('li').first().textContent()).resolves.toContain('The cute dog walks');
    await expect(page.evaluate("document.querySelector('[data-testid=dataset-documents]').start")).resolves.toBe(1);
    await expect(page.getByTestId('dataset-imported').textContent()).resolves.toMatch(
      /^\s*Imported (today|yesterday) \d{1,2}:\d{2}/,
    );
    // A model folder not typed yet cannot be counted with.
    await page.getByTestId('tokenize-model-choice').selectOption('folder');
    await expect(page.getByTestId('tokenize').isDisabled()).resolves.toBe(true);
    await page.getByTestId('tokenize-model-choice').selectOption('bytes');
    await page.getByTestId('tokenize').click();
    await page.getByTestId('token-stats').waitFor();
    // Says which documents each count covers (all of them; the training side for examples).
    await expect(page.getByTestId('token-stats').textContent()).resolves.toMatch(
      /^All 2 documents \(training and validation\) come to \d+\s+tokens with the bytes \(ByT5 layout\) tokenizer\.\s+Training uses the training documents only/,
    );
    await expect(page.getByTestId('token-note').first().textContent()).resolves.toMatch(
      /^Note \(training documents\): These documents have \d+ tokens/,
    );
    // The table counts the tokens now too.
    await expect(page.getByTestId('datasets-table').textContent()).resolves.toMatch(/\d+ · bytes \(ByT5 layout\)/);
    await page.getByTestId('dataset-detail').scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(resultsDir, 'data-01-datasets.png') });
    expect(await accessibilityViolations(page)).toEqual([]);
  });

  it('a bad file shows the engine message', async () => {
    const bin = path.join(dir, 'blob.txt');
    fs.writeFileSync(bin, Buffer.from([0x41, 0x00, 0x42]));
    await importPaths(bin);
    await page.getByTestId('datasets-error').waitFor();
    await expect(page.getByTestId('datasets-error').textContent()).resolves.toContain('looks like a binary file');
  });

  it('previews masking of typed text and of the dataset', async () => {
    await page.getByTestId('nav-masking').click();
    // It opens on a run's defaults and takes the densities `spanfill mask` takes (0.001 to 0.999).
    await expect(page.getByTestId('mask-length').inputValue()).resolves.toBe('128');
    await expect(page.getByTestId('mask-density').inputValue()).resolves.toBe('0.15');
    await page.getByTestId('mask-density').fill('0.005');
    expect(await page.getByTestId('mask-density-error').count()).toBe(0);
    await page.getByTestId('mask-density').fill('0.0005');
    await expect(page.getByTestId('mask-density-error').textContent()).resolves.toBe('Noise density must be ≥ 0.001');
    await page.getByTestId('mask-density').fill('0.15');
    await page.getByTestId('mask-model-choice').selectOption('bytes');
    await page.getByTestId('mask-preview').click();
    await page.getByTestId('mask-result').waitFor();
    const marks = await page.evaluate("document.querySelectorAll('[data-testid=mask-result] mark').length");
    expect(marks).toBeGreaterThan(0);
    await expect(page.getByTestId('mask-result').textContent()).resolves.toContain('<extra_id_0>');
    // Typed "</s>" is text (bytes, here), not an end of document: the one end marked is the EOS
    // added after the text (masked with it, as HF masks a text), hidden in the last noise span
    // (a mask ends in noise).
    const before = await page.getByTestId('mask-input').textContent();
    await page.getByTestId('mask-text').fill('The cute dog wrote </s> in the green park');
    await page.getByTestId('mask-seed').fill('4'); // a mask that keeps the typed </s> in one piece
    await page.getByTestId('mask-preview').click();
    await expect.poll(() => page.getByTestId('mask-input').textContent()).not.toBe(before);
    const masked = await page.evaluate(
      "document.querySelector('[data-testid=mask-result] .masked').textContent.replace(/<extra_id_\\d+>/g, '')",
    );
    expect(masked).toBe('The cute dog wrote </s> in the green park</s>');
    expect(await page.getByTestId('mask-document-end').count()).toBe(1);
    await expect(
      page.evaluate(
        "document.querySelector('[data-testid=mask-result] .masked mark:last-of-type [data-testid=mask-document-end]') !== null",
      ),
    ).resolves.toBe(true);
    await page.getByTestId('mask-text').fill('The cute dog walks in the green park');

    // The settings reach the preview: lengths from the golden HF table (64 @ 0.3 / 3 → 79 raw, target 33).
    await page.getByTestId('mask-density').fill('0.3');
    await page.getByTestId('mask-span').fill('3');
    await page.getByTestId('mask-length').fill('64');
    await page.getByTestId('mask-seed').fill('7');
    await page.getByTestId('mask-preview').click();
    await page.getByTestId('mask-seed-used').filter({ hasText: 'seed 7' }).waitFor();
    await expect(page.getByTestId('mask-lengths').textContent()).resolves.toMatch(
      /input 64 and target 33, from 79 tokens of text in a full example/,
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
    await expect(page.getByTestId('mask-lengths').textContent()).resolves.toMatch(
      /input 64 and target 33, from 79 tokens of text/,
    );

    // The newest ready dataset is picked already (as on Train).
    await page.getByLabel('A dataset example').check();
    await expect(page.getByTestId('mask-dataset').inputValue()).resolves.toMatch(/^ds-/);
    await expect(page.getByTestId('mask-dataset').locator('option:checked').textContent()).resolves.toBe(
      'notes.txt (2 documents)',
    );
    await page.getByTestId('mask-preview').click();
    await page.getByText(/of \d+ \((packed|per-document)\)/).waitFor();
    await page.screenshot({ path: path.join(resultsDir, 'data-02-masking.png') });
    expect(await accessibilityViolations(page)).toEqual([]);
  });

  it('keeps its text, settings and preview when another screen opens and it comes back', async () => {
    const typed = 'Kept while the Datasets screen is open.';
    await page.getByLabel('Typed text').check();
    await page.getByTestId('mask-text').fill(typed);
    await page.getByTestId('mask-seed').fill('11');
    await page.getByTestId('mask-preview').click();
    await page.getByTestId('mask-seed-used').filter({ hasText: 'seed 11' }).waitFor();
    const input = await page.getByTestId('mask-input').textContent();
    expect(input).toContain('<extra_id_0>');
    await openScreen(page, 'datasets');
    await openScreen(page, 'masking');
    await expect(page.getByTestId('mask-text').inputValue()).resolves.toBe(typed);
    await expect(page.getByTestId('mask-seed').inputValue()).resolves.toBe('11');
    await expect(page.getByTestId('mask-length').inputValue()).resolves.toBe('64');
    await expect(page.getByTestId('mask-input').textContent()).resolves.toBe(input);
  });

  it('says what the counts mean, keeps large seeds readable, explains a mask no seed changes, never shows a stale result', async () => {
    const tinySpm = path.resolve('test/fixtures/t5/t5-tiny-spm');
    await page.getByLabel('Typed text').check();
    await page.getByTestId('mask-model-choice').selectOption('folder');
    await page.getByTestId('mask-model').fill(tinySpm);
    await page.getByTestId('mask-density').fill('0.15');
    await page.getByTestId('mask-span').fill('3');
    await page.getByTestId('mask-length').fill('16');
    await page.getByTestId('mask-seed').fill('4294967295');
    // The whole path and the whole ten-digit seed fit their boxes.
    const cutOff = await page.evaluate(
      "['mask-model', 'mask-seed'].filter((id) => { const el = document.querySelector(`[data-testid=${id}]`); return el.scrollWidth > el.clientWidth; })",
    );
    expect(cutOff).toEqual([]);
    await page.getByTestId('mask-preview').click();
    await page.getByTestId('mask-seed-used').filter({ hasText: 'seed 4294967295' }).waitFor();
    await expect(page.getByTestId('mask-counts').textContent()).resolves.toMatch(
      /^17 tokens in this example, of which 3 are hidden in\s+1 noise span; the input has 16, the target\s+5$/,
    );
    // The reported case (input length 16, t5-tiny-spm): one noise span, so every seed masks the end; it says so.
    await expect(page.getByTestId('mask-note').last().textContent()).resolves.toMatch(
      /^Note: Every seed gives this same mask: 17 tokens at this noise density make one noise span of 3 token\(s\)/,
    );
    await page.getByTestId('mask-result').scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(resultsDir, 'data-03-masking-one-span.png') });
    // A tokenizer error replaces the result it no longer answers, and a missing folder is called missing.
    // An emptied folder box is asked for, not sent.
    await page.getByTestId('mask-model').fill('');
    await expect(page.getByTestId('mask-missing').textContent()).resolves.toBe(
      'Pick a tokenizer, or type the path of a model folder.',
    );
    await expect(page.getByTestId('mask-preview').isDisabled()).resolves.toBe(true);
    const missing = path.join(dir, 'no-such-model');
    await page.getByTestId('mask-model').fill(missing);
    await page.getByTestId('mask-preview').click();
    await page.getByTestId('mask-error').waitFor();
    await expect(page.getByTestId('mask-error').textContent()).resolves.toContain(
      `Model folder ${missing} does not exist`,
    );
    expect(await page.getByTestId('mask-result').count()).toBe(0);
    await page.screenshot({ path: path.join(resultsDir, 'data-04-masking-error.png') });
    expect(await accessibilityViolations(page)).toEqual([]);
    // Switching the source to a dataset clears the typed text's result.
    await page.getByTestId('mask-model-choice').selectOption('bytes');
    await page.getByTestId('mask-preview').click();
    await page.getByTestId('mask-result').waitFor();
    // The picker offers bytes, the built-in model, the registered models (none here) and a
    // folder; a model picked there masks with its tokenizer, as its folder would.
    const choices = await page.evaluate(
      "[...document.querySelectorAll('[data-testid=mask-model-choice] option')].map((o) => o.value)",
    );
    expect(choices).toEqual(['bytes', 'builtin:byt5-tiny', 'folder']);
    await page.getByTestId('mask-model-choice').selectOption('builtin:byt5-tiny');
    await page.getByTestId('mask-preview').click();
    await page.getByTestId('mask-seed-used').filter({ hasText: 'byt5-tiny, seed' }).waitFor();
    await page.getByLabel('A dataset example').check();
    expect(await page.getByTestId('mask-result').count()).toBe(0);
    expect(await page.getByTestId('mask-error').count()).toBe(0);
    await page.getByLabel('Typed text').check();
  });

  it("a dataset's first preview with a tokenizer shows the tokenizing progress, then the example", async () => {
    const many = path.join(dir, 'many.txt');
    // Words unique to each note, with non-ASCII letters, so the tokenizer's per-word memo cannot
    // make the first pass too quick to show its progress.
    const note = (i: number): string =>
      `Note ${i}: the cüte dög${i} wälks in the grëen pärk${i} by the rïver${i} ñ${i * 7}.`;
    fs.writeFileSync(many, Array.from({ length: 20_000 }, (_, i) => note(i)).join('\n\n'));
    await page.getByTestId('nav-datasets').click();
    await importPaths(many);
    await page.getByTestId('dataset-detail').filter({ hasText: 'many.txt' }).waitFor();
    await page.getByTestId('nav-masking').click();
    await page.getByLabel('A dataset example').check();
    await page.locator('select').first().selectOption({ label: 'many.txt (20,000 documents)' });
    await page.getByTestId('mask-model-choice').selectOption('folder');
    await page.getByTestId('mask-model').fill(path.resolve('test/fixtures/t5/t5-tiny-spm'));
    await page.getByTestId('mask-length').fill('64');
    await page.getByTestId('mask-preview').click();
    await expect(page.getByTestId('mask-tokenizing').textContent()).resolves.toMatch(
      /^Tokenizing the dataset for this tokenizer .*: [\d,]+ of 20,000 documents…$/,
    );
    await page.getByText(/of \d+ \(packed\)/).waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('mask-tokenizing').count()).toBe(0);
    // A particular example, then the next one.
    await page.getByTestId('mask-example').fill('5');
    await page.getByTestId('mask-preview').click();
    await page
      .getByTestId('mask-example-shown')
      .filter({ hasText: /^\s*5 of \d+ \(packed\)/ })
      .waitFor();
    await page.getByTestId('mask-next').click();
    await page
      .getByTestId('mask-example-shown')
      .filter({ hasText: /^\s*6 of \d+ \(packed\)/ })
      .waitFor();
    // Notes packed into one example: the </s> between them is marked as a token, not shown as text.
    await expect(page.getByTestId('mask-document-end').first().textContent()).resolves.toBe('</s>');
    await page.getByTestId('mask-result').scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(resultsDir, 'data-05-masking-example.png') });
    await page.getByTestId('mask-example').fill('');
    await page.getByTestId('mask-mode').selectOption('per-document');
    await page.getByTestId('mask-preview').click();
    await page.getByText(/of \d+ \(per-document\)/).waitFor();
  });

  it('lists a dataset imported from a terminal on the same data directory while the screen is open', async () => {
    await openScreen(page, 'datasets');
    const file = path.join(dir, 'from-terminal.txt');
    fs.writeFileSync(file, 'Imported from a terminal.\n\nA second paragraph.\n');
    execFileSync(process.execPath, ['bin/spanfill.mjs', 'import', file, '--data-dir', dataDir]);
    await page.getByTestId('datasets-table').getByText('from-terminal.txt').waitFor({ timeout: 10_000 });
    // Opened, then renamed and removed in the terminal: the view shows the new name, then closes and
    // says why, and the list drops it (and the Masking screen the preview of its example).
    const listed = spanfillJson<{ datasets: { id: string; name: string }[] }>(dataDir, ['datasets']);
    const id = listed.datasets.find((d) => d.name === 'from-terminal.txt')?.id ?? '';
    await page.getByTestId('datasets-table').getByRole('button', { name: 'from-terminal.txt', exact: true }).click();
    await page.getByTestId('dataset-detail').waitFor();
    spanfillJson(dataDir, ['datasets', 'rename', id, 'renamed in a terminal']);
    await expect
      .poll(() => page.locator('#detail-title').textContent(), { timeout: 10_000 })
      .toBe(`renamed in a terminal ${id}`);
    await page.getByTestId('datasets-table').getByText('renamed in a terminal').waitFor();
    // Its example on the Masking screen when it goes: the preview goes too, saying why.
    await openScreen(page, 'masking');
    await page.getByLabel('A dataset example').check();
    await page.getByTestId('mask-dataset').selectOption(id);
    await page.getByTestId('mask-preview').click();
    await page.getByTestId('mask-result').waitFor();
    execFileSync(process.execPath, ['bin/spanfill.mjs', 'datasets', 'rm', id, '--data-dir', dataDir]);
    await expect
      .poll(() => page.getByTestId('mask-error').textContent(), { timeout: 10_000 })
      .toBe('The dataset this preview came from was removed.');
    expect(await page.getByTestId('mask-result').count()).toBe(0);
    await openScreen(page, 'datasets');
    await expect
      .poll(() => page.getByTestId('datasets-notice').textContent(), { timeout: 10_000 })
      .toBe(`Dataset renamed in a terminal (${id}) was removed.`);
    expect(await page.getByTestId('dataset-detail').count()).toBe(0);
    expect(await page.getByTestId('datasets-table').getByText('renamed in a terminal').count()).toBe(0);
  });

  it('lists a dataset another process is importing as importing, with nothing to do on it, until it goes', async () => {
    await openScreen(page, 'datasets');
    // The row a `spanfill import` in a terminal writes as it starts (this test's process stands in
    // for it), then deletes when cancelled.
    const store = openStore(dataDir);
    try {
      const repo = new DatasetRepository(store.db);
      repo.create({
        id: 'ds-elsewhere',
        name: 'big-import.txt',
        sourcePath: '/big-import.txt',
        importingPid: process.pid,
      });
      const row = page.getByTestId('datasets-table').locator('tr', { hasText: 'big-import.txt' });
      await row.waitFor({ timeout: 10_000 });
      await expect(row.textContent()).resolves.toContain('importing…');
      expect(await row.getByRole('button').count()).toBe(0);
      repo.delete('ds-elsewhere');
      await row.waitFor({ state: 'detached', timeout: 10_000 });
    } finally {
      store.close();
    }
  });
});
