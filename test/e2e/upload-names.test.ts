// End-to-end, in browser mode, for what a dropped or typed file is called: files whose names
// Windows forbids (q?x.txt, "Notes 10:30.txt", back\slash.txt…) upload and import on a Linux
// server as `spanfill import` imports them; a name the server cannot hold (a control character)
// skips that file alone, named in the notice as typed; several picked files name the dataset
// as `spanfill import` does (by the first, not "plain.txt and 1 more"); and typed paths may be
// quoted (Windows' "Copy as path"), and two on one line are told to go one per line. Needs
// `npm run build` first. Screenshots go to test-results/upload-names-*.png.

import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './chromium';
import { importPaths } from './datasetsPage';
import { spanfillJson, startServe } from './serve';

const resultsDir = path.resolve('test-results');
let serveProcess: ChildProcess;
let context: BrowserContext;
let page: Page;
let dir: string;
let dataDir: string;

beforeAll(async () => {
  if (!fs.existsSync('out/renderer/index.html')) throw new Error('The UI is not built: run `npm run build` first.');
  fs.mkdirSync(resultsDir, { recursive: true });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spanfill-e2e-upload-names-'));
  dataDir = path.join(dir, 'data');
  let url: string;
  ({ child: serveProcess, url } = await startServe(dataDir));
  ({ context, page } = await launchChromium(path.join(dir, 'profile'), { width: 1280, height: 800 }));
  await page.goto(url);
});

afterAll(async () => {
  await context?.close();
  serveProcess?.kill('SIGINT');
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/** Files named `names` in a fresh folder, each holding one line naming it (empty where the text is ''). */
function writeFiles(folder: string, files: Record<string, string>): string[] {
  fs.mkdirSync(path.join(dir, folder));
  return Object.entries(files).map(([name, text]) => {
    fs.writeFileSync(path.join(dir, folder, name), text);
    return path.join(dir, folder, name);
  });
}

async function datasetNames(): Promise<string[]> {
  if ((await page.getByTestId('datasets-table').count()) === 0) return [];
  return page.getByTestId('datasets-table').locator('tbody tr td:first-child').allTextContents();
}

/** Picks `files` with the Datasets screen's file dialog and waits until it says what it imported. */
async function pickAndImport(files: string[]): Promise<void> {
  await page.getByTestId('pick-files').setInputFiles(files);
  await page.getByTestId('datasets-notice').filter({ hasText: 'Imported' }).waitFor();
}

const noticeOrError = (): Promise<string> =>
  page.locator('[data-testid=datasets-notice], [data-testid=datasets-error]').first().textContent() as Promise<string>;

describe('names of uploaded and typed files', () => {
  it.runIf(process.platform !== 'win32')('imports names only Windows forbids, as spanfill import does', async () => {
    const names = [
      'q?x.txt',
      'Notes 10:30.txt',
      'back\\slash.txt',
      'a<b>.txt',
      'pipe|star*.txt',
      'quote".txt',
      'plain.txt',
    ];
    const files = writeFiles('odd', Object.fromEntries(names.map((n) => [n, `The text of ${n}.\n`])));
    await pickAndImport(files);
    await expect(noticeOrError()).resolves.toMatch(/^Imported q\?x\.txt: 7 documents/);
    await expect(page.getByTestId('dataset-documents').textContent()).resolves.toContain(
      'The text of back\\slash.txt.',
    );
    await page.screenshot({ path: path.join(resultsDir, 'upload-names-01-windows-names.png') });
  });

  it('skips a file whose name the server cannot hold, imports the rest and names it as typed', async () => {
    const files = writeFiles('control', { 'tab\there.txt': 'A tab in its name.\n', 'kept.txt': 'This one is kept.\n' });
    await pickAndImport(files);
    await expect(noticeOrError()).resolves.toBe(
      'Imported kept.txt: 1 document (used for both training and validation). Skipped 1 file whose name the server ' +
        'cannot hold: File name "tab\uFFFDhere.txt" holds a control character (U+0009), which a file name sent from the ' +
        'page may not hold; rename the file, or import it by its path on the machine running Spanfill (Datasets → Or ' +
        'import paths…, or spanfill import).',
    );
    await page.screenshot({ path: path.join(resultsDir, 'upload-names-02-skipped.png') });
  });

  it('names a dataset of several picked files as spanfill import names the same files', async () => {
    const files = writeFiles('pair', { 'plain.txt': 'A plain line.\n', 'empty.txt': '' });
    await pickAndImport(files);
    await expect(noticeOrError()).resolves.toMatch(/^Imported plain\.txt: 1 document/);
    // The CLI names the same files the same way: numbered, since names stay distinct (40702dc).
    const cli = spanfillJson<{ name: string }>(dataDir, ['import', ...files]);
    expect(cli.name).toBe('plain.txt (2)');
    await expect.poll(datasetNames).toContain('plain.txt');
    expect(await datasetNames()).not.toContain('plain.txt and 1 more');
  });

  it('takes a typed path in quotes, and says "one path per line" for two on one line', async () => {
    const [quoted, other] = writeFiles('typed', { 'quoted.txt': 'Typed in quotes.\n', 'other.txt': 'Another.\n' });
    await importPaths(page, `"${quoted}"`);
    await page.getByTestId('datasets-notice').filter({ hasText: 'quoted.txt' }).waitFor();
    await expect(noticeOrError()).resolves.toMatch(/^Imported quoted\.txt: 1 document/);
    await importPaths(page, `${quoted} ${other}`);
    await page.getByTestId('datasets-error').waitFor();
    await expect(page.getByTestId('datasets-error').textContent()).resolves.toBe(
      `${quoted} ${other} does not exist. Give one path per line: "${quoted} ${other}" looks like 2 paths on one line.`,
    );
    await page.screenshot({ path: path.join(resultsDir, 'upload-names-03-typed.png') });
  });
});
