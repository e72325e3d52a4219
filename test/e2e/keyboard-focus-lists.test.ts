// End-to-end, by keyboard and screen reader, against the built `spanfill serve`: the lists'
// controls and boxes. A Runs row's Delete… that becomes unavailable while it has the focus (here:
// the connection to the server lost) keeps it, held (aria-disabled, saying why; a press asks
// nothing), as the other buttons do, where `disabled` dropped it to the page. A run removed
// elsewhere (`spanfill runs rm`) is said once, by name, on the Runs screen; one deleted there is
// said as a delete only. At 200 % and 400 % zoom (640 and 320 CSS px) the Datasets and Models
// tables, cut off, scroll sideways in a box the keyboard reaches. The runs are written straight
// into the store (storedRuns.ts): nothing trains.
// Needs `npm run build` first.

import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/main/store/db';
import { accessibilityViolations } from './accessibility';
import { announcements, recordAnnouncements } from './liveRegions';
import { openScreen } from './navigate';
import { importNotes } from './notes';
import { spanfillJson } from './serve';
import { startSession, type E2eSession } from './session';
import { addStoredRun, openStoreForRuns } from './storedRuns';

const tinySpm = path.resolve('test/fixtures/t5/t5-tiny-spm');
let session: E2eSession;
let page: Page;
let store: Store;

beforeAll(async () => {
  session = await startSession('keyboard-lists');
  page = session.page;
  importNotes(session);
  spanfillJson(session.dataDir, ['models', 'import', tinySpm, '--name', 'tiny spm']);
  const opened = openStoreForRuns(session.dataDir);
  store = opened.store;
  for (const [id, name] of [
    ['r-kept', 'kept run'],
    ['r-here', 'deleted here'],
    ['r-gone', 'removed in a terminal'],
  ])
    addStoredRun(opened.repo, { id, name, status: 'stopped', totalSteps: 10 });
  await page.goto(session.url);
}, 120_000);

afterAll(async () => {
  store?.close();
  await session?.close();
});

/** The focused element's testid and, when it is in a run's row, that run's id: 'r-kept run-delete'. */
const focusedInRow = (on: Page): Promise<string> =>
  on.evaluate<string>(
    `(document.activeElement?.closest('tr')?.dataset.testid?.slice('run-row-'.length) ?? '') + ' ' +` +
      ` (document.activeElement?.dataset.testid ?? document.activeElement?.tagName.toLowerCase())`,
  );

describe("a Runs row's Delete…", () => {
  it('keeps the focus as it becomes unavailable (the connection lost), held: a press asks nothing', async () => {
    const offline = await session.context.newPage();
    try {
      let isCut = false;
      let cut: (() => Promise<void>) | undefined;
      await offline.routeWebSocket(
        () => true,
        (ws) => {
          if (isCut) return void ws.close();
          ws.connectToServer();
          cut = () => ws.close();
        },
      );
      await offline.goto(`${session.url}#/runs`);
      const remove = offline.getByTestId('run-row-r-kept').getByTestId('run-delete');
      await remove.focus();
      isCut = true;
      await cut?.();
      await offline.getByText('Lost the connection to').waitFor();
      await expect.poll(() => remove.getAttribute('aria-disabled')).toBe('true');
      await expect(remove.getAttribute('disabled')).resolves.toBeNull();
      await expect(remove.getAttribute('aria-label')).resolves.toMatch(/^Delete kept run: Not connected/);
      await expect(focusedInRow(offline)).resolves.toBe('r-kept run-delete');
      await offline.keyboard.press('Enter');
      await offline.waitForTimeout(300);
      await expect(offline.getByTestId('run-delete-question').count()).resolves.toBe(0);
      await expect(focusedInRow(offline)).resolves.toBe('r-kept run-delete');
    } finally {
      await offline.close();
    }
  });
});

describe('the Runs screen says a run removed', () => {
  it('elsewhere (`spanfill runs rm`) once, by name; one deleted there as a delete only', async () => {
    await openScreen(page, 'runs');
    await page.getByTestId('run-row-r-gone').waitFor();
    await recordAnnouncements(page);
    spanfillJson(session.dataDir, ['runs', 'rm', 'r-gone']);
    await expect.poll(() => page.getByTestId('run-row-r-gone').count(), { timeout: 10_000 }).toBe(0);
    await expect
      .poll(() => page.getByTestId('runs-announcement').textContent(), { timeout: 5_000 })
      .toBe('Run “removed in a terminal” was removed elsewhere.');

    const row = page.getByTestId('run-row-r-here');
    await row.getByTestId('run-delete').click();
    await row.getByTestId('run-delete-confirm').click();
    await expect.poll(() => row.count(), { timeout: 10_000 }).toBe(0);
    await page.waitForTimeout(2500); // (the server's own look at the store, every second, says nothing more)
    const said = (await announcements(page)).filter((line) => line.startsWith('status: '));
    expect(said).toEqual([
      'status: Run “removed in a terminal” was removed elsewhere.',
      'status: Deleted run “deleted here”.',
    ]);
    expect(session.pageErrors).toEqual([]);
  });
});

describe('the Datasets and Models tables, cut off by zoom', () => {
  for (const [screen, table, label] of [
    ['datasets', 'datasets-table', 'Datasets table'],
    ['models', 'models-table', 'Models table'],
  ]) {
    it(`${screen}: scroll sideways in a box the keyboard reaches, at 640 and 320 CSS px`, async () => {
      await openScreen(page, screen);
      const box = page.getByTestId(table).locator('xpath=..');
      try {
        const cutAt: number[] = [];
        for (const width of [640, 320]) {
          await page.setViewportSize({ width, height: 400 });
          // The box has taken in the new width: a tab stop of its own exactly while it is cut off.
          const isSettled = () =>
            box.evaluate(
              (element) => element.scrollWidth > element.clientWidth + 1 === element.hasAttribute('tabindex'),
            );
          await expect.poll(isSettled, { timeout: 10_000 }).toBe(true);
          const violations = await accessibilityViolations(page);
          expect(violations.filter((line) => line.startsWith('scrollable-region-focusable'))).toEqual([]);
          if (!(await box.evaluate((element) => element.scrollWidth > element.clientWidth + 1))) continue;
          cutAt.push(width);
          await expect.poll(() => page.getByRole('region', { name: label, exact: true }).count()).toBe(1);
          await expect(box.getAttribute('tabindex')).resolves.toBe('0');
          await box.evaluate((element) => (element.scrollLeft = 0));
          await box.focus();
          await page.keyboard.press('ArrowRight');
          await expect.poll(() => box.evaluate((element) => element.scrollLeft)).toBeGreaterThan(0);
        }
        expect(cutAt).toContain(320); // (else this test shows nothing)
      } finally {
        await page.setViewportSize({ width: 1280, height: 800 });
      }
      // As wide as its table again: no tab stop of its own, once the focus has gone elsewhere.
      await page.getByTestId(`nav-${screen}`).focus();
      await expect.poll(() => box.getAttribute('tabindex')).toBeNull();
    });
  }
});
