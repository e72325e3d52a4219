// End-to-end on the built `spanfill serve`, for someone who hears the Runs screen rather than sees
// it: three runs written straight into the store (storedRuns.ts). Ticking runs says, once per
// change, politely, how many runs the comparison below the table now compares, and that it ended
// when fewer than two are ticked; nothing while one run or none is ticked, nothing as the screen
// opens again with runs ticked; a ticked run deleted, that and then the comparison left, in one
// line. The header button the table is sorted by says so in its name,
// with the way ("Started, sorted newest first"), the others only their label (aria-sort on the
// headers: runs-sort.test.ts).
// Needs `npm run build` first (like browser.test.ts).

import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/main/store/db';
import { screenshotFailures } from './failureShot';
import { announcements, recordAnnouncements } from './liveRegions';
import { openScreen } from './navigate';
import { startSession, type E2eSession } from './session';
import { addStoredRun, openStoreForRuns } from './storedRuns';

const RUNS = ['r-alpha', 'r-beta', 'r-gamma'];

let session: E2eSession;
let page: Page;
let store: Store;

beforeAll(async () => {
  session = await startSession('runs-screen-reader', { viewport: { width: 1280, height: 800 } });
  page = session.page;
  const opened = openStoreForRuns(session.dataDir);
  store = opened.store;
  for (const id of RUNS) addStoredRun(opened.repo, { id, name: id.slice(2), status: 'completed', totalSteps: 10 });
  await page.goto(session.url);
  await openScreen(page, 'runs');
  await page.getByTestId('runs-table').waitFor({ timeout: 20_000 });
}, 120_000);

afterAll(async () => {
  store?.close();
  await session?.close();
});

screenshotFailures('runs-screen-reader', () => page);

const tickBox = (id: string) => page.getByTestId(`run-row-${id}`).getByTestId('run-select');

/** Ticks or unticks run `id` with Space from its own focus, as a keyboard user does. */
async function toggle(id: string): Promise<void> {
  await tickBox(id).focus();
  await page.keyboard.press('Space');
}

/** What the live regions said since recording started, once the screen had time to say more. */
async function saidAfterAWhile(): Promise<string[]> {
  await page.waitForTimeout(800);
  return announcements(page);
}

describe('Ticking runs to compare', () => {
  it('says the comparison below the table as it starts, each change of its runs, and its end; nothing for one tick', async () => {
    await recordAnnouncements(page);
    await toggle('r-alpha');
    expect(await saidAfterAWhile()).toEqual([]);
    await toggle('r-beta');
    await page.getByTestId('runs-compare').waitFor();
    const two = 'status: Comparing 2 runs — below the table.';
    await expect.poll(() => announcements(page)).toEqual([two]);
    await toggle('r-gamma');
    const three = 'status: Comparing 3 runs — below the table.';
    await expect.poll(() => announcements(page)).toEqual([two, three]);
    await toggle('r-gamma');
    await expect.poll(() => announcements(page)).toEqual([two, three, two]);
    await toggle('r-beta');
    const ended = 'status: Comparison ended: tick one more run to compare.';
    await expect.poll(() => announcements(page)).toEqual([two, three, two, ended]);
    await toggle('r-alpha');
    expect(await saidAfterAWhile()).toEqual([two, three, two, ended]);
  });

  it('says nothing of the runs still ticked as the screen opens again', async () => {
    await toggle('r-alpha');
    await toggle('r-beta');
    await page.getByTestId('runs-compare').waitFor();
    await openScreen(page, 'datasets');
    await recordAnnouncements(page);
    await openScreen(page, 'runs');
    await page.getByTestId('runs-compare').waitFor();
    // (the filter's count of runs shown, drawn again, is not said: a region added with its text)
    expect((await saidAfterAWhile()).filter((line) => !line.startsWith('live: '))).toEqual([]);
  });

  it('says a ticked run deleted here, then what the comparison became, in one line', async () => {
    await toggle('r-gamma');
    const three = 'status: Comparing 3 runs — below the table.';
    await expect.poll(() => announcements(page)).toContain(three);
    await recordAnnouncements(page);
    await page.getByTestId('run-row-r-gamma').getByTestId('run-delete').click();
    await page.getByTestId('run-delete-confirm').click();
    await page.getByTestId('run-row-r-gamma').waitFor({ state: 'detached' });
    const said = 'status: Deleted run “gamma”. Comparing 2 runs — below the table.';
    // (the screen's status, not the question's alert nor the filter's count of runs shown)
    const statusSaid = (lines: string[]) => lines.filter((line) => line.startsWith('status: '));
    await expect.poll(async () => statusSaid(await announcements(page))).toEqual([said]);
    expect(statusSaid(await saidAfterAWhile())).toEqual([said]);
    expect(session.pageErrors).toEqual([]);
  });
});

const header = (key: string) => page.getByTestId(`runs-sort-${key}`);
/** Each sort button's role and accessible name, as Chromium's accessibility tree has them. */
async function namesHeard(): Promise<string[]> {
  const heard: string[] = [];
  for (const button of await page.getByTestId('runs-table').locator('thead').getByRole('button').all())
    heard.push((await button.ariaSnapshot()).replace(/^(- button "[^"]*").*$/s, '$1')); // (not its text: "…: Started")
  return heard;
}

describe("The Runs table's sort, heard", () => {
  it('names the sorted column and its way on the button sorted by, newest first to start with', async () => {
    expect(await namesHeard()).toEqual([
      '- button "Run"',
      '- button "Started, sorted newest first"',
      '- button "Status"',
      '- button "Dataset"',
      '- button "Model"',
      '- button "Steps"',
      '- button "Last loss"',
      '- button "Best val. loss"',
    ]);
  });

  it('follows each press: the other way, another column, by Enter', async () => {
    await header('started').click();
    expect((await namesHeard())[1]).toBe('- button "Started, sorted oldest first"');
    await header('name').focus();
    await page.keyboard.press('Enter');
    expect((await namesHeard()).slice(0, 2)).toEqual(['- button "Run, sorted A to Z"', '- button "Started"']);
    await page.keyboard.press('Enter');
    expect((await namesHeard())[0]).toBe('- button "Run, sorted Z to A"');
    await header('lastLoss').focus();
    await page.keyboard.press('Enter');
    const heard = await namesHeard();
    expect(heard.filter((name) => name.includes('sorted'))).toEqual(['- button "Last loss, sorted lowest first"']);
    await header('status').click();
    expect((await namesHeard())[2]).toBe('- button "Status, sorted running first"');
    await header('steps').click();
    expect((await namesHeard())[5]).toBe('- button "Steps, sorted most first"');
    await header('started').click(); // (back to the default for the file's other tests)
  });
});
