// End-to-end for a finished run's view and the runs table as things change around them, against
// the built `spanfill serve`: two short runs and a one-step run trained by the CLI on the data
// directory serve has open. With no dataset left, a run's view asks for the dataset list once.
// A zoom into the loss chart stays while it redraws (a live run's new points, a new smoothing,
// the log scale) until a double-click or Show all; a one-step run's steps axis reads whole
// steps. The runs table's delete question keeps on Escape and gives the focus back to Delete…;
// a new screen opens at its top; the loss view and the theme follow a change made in another
// tab. The comparison names each run's dataset ('removed' once it is gone) and status, and its
// legend only the curves drawn (a run stopped before its first evaluation has no validation
// line). With `spanfill serve` gone, a running run's view says it is as of the last contact and
// its actions wait, saying why; the runs table lists the runs an earlier read answered when the
// last read's answer never comes. The loss view's smoothing and log scale, and a new run from a
// run's settings, are in run-view.test.ts.
// Screenshots go to test-results/loss-*.png. Needs `npm run build` first.

import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chartLegend, setSmoothing as setLossSmoothing, shortRunFlags, tinySpm, trainTwoRuns } from './lossRuns';
import { routeReplies } from './holdReply';
import { openScreen } from './navigate';
import { writeNotes } from './notes';
import { spanfillJson, startServe } from './serve';
import { resultsDir, startSession, type E2eSession } from './session';
import { startTerminalRun, stoppedRun } from './terminalRun';

let session: E2eSession;
let page: Page;
let runIds: string[];
let datasetId: string;
let oneStepId: string;
/** A second dataset, imported by the comparison's test. */
let otherId: string;

beforeAll(async () => {
  session = await startSession('loss-changes');
  page = session.page;
  ({ datasetId, runIds } = trainTwoRuns(session));
  // One step: its chart's steps axis around step 1.
  oneStepId = spanfillJson<{ runId: string }>(session.dataDir, [
    'train',
    ...shortRunFlags(datasetId),
    ...['--max-steps', '1', '--name', 'one step'],
  ]).runId;
  await page.goto(session.url);
}, 120_000);

afterAll(() => session?.close());

const legend = (testid: string) => chartLegend(page, testid);

/** The comparison's labels in any run order (it follows the order the runs were ticked in). */
const compareLegend = async () => (await legend('chart-compare')).sort();

const setSmoothing = (value: number) => setLossSmoothing(page, value);

/** The chart's tick labels on its steps axis, as last drawn. */
const xLabels = (testid: string) => page.getByTestId(testid).getAttribute('data-x-labels');

/** Drags across the chart's plot from `from` to `to` (fractions of its width): uPlot zooms in on those steps. */
async function dragAcross(testid: string, from: number, to: number): Promise<void> {
  const box = (await page.getByTestId(testid).locator('.u-over').boundingBox())!;
  const y = box.y + box.height / 2;
  await page.mouse.move(box.x + box.width * from, y);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * to, y, { steps: 5 });
  await page.mouse.up();
}

/** The test id of the element with the focus, and of the table row it is in. */
const focused = () =>
  page.evaluate<[string | undefined, string | undefined]>(
    '[document.activeElement?.dataset.testid, document.activeElement?.closest("tr")?.dataset.testid]',
  );

describe("a run's view as things change around it: its dataset, a redraw, another tab, the server", () => {
  it('with no dataset left, opens a run and asks for the dataset list once, not on every answer', async () => {
    spanfillJson(session.dataDir, ['datasets', 'rm', datasetId]);
    let lists = 0;
    page.on('websocket', (socket) =>
      socket.on('framesent', (frame) => {
        if (String(frame.payload).includes('"datasets.list"')) lists++;
      }),
    );
    await page.reload(); // a new socket, whose frames are counted
    await openScreen(page, 'runs');
    await page.getByTestId(`run-row-${runIds[0]}`).getByTestId('run-open').click();
    await page.getByTestId('run-view').waitFor();
    await expect(page.getByTestId('run-view').textContent()).resolves.toContain('on a removed dataset');
    // The browser reports a frame sent a little after the page sends it: wait for the view's call.
    await expect.poll(() => lists, { timeout: 10_000 }).toBeGreaterThan(0);
    const opened = lists;
    await page.waitForTimeout(2000);
    // (It asked thousands of times a second: each empty answer made the view ask again.)
    expect(lists - opened).toBe(0);
    // A training job carries the run's dataset: not offered once it is gone (the checkpoint still exports).
    await expect(page.getByTestId('export-format-accelerate').isDisabled()).resolves.toBe(true);
    await expect(page.getByTestId('export-format-hf').isEnabled()).resolves.toBe(true);
    await expect(page.getByTestId('export-no-dataset').textContent()).resolves.toBe(
      "A training job needs the run's dataset, which was removed.",
    );
  });

  it('keeps a zoom into the loss chart while it redraws, until a double-click or Show all', async () => {
    // The run view the test before left open: 30 steps.
    await page.getByTestId('run-view').waitFor();
    await setSmoothing(0.5);
    await expect.poll(() => legend('chart-loss')).toEqual(['training loss (smoothed)', 'validation loss']);
    await expect.poll(() => xLabels('chart-loss')).toMatch(/^\d+( \d+)+ 30$/);
    const all = await xLabels('chart-loss');
    await dragAcross('chart-loss', 0.2, 0.5);
    await expect.poll(() => page.getByTestId('chart-loss').getAttribute('data-zoomed')).toBe('true');
    const zoomed = await xLabels('chart-loss');
    expect(zoomed).not.toBe(all);
    // New data to draw (as a live run's points are): the zoom stays. (It went within a frame.)
    await setSmoothing(0.7);
    await page.waitForTimeout(500);
    await expect(xLabels('chart-loss')).resolves.toBe(zoomed);
    // A new chart for the log scale: the zoom stays too.
    await page.getByTestId('loss-log').check();
    await expect.poll(() => page.getByTestId('chart-loss').getAttribute('data-log')).toBe('true');
    await page.waitForTimeout(300);
    await expect(xLabels('chart-loss')).resolves.toBe(zoomed);
    await page.getByTestId('chart-loss').scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(resultsDir, 'loss-03-zoom-kept.png') });
    // A double-click shows every step again, and so does Show all.
    await page.getByTestId('chart-loss').locator('.u-over').dblclick();
    await expect.poll(() => xLabels('chart-loss')).toBe(all);
    await expect(page.getByTestId('chart-loss').getAttribute('data-zoomed')).resolves.toBe('false');
    await dragAcross('chart-loss', 0.5, 0.8);
    await page.getByTestId('chart-show-all').click();
    await expect.poll(() => xLabels('chart-loss')).toBe(all);
    await expect(page.getByTestId('chart-show-all').count()).resolves.toBe(0);
    await setSmoothing(0);
    await page.getByTestId('loss-log').uncheck();
  });

  it("labels a one-step run's steps axis at whole steps", async () => {
    await openScreen(page, 'runs');
    await page.getByTestId(`run-row-${oneStepId}`).getByTestId('run-open').click();
    await page.getByTestId('run-view').waitFor();
    await expect.poll(() => page.getByTestId('chart-loss').getAttribute('data-points')).toBe('1');
    // (It read 0, 0.2, 0.4 … 2.)
    await expect.poll(() => xLabels('chart-loss')).toMatch(/\d/);
    for (const testid of ['chart-loss', 'chart-lr', 'chart-speed']) {
      const labels = ((await xLabels(testid)) ?? '').split(' ');
      expect(labels.length, testid).toBeGreaterThanOrEqual(2);
      for (const label of labels) expect(label, testid).toMatch(/^\d+$/);
    }
  });

  it('keeps a run on Escape at its delete question, and gives the focus back to Delete…', async () => {
    await openScreen(page, 'runs');
    const row = page.getByTestId(`run-row-${runIds[1]}`);
    await row.getByTestId('run-delete').click();
    await expect.poll(focused).toEqual(['run-delete-keep', `run-row-${runIds[1]}`]);
    await page.keyboard.press('Escape');
    await expect.poll(() => row.getByTestId('run-delete-question').count()).toBe(0);
    await expect.poll(focused).toEqual(['run-delete', `run-row-${runIds[1]}`]);
    // Keep, pressed: the same (the focus went to the page's body).
    await row.getByTestId('run-delete').click();
    await row.getByTestId('run-delete-keep').click();
    await expect.poll(focused).toEqual(['run-delete', `run-row-${runIds[1]}`]);
    await expect(row.count()).resolves.toBe(1);
  });

  it("opens a new screen at its top, not at the last screen's scroll position", async () => {
    await page.setViewportSize({ width: 1280, height: 450 });
    try {
      await page.getByTestId(`run-row-${runIds[0]}`).getByTestId('run-open').click();
      await page.getByTestId('run-view').waitFor();
      const main = page.locator('main');
      await main.evaluate((el) => {
        const box = el as { scrollTop: number; scrollHeight: number };
        box.scrollTop = box.scrollHeight;
      });
      await expect(main.evaluate((el) => (el as { scrollTop: number }).scrollTop)).resolves.toBeGreaterThan(300);
      await openScreen(page, 'settings');
      // (Long enough to have kept a scroll position.)
      await expect(
        main.evaluate((el) => {
          const box = el as { scrollHeight: number; clientHeight: number };
          return box.scrollHeight - box.clientHeight;
        }),
      ).resolves.toBeGreaterThan(300);
      await expect(main.evaluate((el) => (el as { scrollTop: number }).scrollTop)).resolves.toBe(0);
    } finally {
      await page.setViewportSize({ width: 1280, height: 800 });
    }
  });

  it('follows the theme and the loss view chosen in another tab', async () => {
    const other = await session.context.newPage();
    try {
      await other.goto(session.url);
      // The theme: this page's Settings screen is open.
      await openScreen(other, 'settings');
      await other.getByTestId('theme-dark').check();
      const theme = () => page.evaluate<string | undefined>('document.documentElement.dataset.theme');
      await expect.poll(theme).toBe('dark');
      await expect(page.getByTestId('theme-dark').isChecked()).resolves.toBe(true);
      await other.getByTestId('theme-system').check();
      await expect.poll(theme).toBeUndefined();
      await expect(page.getByTestId('theme-system').isChecked()).resolves.toBe(true);
      // The loss view: this page shows a run's charts.
      await openScreen(page, 'runs');
      await page.getByTestId(`run-row-${runIds[0]}`).getByTestId('run-open').click();
      await page.getByTestId('run-view').waitFor();
      await expect(page.getByTestId('loss-log').isChecked()).resolves.toBe(false);
      await openScreen(other, 'runs');
      await other.getByTestId(`run-row-${runIds[0]}`).getByTestId('run-open').click();
      await other.getByTestId('loss-log').check();
      await expect.poll(() => page.getByTestId('chart-loss').getAttribute('data-log')).toBe('true');
      await expect(page.getByTestId('loss-log').isChecked()).resolves.toBe(true);
      await other.getByTestId('loss-log').uncheck();
      await expect.poll(() => page.getByTestId('chart-loss').getAttribute('data-log')).toBe('false');
    } finally {
      await other.close();
    }
    expect(session.pageErrors).toEqual([]);
  });

  it('compares by dataset name, says a removed one and each status, and names only curves that have points', async () => {
    // A run on another dataset stopped before any evaluation: a training loss, no validation loss.
    const notes = path.join(session.dir, 'other.txt');
    writeNotes(notes, { docs: 30, words: 40, stride: 3 });
    otherId = spanfillJson<{ id: string }>(session.dataDir, ['import', notes]).id;
    const stoppedId = await stoppedRun(session.dataDir, 'stopped early', [
      ...['--dataset', otherId, '--model', tinySpm, '--input-length', '32', '--batch-size', '4'],
      ...['--max-steps', '1000000'],
    ]);
    await page.goto(session.url);
    await openScreen(page, 'runs');
    for (const id of [runIds[0], stoppedId]) await page.getByTestId(`run-row-${id}`).getByTestId('run-select').check();
    const table = page.getByTestId('compare-table');
    await table.waitFor();
    // Each row's cells by the run its column heads (the columns come in the comparison's order).
    const columns = (await table.locator('thead th').allTextContents()).slice(1);
    const byRun = async (heading: string) => {
      const row = table.locator('tr', { has: page.locator('th', { hasText: heading }) }).locator('td');
      const values = await row.allTextContents();
      return Object.fromEntries(
        columns.map((column, i) => [column.startsWith('lr 0.003') ? 'lr' : 'stopped', values[i]]),
      );
    };
    // The first run's dataset was removed (the test before); the runs table says so too.
    await expect(byRun('Dataset')).resolves.toEqual({ lr: 'removed', stopped: 'other.txt' });
    await expect(byRun('Status')).resolves.toEqual({ lr: 'completed', stopped: 'stopped' });
    await expect.poll(compareLegend).toEqual(['lr 0.003 training', 'lr 0.003 validation', 'stopped early training']);
  }, 120_000);

  it("says a run's view is as of the last contact once the server is gone, its actions waiting and why", async () => {
    // A run trained from a terminal goes on without the server; a second `spanfill serve` shows it, then is killed.
    const run = await startTerminalRun(session.dataDir, 'outlives its server', [
      ...['--dataset', otherId, '--model', tinySpm, '--input-length', '32', '--batch-size', '4'],
      ...['--max-steps', '1000000'],
    ]);
    const other = await startServe(session.dataDir);
    const watching = await session.context.newPage();
    try {
      const { id } = run;
      await watching.goto(`${other.url}#/train/${id}`);
      const view = watching.getByTestId('run-view');
      await expect.poll(() => view.getAttribute('data-status')).toBe('running');
      await expect(watching.getByTestId('run-pause').isEnabled()).resolves.toBe(true);
      await expect(watching.getByTestId('run-offline').count()).resolves.toBe(0);

      other.child.kill('SIGKILL');
      const offline = watching.getByTestId('run-offline');
      await offline.waitFor();
      await expect(offline.textContent()).resolves.toMatch(
        /^\s*As of the last contact with spanfill serve \(.+\): it was running then\./,
      );
      for (const action of ['run-pause', 'run-stop']) {
        await expect(watching.getByTestId(action).isDisabled()).resolves.toBe(true);
        await expect(watching.getByTestId(action).getAttribute('title')).resolves.toMatch(
          /^Not connected to spanfill serve/,
        );
      }
      // The Runs table's actions wait too.
      await openScreen(watching, 'runs');
      await expect(
        watching.getByTestId(`run-row-${id}`).getByTestId('run-delete').getAttribute('title'),
      ).resolves.toMatch(/^Not connected to spanfill serve/);
      await run.stop();
    } finally {
      await watching.close();
      other.child.kill();
      run.kill();
    }
  }, 120_000);

  it("lists the runs an earlier read answered when the last read's answer never comes", async () => {
    const opening = await session.context.newPage();
    try {
      // The page reads the list as it opens (App.svelte) and again as the Runs screen mounts: the
      // first answer waits until the second read is out, whose answer is lost (the server gone).
      const fates = ['hold', 'drop'] as const;
      const replies = await routeReplies(opening, 'runs.list', (index) => fates[index] ?? 'pass');
      await opening.goto(`${session.url}#/runs`);
      await expect.poll(() => replies.calls()).toBe(2);
      replies.release();
      await expect.poll(() => opening.getByTestId(`run-row-${oneStepId}`).count(), { timeout: 10_000 }).toBe(1);
      await expect(opening.getByTestId('runs-empty').count()).resolves.toBe(0);
    } finally {
      await opening.close();
    }
  });
});
