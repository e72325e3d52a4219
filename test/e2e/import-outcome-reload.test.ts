// A browser upload's import goes on in `spanfill serve` when its tab is reloaded: the new page,
// which did not start it, lists it as importing and then says how it ended, as the page that
// started it would have (the import's notes; a failure's reason), and keeps a failure's reason
// on the list. The import is held at its first read of the file (holdImportRead.mjs) until the
// test lets it go, so "mid-import" is exact. Needs `npm run build`.

import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshotFailures } from './failureShot';
import { openScreen } from './navigate';
import { startSession, type E2eSession } from './session';

let session: E2eSession;
let page: Page;
let holdDir: string;

beforeAll(async () => {
  holdDir = fs.mkdtempSync(path.join(path.resolve('test-results'), 'hold-'));
  const preload = `--import=${path.resolve('test/e2e/holdImportRead.mjs')}`;
  session = await startSession('import-outcome-reload', {
    env: {
      NODE_OPTIONS: [process.env.NODE_OPTIONS, preload].filter(Boolean).join(' '),
      SPANFILL_TEST_HOLD_DIR: holdDir,
    },
  });
  page = session.page;
  // The leave warning asks before a reload while the import runs: the person goes on.
  page.on('dialog', (dialog) => void dialog.accept());
  await page.goto(session.url);
  await openScreen(page, 'datasets');
}, 120_000);

afterAll(async () => {
  await session?.close();
  fs.rmSync(holdDir, { recursive: true, force: true });
});

screenshotFailures('import-outcome-reload', () => page);

/** Picks `name` (written with `content`), waits until its import is held, and reloads the page. */
async function uploadAndReload(name: string, content: Buffer): Promise<void> {
  const file = path.join(session.dir, name);
  fs.writeFileSync(file, content);
  await page.getByTestId('pick-files').setInputFiles(file);
  await expect.poll(() => fs.existsSync(path.join(holdDir, `${name}.reached`)), { timeout: 30_000 }).toBe(true);
  await page.reload();
  await page.getByTestId('screen-datasets').waitFor();
  await page
    .getByTestId('datasets-table')
    .getByRole('row')
    .filter({ hasText: name })
    .filter({ hasText: 'importing' })
    .waitFor();
}

/** Lets the held import of `name` go on. */
function release(name: string): void {
  fs.writeFileSync(path.join(holdDir, name), '');
}

/** The uploaded copy of `name` that the held import is to read. */
function uploaded(name: string): string {
  const uploads = path.join(session.dataDir, 'uploads');
  const folder = fs.readdirSync(uploads).find((id) => fs.existsSync(path.join(uploads, id, name)));
  if (folder === undefined) throw new Error(`no upload holds ${name}`);
  return path.join(uploads, folder, name);
}

describe('an upload whose import ends after its tab was reloaded', () => {
  it('says how it went on the new page: its documents and its note', async () => {
    // Latin-1 (é as one byte): read so, with a note saying it was.
    const text = Buffer.from('Le café du matin.\n\nUne rivière calme.\n', 'latin1');
    await uploadAndReload('held-cafe.txt', text);
    release('held-cafe.txt');
    const notice = page.getByTestId('datasets-notice');
    await notice.filter({ hasText: 'Imported held-cafe.txt: 2 documents' }).waitFor();
    expect(await notice.textContent()).toMatch(
      /\(1 for training, 1 for validation\)\. 1 note on the import, in its details below\.$/,
    );
    // Its details open under the list, as on the page that started it, with the note.
    const details = page.getByTestId('dataset-detail');
    await details.getByRole('heading', { name: /held-cafe\.txt/ }).waitFor();
    expect(await details.textContent()).toContain('Note: held-cafe.txt is not UTF-8: read as Windows-1252');
  });

  it('leaves the details the person opened on the new page in place, saying how it went above', async () => {
    await uploadAndReload('held-later.txt', Buffer.from('A later note.\n'));
    await page.getByRole('button', { name: 'held-cafe.txt', exact: true }).click();
    const heading = page.getByTestId('dataset-detail').getByRole('heading', { level: 2 });
    await heading.filter({ hasText: 'held-cafe.txt' }).waitFor();
    release('held-later.txt');
    await page.getByTestId('datasets-notice').filter({ hasText: 'Imported held-later.txt: 1 document' }).waitFor();
    expect(await heading.textContent()).toMatch(/^held-cafe\.txt/);
  });

  it('says why it failed on the new page, and the list of a later page keeps the reason until it is removed', async () => {
    await uploadAndReload('held-gone.txt', Buffer.from('Soon gone.\n'));
    fs.rmSync(uploaded('held-gone.txt'));
    release('held-gone.txt');
    const error = page.getByTestId('datasets-error');
    await error.filter({ hasText: 'held-gone.txt' }).waitFor();
    expect(await error.textContent()).toMatch(/^\s*Import of held-gone\.txt failed: .*held-gone\.txt/);
    // A page opened later reads it on the list, where it stays until removed; not said as news.
    await page.reload();
    const row = page.getByTestId('datasets-table').getByRole('row', { name: /held-gone\.txt/ });
    await row
      .getByTestId('dataset-failure')
      .filter({ hasText: /Import failed: .*held-gone\.txt/ })
      .waitFor();
    expect(await page.getByTestId('datasets-error').count()).toBe(0);
    await row.getByRole('button', { name: 'Remove held-gone.txt' }).click();
    await page.getByRole('button', { name: 'Yes, remove' }).click();
    await page
      .getByTestId('datasets-notice')
      .filter({ hasText: 'Removed held-gone.txt, whose import failed.' })
      .waitFor();
  });
});
