// End-to-end for filtering the Runs table on the built `spanfill serve`: six runs written straight
// into the store (storedRuns.ts) with known names, statuses and two datasets. Words typed show the
// runs whose name, id, dataset or model has them all (case ignored) and the line says "N of M runs
// shown"; the status box narrows to a group; an empty result says so with a way back; Clear and
// Escape from the keyboard; ticked runs the filter hides stay ticked and compared, and the line
// says so (a tick on a shown run keeps them); the filter is kept across screens and a reload, as
// the order is; no accessibility violation. Needs `npm run build` first (like browser.test.ts).
// NOTE: page.evaluate takes expression strings because the e2e files are type-checked without DOM types.

import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/main/store/db';
import type { RunStatusName } from '../../src/shared/contract/runs';
import { addDatasetRow } from '../support/storeRows';
import { accessibilityViolations } from './accessibility';
import { openScreen } from './navigate';
import { resultsDir, startSession, type E2eSession } from './session';
import { addStoredRun, openStoreForRuns } from './storedRuns';

/** Oldest first, so the table lists them the other way (newest first). */
const RUNS: readonly { id: string; name: string; status: RunStatusName; dataset?: string }[] = [
  { id: 'r-sweep-1', name: 'LR sweep 1', status: 'completed' },
  { id: 'r-sweep-2', name: 'LR sweep 2', status: 'failed' },
  { id: 'r-base', name: 'baseline', status: 'completed', dataset: 'ds-poems' },
  { id: 'r-long', name: 'long run', status: 'paused', dataset: 'ds-poems' },
  { id: 'r-night', name: 'overnight', status: 'interrupted' },
  { id: 'r-live', name: 'live one', status: 'running' },
];

let session: E2eSession;
let page: Page;
let store: Store;

const table = () => page.getByTestId('runs-table');
/** The runs' names, top row first (none when the table is not shown). */
const names = () => page.getByTestId('run-open').allTextContents();
const shownLine = () =>
  page
    .getByTestId('runs-shown')
    .textContent()
    .then((text) => text?.trim());
const search = () => page.getByTestId('runs-filter-text');
const statusBox = () => page.getByTestId('runs-filter-status');
const tickBox = (id: string) => page.getByTestId(`run-row-${id}`).getByTestId('run-select');
/** The data-testid of the focused element. */
const focused = () => page.evaluate<string | undefined>('document.activeElement?.dataset.testid');

beforeAll(async () => {
  session = await startSession('runs-filter', { viewport: { width: 1280, height: 900 } });
  page = session.page;
  const opened = openStoreForRuns(session.dataDir);
  store = opened.store;
  const { repo } = opened;
  addDatasetRow(store.db, 'ds-poems');
  store.db.prepare("UPDATE datasets SET status = 'ready', name = 'Poems' WHERE id = 'ds-poems'").run();
  RUNS.forEach((run, index) => {
    const config = run.dataset === undefined ? {} : { datasetId: run.dataset };
    addStoredRun(repo, { id: run.id, name: run.name, status: run.status, totalSteps: 100, config });
    store.db.prepare('UPDATE runs SET created_at = ? WHERE id = ?').run(`2026-12-06T10:0${index}:00.000Z`, run.id);
  });
  await page.goto(session.url);
  await openScreen(page, 'runs');
  await table().waitFor();
}, 120_000);

afterAll(async () => {
  store?.close();
  await session?.close();
});

describe('Filtering the Runs table', () => {
  it('shows the runs whose name, id, dataset or model has every word typed, case ignored, and how many', async () => {
    await expect.poll(names).toEqual(['live one', 'overnight', 'long run', 'baseline', 'LR sweep 2', 'LR sweep 1']);
    expect(await shownLine()).toBe('6 runs');
    await expect(page.getByLabel('Filter by name, id, dataset or model').count()).resolves.toBe(1);
    await search().fill('SWEEP');
    await expect.poll(names).toEqual(['LR sweep 2', 'LR sweep 1']);
    expect(await shownLine()).toBe('2 of 6 runs shown');
    await search().fill('lr  2');
    await expect.poll(names).toEqual(['LR sweep 2']);
    await search().fill('poems'); // the dataset's name
    await expect.poll(names).toEqual(['long run', 'baseline']);
    await search().fill('R-NIGHT'); // the id
    await expect.poll(names).toEqual(['overnight']);
    await search().fill('tiny-spm'); // the model: every run's
    await expect.poll(names).toHaveLength(6);
    expect(await shownLine()).toBe('6 of 6 runs shown');
  });

  it('narrows to a status group, each choice with its count, together with the words', async () => {
    await search().fill('');
    const options = await statusBox().locator('option').allTextContents();
    expect(options).toEqual([
      'Any status (6)',
      'Training or queued (1)',
      'Paused or stopped (1)',
      'Failed or interrupted (2)',
      'Completed (2)',
    ]);
    await statusBox().selectOption({ label: 'Failed or interrupted (2)' });
    await expect.poll(names).toEqual(['overnight', 'LR sweep 2']);
    expect(await shownLine()).toBe('2 of 6 runs shown');
    await search().fill('sweep');
    await expect.poll(names).toEqual(['LR sweep 2']);
    // Clear filter, from the keyboard: every run again, the focus back in the search box.
    await page.getByTestId('runs-filter-clear').focus();
    await page.keyboard.press('Enter');
    await expect.poll(names).toHaveLength(6);
    expect(await statusBox().inputValue()).toBe('all');
    expect(await focused()).toBe('runs-filter-text');
    await expect(page.getByTestId('runs-filter-clear').count()).resolves.toBe(0);
  });

  it('says when no run matches, with a way to clear the filter; Escape empties the search box', async () => {
    await search().fill('nothing like it');
    await page.getByTestId('runs-filter-empty').waitFor();
    await expect(page.getByTestId('runs-filter-empty').textContent()).resolves.toContain(
      'No run has “nothing like it” in its name, id, dataset or model.',
    );
    await expect(table().count()).resolves.toBe(0);
    await expect(page.getByTestId('runs-filter-clear').count()).resolves.toBe(0); // one Clear, in the message
    await page.screenshot({ path: path.join(resultsDir, 'runs-filter-empty.png') });
    expect(await shownLine()).toBe('0 of 6 runs shown');
    await page.getByRole('button', { name: 'Clear the filter' }).focus();
    await page.keyboard.press('Space');
    await expect.poll(names).toHaveLength(6);
    expect(await focused()).toBe('runs-filter-text');
    await page.keyboard.type('baseline');
    await expect.poll(names).toEqual(['baseline']);
    await page.keyboard.press('Escape');
    await expect.poll(names).toHaveLength(6);
    expect(await search().inputValue()).toBe('');
  });

  it('keeps the ticked runs it hides ticked and compared, and says so; a tick on a shown run keeps them', async () => {
    await tickBox('r-sweep-1').check();
    await tickBox('r-base').check();
    await page.getByTestId('runs-compare').waitFor();
    await search().fill('sweep');
    await expect.poll(names).toEqual(['LR sweep 2', 'LR sweep 1']);
    expect(await shownLine()).toBe('2 of 6 runs shown; 1 ticked run hidden by the filter is still compared');
    await expect(page.getByTestId('runs-compare').count()).resolves.toBe(1);
    await page.screenshot({ path: path.join(resultsDir, 'runs-filter-hidden-ticked.png') });
    await tickBox('r-sweep-2').check(); // (with bind:group, this tick dropped the hidden one)
    await expect.poll(shownLine).toBe('2 of 6 runs shown; 1 ticked run hidden by the filter is still compared');
    await page.getByTestId('runs-filter-clear').click();
    await expect.poll(() => tickBox('r-base').isChecked()).toBe(true);
    expect(await tickBox('r-sweep-1').isChecked()).toBe(true);
    expect(await tickBox('r-sweep-2').isChecked()).toBe(true);
    await expect.poll(() => page.getByTestId('compare-final').count()).toBe(3);
    for (const id of ['r-sweep-1', 'r-sweep-2', 'r-base']) await tickBox(id).uncheck();
  });

  it('keeps the filter when the screen opens again and after a reload, as the order is kept', async () => {
    await search().fill('poems');
    await statusBox().selectOption('completed');
    await expect.poll(names).toEqual(['baseline']);
    await openScreen(page, 'datasets');
    await openScreen(page, 'runs');
    await expect.poll(names).toEqual(['baseline']);
    await page.reload();
    await openScreen(page, 'runs');
    await expect.poll(names).toEqual(['baseline']);
    expect(await search().inputValue()).toBe('poems');
    expect(await statusBox().inputValue()).toBe('completed');
    expect(await shownLine()).toBe('1 of 6 runs shown');
  });

  it('passes an accessibility audit filtered, and with no run matching, in the light and the dark theme', async () => {
    const found: string[] = [];
    for (const text of ['poems', 'nothing like it']) {
      await search().fill(text);
      for (const scheme of ['light', 'dark'] as const) {
        await page.emulateMedia({ colorScheme: scheme });
        found.push(...(await accessibilityViolations(page)).map((v) => `${text}, ${scheme}: ${v}`));
      }
    }
    await page.emulateMedia({ colorScheme: 'light' });
    await page.getByTestId('runs-filter-show-all').click(); // (the only Clear while no run matches)
    await expect.poll(names).toHaveLength(6);
    expect(found).toEqual([]);
    expect(session.pageErrors).toEqual([]);
  });
});
