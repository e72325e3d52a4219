// End-to-end for adding a person's own files in browser mode (issue #12): a text file from this
// test's temp folder dropped onto the window, picked with the file dialog and as a folder is
// uploaded to the built `spanfill serve` and imported; an upload over the limit, a binary file
// and a cancelled upload (or import of typed paths) each show a clear message and leave the store
// (and the upload folder) as they were; rename; and the Masking screen's settings carried to Train.
// The upload limit is set small through SPANFILL_UPLOAD_LIMIT_BYTES. Screenshots go to
// test-results/upload-*.png. Needs `npm run build` first.
// NOTE: page.evaluate takes expression strings because this file is type-checked without DOM types.

import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './chromium';
import { dropFiles } from './dropFiles';
import { isHeld } from './keyboardFocus';
import { slowLargeUpload, slowRequests } from './network';
import { startServe } from './serve';

const resultsDir = path.resolve('test-results');
const uploadLimit = 64 * 1024 * 1024;
let serveProcess: ChildProcess;
let context: BrowserContext;
let page: Page;
let url: string;
let dir: string;
let dataDir: string;
const pageErrors: string[] = [];

beforeAll(async () => {
  if (!fs.existsSync('out/renderer/index.html')) throw new Error('The UI is not built: run `npm run build` first.');
  fs.mkdirSync(resultsDir, { recursive: true });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spanfill-e2e-upload-'));
  dataDir = path.join(dir, 'data');
  ({ child: serveProcess, url } = await startServe(dataDir, { SPANFILL_UPLOAD_LIMIT_BYTES: String(uploadLimit) }));
  ({ context, page } = await launchChromium(path.join(dir, 'profile'), { width: 1280, height: 800 }));
  page.on('pageerror', (error) => pageErrors.push(`pageerror: ${error.message}`));
  await page.goto(url);
});

afterAll(async () => {
  await context?.close();
  serveProcess?.kill('SIGINT');
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

function shot(name: string): Promise<Buffer> {
  return page.screenshot({ path: path.join(resultsDir, `upload-${name}.png`) });
}

/** Names in the datasets table (empty when there is no table yet). */
async function datasetNames(): Promise<string[]> {
  if ((await page.getByTestId('datasets-table').count()) === 0) return [];
  return page.getByTestId('datasets-table').locator('tbody tr td:first-child').allTextContents();
}

/** What the server holds of uploads: nothing once an upload is imported, refused or cancelled. */
function uploadsLeft(): string[] {
  const uploads = path.join(dataDir, 'uploads');
  return fs.existsSync(uploads) ? (fs.readdirSync(uploads, { recursive: true }) as string[]) : [];
}

/** Drops `file` (read from disk here) onto the page body, or only drags it over (`andDrop` false). */
const dropFile = (file: string, options?: { andDrop?: boolean }): Promise<void> =>
  dropFiles(page, [{ name: path.basename(file), content: fs.readFileSync(file) }], options);

describe('adding files in browser mode', () => {
  it('a text file dropped onto the window is uploaded and imported', async () => {
    await expect(page.getByTestId('datasets-empty').textContent()).resolves.toMatch(
      /Drop a text file onto this window/,
    );
    await shot('01-empty');
    const file = path.join(dir, 'river-notes.txt');
    fs.writeFileSync(file, 'The quiet river at dawn.\n\nA heron waits by the reeds.\n\nMist lifts over the water.\n');
    // While dragging, the whole window says what a drop will do.
    await page.getByTestId('nav-masking').click();
    await dropFile(file, { andDrop: false });
    await page.getByTestId('drop-overlay').waitFor();
    await shot('02-dragging');
    await page.evaluate(`document.body.dispatchEvent(new DragEvent('dragleave', { bubbles: true }))`);
    await page.getByTestId('drop-overlay').waitFor({ state: 'detached' });

    await dropFile(file);
    await page.getByTestId('screen-datasets').waitFor(); // a drop on any screen goes to Datasets
    await page.getByTestId('datasets-notice').waitFor();
    await expect(page.getByTestId('datasets-notice').textContent()).resolves.toBe(
      'Imported river-notes.txt: 3 documents (2 for training, 1 for validation).',
    );
    expect(await datasetNames()).toEqual(['river-notes.txt']);
    await expect(page.getByTestId('dataset-documents').textContent()).resolves.toContain('A heron waits by the reeds.');
    // The page deletes the uploaded copy once imported, a request that may land after the notice.
    await expect.poll(uploadsLeft).toEqual([]);
    await shot('03-dropped-and-imported');
  });

  it('files chosen with the file dialog, and a folder, are uploaded and imported', async () => {
    const file = path.join(dir, 'picked.md');
    fs.writeFileSync(file, '# Picked\n\nA note chosen in the file dialog.\n\nIts second paragraph.\n');
    await page.getByTestId('pick-files').setInputFiles(file);
    await page.getByTestId('datasets-notice').filter({ hasText: 'picked.md' }).waitFor();
    await expect(page.getByTestId('datasets-notice').textContent()).resolves.toMatch(
      /^Imported picked\.md: 2 documents/,
    );
    // The notice says the import has ended: the pickers take the next choice at once.
    await expect(isHeld(page, 'pick-folder')).resolves.toBe(false);

    const folder = path.join(dir, 'journal');
    fs.mkdirSync(path.join(folder, 'may'), { recursive: true });
    fs.writeFileSync(path.join(folder, 'april.txt'), 'Rain all week in April.\n');
    fs.writeFileSync(path.join(folder, 'may', 'first.txt'), 'The first warm day of May.\n');
    await page.getByTestId('pick-folder').setInputFiles(folder);
    await page.getByTestId('datasets-notice').filter({ hasText: 'journal' }).waitFor();
    await expect(page.getByTestId('datasets-notice').textContent()).resolves.toMatch(/^Imported journal: 2 documents/);
    // Newest first, as the runs are listed.
    expect(await datasetNames()).toEqual(['journal', 'picked.md', 'river-notes.txt']);
    await expect.poll(uploadsLeft).toEqual([]);
    await shot('04-picked');
  });

  it('a folder sends only what the import reads from folders and says what it left behind', async () => {
    const folder = path.join(dir, 'scans');
    fs.mkdirSync(path.join(folder, '.git'), { recursive: true });
    fs.writeFileSync(path.join(folder, 'transcript.txt'), 'The one page that was typed up.\n');
    fs.writeFileSync(path.join(folder, 'page-1.pdf'), Buffer.from('%PDF-1.4 not really\0'));
    fs.writeFileSync(path.join(folder, 'page-2.pdf'), Buffer.from('%PDF-1.4 not really\0'));
    fs.writeFileSync(path.join(folder, '.git', 'HEAD'), 'ref: refs/heads/main\n');
    const sent: string[] = [];
    const onRequest = (request: { method(): string; url(): string }): void => {
      const url = new URL(request.url());
      if (request.method() === 'PUT' && url.pathname.startsWith('/upload/'))
        sent.push(url.searchParams.get('name') ?? '');
    };
    page.on('request', onRequest);
    try {
      await page.getByTestId('pick-folder').setInputFiles(folder);
      await page.getByTestId('datasets-notice').filter({ hasText: 'scans' }).waitFor();
    } finally {
      page.off('request', onRequest);
    }
    expect([...new Set(sent)]).toEqual(['scans/transcript.txt']);
    // Said with the import's notice, not after it.
    await expect(page.getByTestId('datasets-notice').textContent()).resolves.toBe(
      'Imported scans: 1 document (used for both training and validation). Skipped 2 files in scans that are not ' +
        '.txt .text .md .markdown .jsonl .ndjson .csv .tsv .tab (2 .pdf); save their text as .txt to import it, or give a plain-text file by name',
    );
    await expect.poll(uploadsLeft).toEqual([]);
  });

  it('an upload over the limit is refused with the limit in the message, and nothing changes', async () => {
    const before = await datasetNames();
    const big = path.join(dir, 'huge.txt');
    fs.closeSync(fs.openSync(big, 'w'));
    fs.truncateSync(big, uploadLimit + 1024 * 1024); // sparse: no disk used
    await page.getByTestId('pick-files').setInputFiles(big);
    await page.getByTestId('datasets-error').waitFor();
    await expect(page.getByTestId('datasets-error').textContent()).resolves.toBe(
      'Could not upload huge.txt: The upload is 65.0 MiB, over the limit of 64.0 MiB per upload. ' +
        `Import large files by their path on the machine running Spanfill instead (Datasets → Or import paths…; in a terminal, spanfill import FILE --data-dir ${dataDir}), or split them.`,
    );
    // The command in the message is set as code, not shown with backticks, and names the data
    // directory `spanfill serve --data-dir` was given, so that pasted it imports into this one.
    await expect(page.getByTestId('datasets-error').locator('code').textContent()).resolves.toBe(
      `spanfill import FILE --data-dir ${dataDir}`,
    );
    expect(await datasetNames()).toEqual(before);
    await expect.poll(uploadsLeft).toEqual([]);
    await shot('05-over-limit');
  });

  it('a binary file is uploaded, refused by the importer with its reason, and nothing changes', async () => {
    const before = await datasetNames();
    const binary = path.join(dir, 'photo.txt');
    fs.writeFileSync(binary, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d]));
    await dropFile(binary);
    await page.getByTestId('datasets-error').filter({ hasText: 'photo.txt' }).waitFor();
    // Named as it was dropped, not by the server's upload folder.
    await expect(page.getByTestId('datasets-error').textContent()).resolves.toMatch(
      /^photo\.txt looks like a binary file, not text/,
    );
    expect(await datasetNames()).toEqual(before);
    await expect.poll(uploadsLeft).toEqual([]);
    await shot('06-binary');
  });

  it('a cancelled upload says so, imports nothing and leaves nothing on the server', async () => {
    const before = await datasetNames();
    // Slow every request down so that there is time to press Cancel between chunks.
    const { file: large, cdp } = await slowLargeUpload(context, page, dir);
    try {
      await page.getByTestId('pick-files').setInputFiles(large);
      await page.getByTestId('upload-progress').waitFor();
      await expect
        .poll(() => page.getByTestId('upload-progress').textContent(), { timeout: 20_000 })
        .toMatch(/Uploading long-book\.txt:\s*[1-9][\d.]* MiB of 40\.0 MiB/);
      await shot('07-uploading');
      await page.getByTestId('upload-cancel').click();
    } finally {
      await slowRequests(cdp, 0);
    }
    // Cancelled on purpose: said as the notice, not as an error.
    await page.getByTestId('datasets-notice').filter({ hasText: 'cancelled' }).waitFor();
    await expect(page.getByTestId('datasets-notice').textContent()).resolves.toBe(
      'Upload of long-book.txt cancelled; nothing was imported.',
    );
    expect(await page.getByTestId('datasets-error').count()).toBe(0);
    await page.getByTestId('upload-progress').waitFor({ state: 'detached' });
    expect(await datasetNames()).toEqual(before);
    await expect.poll(uploadsLeft).toEqual([]);
    await shot('08-cancelled');
  });

  it('a cancelled import of typed paths says so in the same words, as a notice, and imports nothing', async () => {
    const before = await datasetNames();
    // Distinct lines, so that nothing is dropped as a duplicate and reading takes a while.
    const big = path.join(dir, 'big-paths.txt');
    const lines = Array.from({ length: 100_000 }, (_, i) => `line ${i} of a text imported from its path\n\n`);
    fs.writeFileSync(big, lines.join('').repeat(12));
    const paths = page.getByTestId('import-paths-section');
    if ((await paths.getAttribute('open')) === null) await paths.locator('summary').click();
    await page.getByTestId('import-paths').fill(big);
    await page.getByTestId('import-start').click();
    const cancel = page.getByTestId('import-progress').getByRole('button', { name: 'Cancel' });
    await expect.poll(() => cancel.getAttribute('aria-disabled'), { timeout: 20_000 }).not.toBe('true');
    await cancel.click();
    await expect
      .poll(() => page.getByTestId('datasets-notice').textContent(), { timeout: 20_000 })
      .toBe('Import of big-paths.txt cancelled; nothing was imported.');
    expect(await page.getByTestId('datasets-error').count()).toBe(0);
    await page.getByTestId('import-progress').waitFor({ state: 'detached' });
    expect(await datasetNames()).toEqual(before);
    await shot('09-paths-cancelled');
  });

  it('renames a dataset in place', async () => {
    const row = page.getByRole('row').filter({ hasText: 'picked.md' });
    await row.getByRole('button', { name: 'Rename picked.md' }).click();
    // The box has the focus, and Escape keeps the name.
    await expect(page.evaluate("document.activeElement?.getAttribute('data-testid')")).resolves.toBe('rename-input');
    await page.keyboard.press('Escape');
    await page.getByTestId('rename-input').waitFor({ state: 'detached' });
    await row.getByRole('button', { name: 'Rename picked.md' }).click();
    await page.getByTestId('rename-input').fill('Dialog notes');
    await shot('09-renaming');
    await page.getByTestId('rename-save').click();
    await page.getByTestId('datasets-notice').filter({ hasText: 'Renamed to Dialog notes.' }).waitFor();
    expect(await datasetNames()).toContain('Dialog notes');
    expect(await datasetNames()).not.toContain('picked.md');
  });

  it('the remove confirmation has a red destructive button next to a plain Keep', async () => {
    const row = page.getByRole('row').filter({ hasText: 'journal' });
    await row.getByRole('button', { name: 'Remove journal' }).click();
    const yes = row.getByRole('button', { name: 'Yes, remove' });
    const keep = row.getByRole('button', { name: 'Keep' });
    await keep.waitFor();
    const colours = (await page.evaluate(
      "[...document.querySelectorAll('[data-testid=remove-confirm] button')].map((b) => getComputedStyle(b).backgroundColor)",
    )) as string[];
    expect(colours).toHaveLength(2);
    expect(colours[0]).not.toBe(colours[1]);
    expect(await yes.getAttribute('class')).toContain('danger');
    await shot('10-confirm-remove');
    await yes.click();
    await row.waitFor({ state: 'detached' });
    await expect(page.getByTestId('datasets-notice').textContent()).resolves.toBe(
      'Removed journal and its 2 documents.',
    );
  });
});

describe('masking settings carried to Train', () => {
  it('"Use these settings for training" shows them on the Train screen', async () => {
    await page.getByTestId('nav-train').click();
    await expect(page.getByTestId('train-carried').textContent()).resolves.toMatch(/^\s*Masking: the defaults below/);
    await page.getByTestId('nav-masking').click();
    await page.getByTestId('mask-density').fill('0.3');
    await page.getByTestId('mask-span').fill('2.5');
    await page.getByTestId('mask-length').fill('128');
    await page.getByTestId('mask-preview').click();
    await page.getByTestId('mask-result').waitFor();
    await page.getByTestId('mask-use').click();
    await expect(page.getByTestId('mask-carried').textContent()).resolves.toMatch(
      /Train will start from noise density 0\.3, mean span 2\.5, input length 128/,
    );
    await shot('11-masking-carried');
    await page.getByTestId('mask-carried').getByRole('link', { name: 'Open Train' }).click();
    await page.getByTestId('screen-train').waitFor();
    // The Train form says where its masking came from (its boxes take the values; train-screens.test.ts checks them).
    // Typed text previewed: the dataset stays the form's, which the note says.
    await expect(page.getByTestId('train-carried').textContent()).resolves.toMatch(
      /^\s*Masking from the Masking screen: noise density 0\.3, mean span 2\.5, input length 128, examples packed, data seed 0, as previewed on typed text with the byte-level tokenizer \(.*\)\. The base model above is the preview's; the dataset is this form's choice \(no dataset was previewed\)\.\s*$/,
    );
    await shot('12-train-carried');
    // A carried number changed on Train: the note says so, not that the preview is what trains.
    await page.getByTestId('train-density').fill('0.2');
    await page.getByTestId('train-density').blur();
    await expect(page.getByTestId('train-carried').textContent()).resolves.toMatch(
      /\(no dataset was previewed\)\. Noise density is 0\.2 here, 0\.3 as previewed\.\s*$/,
    );
    expect(pageErrors).toEqual([]);
  });
});
