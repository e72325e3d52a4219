// End-to-end for the Runs screen's comparison in a phone-wide window (390×844) on the built
// `spanfill serve`: two runs written straight into the store (storedRuns.ts) and ticked, the
// panel's heading "Comparing 2 runs" and its "Align the curves by" choice each keep their words
// on one line (the choice goes under the heading when both do not fit beside each other), and
// the screen does not scroll sideways. Needs `npm run build` first (like browser.test.ts).
// NOTE: page.evaluate takes expression strings because the e2e files are type-checked without DOM types.

import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/main/store/db';
import { openScreen } from './navigate';
import { mainScrollsSideways } from './overflow';
import { resultsDir, startSession, type E2eSession } from './session';
import { addStoredRun, openStoreForRuns } from './storedRuns';

let session: E2eSession;
let page: Page;
let store: Store;

beforeAll(async () => {
  session = await startSession('runs-compare-narrow', { viewport: { width: 390, height: 844 } });
  page = session.page;
  const opened = openStoreForRuns(session.dataDir);
  store = opened.store;
  addStoredRun(opened.repo, { id: 'r-a8cd22ff', name: 'probe A', status: 'completed', totalSteps: 100 });
  addStoredRun(opened.repo, { id: 'r-80d40c3f', name: 'probe B', status: 'completed', totalSteps: 100 });
  await page.goto(session.url);
  await openScreen(page, 'runs');
  await page.getByTestId('runs-table').waitFor();
}, 120_000);

afterAll(async () => {
  store?.close();
  await session?.close();
});

/** How many lines the text of the element `selector` takes. */
const linesOf = (selector: string): Promise<number> =>
  page.evaluate<number>(`(() => {
    const range = document.createRange();
    range.selectNodeContents(document.querySelector(${JSON.stringify(selector)}));
    return new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.bottom))).size;
  })()`);

describe('Comparing runs in a narrow window', () => {
  it('keeps the heading and "Align the curves by" each on one line, the screen not scrolling sideways', async () => {
    for (const id of ['r-a8cd22ff', 'r-80d40c3f'])
      await page.getByTestId(`run-row-${id}`).getByTestId('run-select').check();
    const compare = page.getByTestId('runs-compare');
    await compare.waitFor();
    await compare.scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(resultsDir, 'runs-compare-narrow.png') });
    expect(await linesOf('#compare-title')).toBe(1);
    expect(await linesOf('[data-testid=runs-compare] legend')).toBe(1);
    expect(await page.evaluate<boolean>(mainScrollsSideways)).toBe(false);
    expect(session.pageErrors).toEqual([]);
  });
});
