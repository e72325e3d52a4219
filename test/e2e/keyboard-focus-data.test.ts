// End-to-end, by keyboard, against the built `spanfill serve`: the Datasets and Masking screens'
// controls keep the focus as they are pressed. "Import the sample text" keeps it while the
// sample imports (held: aria-busy), then, as the offer goes, hands it to the new dataset's
// heading; "Count tokens" and "Import these paths" keep it while they work and after (a path
// refused at once too); "Show more", going once all or the first 100 documents show, hands it
// to the documents or the note that says so; a picked file's input keeps it while the file
// uploads, and Cancel upload hands it to "Choose files…" as its progress goes; Masking's
// Previous at the first example and Next at the last keep it (held: a press does nothing
// there). Needs `npm run build` first.

import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { holdReply } from './holdReply';
import { fieldMark, markedWith, pressRefused } from './fieldError';
import { focusedTestid, isHeld, pressByKeyboard } from './keyboardFocus';
import { openScreen } from './navigate';
import { slowLargeUpload, slowRequests } from './network';
import { writeNotes } from './notes';
import { startSession, type E2eSession } from './session';

let session: E2eSession;
let page: Page;

beforeAll(async () => {
  session = await startSession('keyboard-data');
  page = session.page;
});

afterAll(() => session?.close());

describe('Datasets and Masking, pressed by keyboard, keep the focus', () => {
  it('"Import the sample text" keeps it while it imports, then hands it to the new dataset', async () => {
    const reply = await holdReply(page, 'datasets.importSample');
    await page.goto(session.url);
    await page.getByTestId('import-sample').waitFor();
    await pressByKeyboard(page, 'import-sample');
    await expect.poll(() => page.getByTestId('import-sample').getAttribute('aria-busy')).toBe('true');
    await expect(focusedTestid(page)).resolves.toBe('import-sample');
    reply.release();
    await page.getByTestId('dataset-detail').waitFor();
    await expect.poll(() => page.evaluate<string>('document.activeElement?.id')).toBe('detail-title');
  });

  it('"Count tokens" keeps it while it counts and after', async () => {
    await pressByKeyboard(page, 'tokenize');
    await page.getByTestId('token-stats').waitFor({ timeout: 30_000 });
    await expect.poll(() => isHeld(page, 'tokenize')).toBe(false);
    await expect(focusedTestid(page)).resolves.toBe('tokenize');
  });

  it('"Import these paths" hands it to the paths marked with why when one is refused; keeps it as it imports', async () => {
    await page.getByTestId('import-paths-section').locator('summary').click();
    const missing = path.join(session.dir, 'missing.txt');
    for (const typed of ['relative/notes.txt', missing]) {
      await page.getByTestId('import-paths').fill(typed);
      await pressRefused(page, 'import-start');
      const error = page.getByTestId('datasets-error');
      await error.filter({ hasText: typed }).waitFor();
      await expect(focusedTestid(page)).resolves.toBe('import-paths');
      await expect(fieldMark(page, 'import-paths')).resolves.toEqual(markedWith((await error.textContent()) ?? ''));
    }
    const notes = path.join(session.dir, 'notes.txt');
    writeNotes(notes, { docs: 40, words: 50, stride: 7 });
    await page.getByTestId('import-paths').fill(notes);
    await expect(fieldMark(page, 'import-paths')).resolves.toEqual({ invalid: 'false', description: '' });
    await pressByKeyboard(page, 'import-start');
    await page.getByTestId('datasets-notice').filter({ hasText: 'Imported notes.txt' }).waitFor({ timeout: 30_000 });
    await expect(focusedTestid(page)).resolves.toBe('import-start');
  });

  it('"Show more" keeps it, then hands it to the documents, or to the note on how many, as it goes', async () => {
    const more = page.getByTestId('dataset-more');
    const documents = page.getByTestId('dataset-documents').locator('li');
    /** Presses Show more by keyboard until it goes; it keeps the focus as long as it stays. */
    const showAll = async (): Promise<void> => {
      while ((await more.count()) > 0) {
        const shown = await documents.count();
        await more.focus();
        await page.keyboard.press('Enter');
        await expect.poll(() => documents.count()).toBeGreaterThan(shown);
        if ((await more.count()) > 0) await expect(focusedTestid(page)).resolves.toBe('dataset-more');
      }
    };
    await showAll(); // notes.txt: 40 documents, all of them shown
    await expect.poll(() => focusedTestid(page)).toBe('dataset-documents');
    await page.getByRole('button', { name: /^Sample: / }).click();
    await page.getByTestId('dataset-detail').filter({ hasText: 'Sample: ' }).waitFor();
    await showAll(); // the sample: hundreds, shown up to the first 100
    await expect.poll(() => focusedTestid(page)).toBe('dataset-more-limit');
  });

  it('a picked file keeps it on its input while it uploads; Cancel upload hands it to "Choose files…"', async () => {
    const { file: large, cdp } = await slowLargeUpload(session.context, page, session.dir);
    try {
      const picker = page.getByTestId('pick-files');
      await picker.focus();
      await picker.setInputFiles(large);
      await page.getByTestId('upload-progress').waitFor();
      await expect(focusedTestid(page)).resolves.toBe('pick-files');
      await expect(isHeld(page, 'pick-files')).resolves.toBe(true);
      await page.getByTestId('upload-cancel').focus();
      await page.keyboard.press('Enter'); // (its row goes at once)
    } finally {
      await slowRequests(cdp, 0);
    }
    await page.getByTestId('datasets-notice').filter({ hasText: 'cancelled' }).waitFor();
    await expect.poll(() => focusedTestid(page)).toBe('pick-files');
    await expect(isHeld(page, 'pick-files')).resolves.toBe(false);
  });

  it("Masking's Previous at the first example and Next at the last keep it, and do nothing there", async () => {
    await openScreen(page, 'masking');
    await page.getByLabel('A dataset example').check();
    const datasets = page.getByTestId('mask-dataset');
    await datasets.selectOption(
      (await datasets.locator('option', { hasText: 'notes.txt' }).getAttribute('value')) ?? '',
    );
    const shown = page.getByTestId('mask-example-shown');
    // Examples are numbered from 1, in the box as in what is shown.
    const showExample = async (number: number): Promise<void> => {
      await page.getByTestId('mask-example').fill(String(number));
      await page.getByTestId('mask-preview').click();
      await shown.filter({ hasText: new RegExp(`^\\s*${number} of`) }).waitFor();
      await page.getByTestId('mask-example').fill('');
    };
    const isAt = async (number: number) => /^\s*(\d+) of/.exec((await shown.textContent()) ?? '')?.[1] === `${number}`;
    const pressAtEnd = async (testid: string, end: number): Promise<void> => {
      await pressByKeyboard(page, testid);
      await expect.poll(() => isAt(end)).toBe(true);
      await expect.poll(() => isHeld(page, testid)).toBe(true);
      await expect(focusedTestid(page)).resolves.toBe(testid);
      await page.keyboard.press('Enter'); // held: nothing happens
      await page.waitForTimeout(300);
      await expect(isAt(end)).resolves.toBe(true);
    };
    await showExample(2);
    await pressAtEnd('mask-previous', 1);
    const count = Number(/ of (\d+)/.exec((await shown.textContent()) ?? '')?.[1]);
    expect(count).toBeGreaterThan(2);
    await showExample(count - 1);
    await pressAtEnd('mask-next', count);
    expect(session.pageErrors).toEqual([]);
  });
});
