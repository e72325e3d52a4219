// End-to-end for sorting the Runs table on the built `spanfill serve`: five runs written straight
// into the store with known names, start times and losses (one "training": this test's process
// owns it and, in the last test, logs a falling loss every 300 ms, as a `spanfill train` in a
// terminal would). Newest first until a header is clicked; a click sorts by that column, again
// the other way, by mouse or keyboard (Enter, Space), aria-sort and the arrow on that header only;
// runs with no loss yet last either way; names by their numbers; the order kept across a reload;
// no accessibility violation; and a row that moves as its loss falls keeps the keyboard focus it had.
// Needs `npm run build` first (like browser.test.ts).
// NOTE: page.evaluate takes expression strings because the e2e files are type-checked without DOM types.

import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/main/store/db';
import type { RunRepository } from '../../src/main/store/runs';
import { accessibilityViolations } from './accessibility';
import { openScreen } from './navigate';
import { startSession, type E2eSession } from './session';
import { addStoredRun, openStoreForRuns } from './storedRuns';

interface KnownRun {
  readonly id: string;
  readonly name: string;
  readonly loss?: number;
  readonly evalLoss?: number;
}

/** Oldest first; r-live trains (from step 40). */
const RUNS: readonly KnownRun[] = [
  { id: 'r-ten', name: 'run 10', loss: 2, evalLoss: 2.5 },
  { id: 'r-two', name: 'Run 2', loss: 1, evalLoss: 3 },
  { id: 'r-blank', name: 'baseline' },
  { id: 'r-sweep', name: 'sweep 1', loss: 3 },
  { id: 'r-live', name: 'live 3', loss: 4.5 },
];
const LIVE = 'r-live';

let session: E2eSession;
let page: Page;
let store: Store;
let repo: RunRepository;

/** A step's points as a trainer writes them (a progress event needs the loss, lr and throughput). */
const pointsAt = (step: number, loss: number) => [
  { step, name: 'loss', value: loss },
  { step, name: 'lr', value: 0.001 },
  { step, name: 'tokensPerSecond', value: 5000 },
];

/** Run `run`, started `index` minutes past 10:00, with its losses at its last step. */
function addRun(run: KnownRun, index: number): void {
  const isLive = run.id === LIVE;
  addStoredRun(repo, { id: run.id, name: run.name, status: isLive ? 'running' : 'completed', totalSteps: 100 });
  store.db.prepare('UPDATE runs SET created_at = ? WHERE id = ?').run(`2026-12-06T10:0${index}:00.000Z`, run.id);
  const step = isLive ? 40 : 100;
  if (run.loss !== undefined) repo.addMetrics(run.id, pointsAt(step, run.loss));
  if (run.evalLoss !== undefined) repo.addMetrics(run.id, [{ step, name: 'eval.loss', value: run.evalLoss }]);
  repo.setProgress(run.id, step, step * 40);
}

const table = () => page.getByTestId('runs-table');
/** The runs' names, top row first. */
const names = () => table().getByTestId('run-open').allTextContents();
const header = (key: string) => page.getByTestId(`runs-sort-${key}`);
/** The aria-sort of each header that has one, by its first sort button. */
const sortedHeaders = () =>
  table()
    .locator('th[aria-sort]')
    .evaluateAll((cells: unknown[]) =>
      cells.map((cell) => {
        const th = cell as {
          getAttribute(name: string): string;
          querySelector(s: string): { dataset: { testid: string } };
        };
        return `${th.querySelector('button').dataset.testid} ${th.getAttribute('aria-sort')}`;
      }),
    );
/** Sorts by `key` `direction` by clicking its header (once or twice). */
async function sortBy(key: string, direction: 'ascending' | 'descending'): Promise<void> {
  const cell = table().locator('th', { has: header(key) });
  for (let clicks = 0; clicks < 2 && (await cell.getAttribute('aria-sort')) !== direction; clicks++)
    await header(key).click();
  expect(await cell.getAttribute('aria-sort')).toBe(direction);
}
/** The arrows that show (the sorted column's), with their header; the pointer moved off the headers first. */
async function arrowsShown(): Promise<string[]> {
  await page.mouse.move(0, 0); // (a header pointed at shows, faint, the way a click would sort)
  const shown: string[] = [];
  for (const button of await table().locator('[data-testid^=runs-sort-]').all()) {
    const arrow = button.locator('.arrow');
    if (await arrow.isVisible()) shown.push(`${await button.getAttribute('data-testid')} ${await arrow.textContent()}`);
  }
  return shown;
}

beforeAll(async () => {
  session = await startSession('runs-sort', { viewport: { width: 1280, height: 900 } });
  page = session.page;
  ({ store, repo } = openStoreForRuns(session.dataDir));
  RUNS.forEach(addRun);
  await page.goto(session.url);
  await openScreen(page, 'runs');
  // The losses come after the list (each row's runs.get).
  await table().getByTestId('run-best-eval').filter({ hasText: '2.500' }).waitFor({ timeout: 20_000 });
}, 120_000);

afterAll(async () => {
  store?.close();
  await session?.close();
});

describe('Sorting the Runs table', () => {
  it('lists the newest run first until a header is clicked, the Run column marked so', async () => {
    expect(await names()).toEqual(['live 3', 'sweep 1', 'baseline', 'Run 2', 'run 10']);
    expect(await sortedHeaders()).toEqual(['runs-sort-name descending']);
    expect(await arrowsShown()).toEqual(['runs-sort-started ▼']);
  });

  it('sorts by a loss with a click, the other way with a second, runs with no loss last either way', async () => {
    await header('lastLoss').click();
    expect(await names()).toEqual(['Run 2', 'run 10', 'sweep 1', 'live 3', 'baseline']);
    expect(await sortedHeaders()).toEqual(['runs-sort-lastLoss ascending']);
    expect(await arrowsShown()).toEqual(['runs-sort-lastLoss ▲']);
    await header('lastLoss').click();
    expect(await names()).toEqual(['live 3', 'sweep 1', 'run 10', 'Run 2', 'baseline']);
    expect(await sortedHeaders()).toEqual(['runs-sort-lastLoss descending']);
    expect(await arrowsShown()).toEqual(['runs-sort-lastLoss ▼']);
    // Best val. loss: three runs were never evaluated; they keep newest first under the others.
    await header('bestEvalLoss').click();
    expect(await names()).toEqual(['run 10', 'Run 2', 'live 3', 'sweep 1', 'baseline']);
    await header('bestEvalLoss').click();
    expect(await names()).toEqual(['Run 2', 'run 10', 'live 3', 'sweep 1', 'baseline']);
    expect(await sortedHeaders()).toEqual(['runs-sort-bestEvalLoss descending']);
  });

  it('sorts by name from the keyboard, case ignored and "Run 2" before "run 10"; Started brings back newest first', async () => {
    await header('name').focus();
    await page.keyboard.press('Enter');
    expect(await names()).toEqual(['baseline', 'live 3', 'Run 2', 'run 10', 'sweep 1']);
    expect(await sortedHeaders()).toEqual(['runs-sort-name ascending']);
    expect(await arrowsShown()).toEqual(['runs-sort-name ▲']);
    await page.keyboard.press('Space');
    expect(await names()).toEqual(['sweep 1', 'run 10', 'Run 2', 'live 3', 'baseline']);
    expect(await sortedHeaders()).toEqual(['runs-sort-name descending']);
    await page.keyboard.press('Tab'); // (to Started, in the same header)
    await page.keyboard.press('Enter');
    expect(await names()).toEqual(['live 3', 'sweep 1', 'baseline', 'Run 2', 'run 10']);
    expect(await arrowsShown()).toEqual(['runs-sort-started ▼']);
  });

  it('keeps the order chosen when the screen opens again and after a reload', async () => {
    await header('lastLoss').click();
    await openScreen(page, 'datasets');
    await openScreen(page, 'runs');
    // (The losses are read again as the screen opens: until then every run is a blank, newest first.)
    await expect.poll(names, { timeout: 10_000 }).toEqual(['Run 2', 'run 10', 'sweep 1', 'live 3', 'baseline']);
    expect(await sortedHeaders()).toEqual(['runs-sort-lastLoss ascending']);
    await page.reload();
    await openScreen(page, 'runs');
    await expect.poll(names, { timeout: 10_000 }).toEqual(['Run 2', 'run 10', 'sweep 1', 'live 3', 'baseline']);
    expect(await sortedHeaders()).toEqual(['runs-sort-lastLoss ascending']);
  });

  it('passes an accessibility audit sorted by a column, a header focused, in the light and the dark theme', async () => {
    const found: string[] = [];
    await header('bestEvalLoss').focus();
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      found.push(...(await accessibilityViolations(page)).map((v) => `${scheme}: ${v}`));
    }
    await page.emulateMedia({ colorScheme: 'light' });
    expect(found).toEqual([]);
  });

  it('moves a training run up as its loss falls, its tick box keeping the keyboard focus', async () => {
    await sortBy('lastLoss', 'ascending');
    await expect.poll(names, { timeout: 10_000 }).toEqual(['Run 2', 'run 10', 'sweep 1', 'live 3', 'baseline']);
    const tickBox = page.getByTestId(`run-row-${LIVE}`).getByTestId('run-select');
    await tickBox.focus();
    let step = 40;
    const ticker = setInterval(() => {
      step++;
      repo.addMetrics(LIVE, pointsAt(step, Math.max(0.5, 4.5 - 0.5 * (step - 40))));
      repo.setProgress(LIVE, step, step * 40);
    }, 300);
    try {
      await expect.poll(names, { timeout: 20_000 }).toEqual(['live 3', 'Run 2', 'run 10', 'sweep 1', 'baseline']);
    } finally {
      clearInterval(ticker);
    }
    const focused = await page.evaluate<string>(
      "`${document.activeElement?.closest('tr')?.dataset.testid} ${document.activeElement?.dataset.testid}`",
    );
    expect(focused).toBe(`run-row-${LIVE} run-select`);
    await page.keyboard.press('Space');
    expect(await tickBox.isChecked()).toBe(true);
  }, 60_000);
});
