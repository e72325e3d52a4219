// End-to-end for a chart's plot by keyboard and at 400 % zoom, against the built `spanfill serve`
// with one short run trained by the CLI: the focusable plot is described by the chart's data in
// words (as its figure is), each zoom or move key says the steps then in view in those words in a
// polite status, once per key however long it is held; and at 320×256 CSS px the run's charts
// stand one under another, each plot most of <main>'s width (two columns left about 80 px each).
// The charts' other words and keys are a11y-charts.test.ts's. Needs `npm run build` first.
// NOTE: page.evaluate takes expression strings because this file is type-checked without DOM types.

import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshotFailures } from './failureShot';
import { announcements, recordAnnouncements } from './liveRegions';
import { openScreen } from './navigate';
import { importNotes } from './notes';
import { spanfillJson } from './serve';
import { resultsDir, startSession, type E2eSession } from './session';

const tinySpm = path.resolve('test/fixtures/t5/t5-tiny-spm');
let session: E2eSession;
let page: Page;
/** What `spanfill train --json` says of the run: its id and the training loss of each step, from step 1. */
let run: { readonly runId: string; readonly losses: number[] };

beforeAll(async () => {
  session = await startSession('chart-window');
  page = session.page;
  const datasetId = importNotes(session, { docs: 30, words: 40, stride: 5 });
  const flags = ['--dataset', datasetId, '--model', tinySpm, '--input-length', '32', '--batch-size', '4'];
  run = spanfillJson(session.dataDir, ['train', ...flags, '--max-steps', '10', '--eval-every', '5']);
  await page.goto(session.url);
}, 120_000);

afterAll(() => session?.close());

screenshotFailures('chart-window', () => page);

async function openRun(): Promise<void> {
  await openScreen(page, 'runs');
  await page.getByTestId(`run-row-${run.runId}`).getByTestId('run-open').click();
  await page.getByTestId('run-view').waitFor();
  await expect.poll(() => page.getByTestId('chart-loss').getAttribute('data-points')).toBe('10');
}

/** The description of the first node in the accessibility tree (Chromium's, through CDP) with this role whose name starts so. */
async function describedAs(role: string, name: string): Promise<string | undefined> {
  const cdp = await page.context().newCDPSession(page);
  try {
    const { nodes } = await cdp.send('Accessibility.getFullAXTree');
    const node = nodes.find(
      (n) => !n.ignored && n.role?.value === role && String(n.name?.value ?? '').startsWith(name),
    );
    return node && String(node.description?.value ?? '');
  } finally {
    await cdp.detach();
  }
}

/** `said` as the run's training loss at `step` (three digits of it). */
function expectLoss(said: string, step: number): void {
  expect(Number(said)).toBeCloseTo(run.losses[step - 1], 2);
}

/** The training loss's lowest from step `from` to `to`, and its step. */
function lowestOf(from: number, to: number): { value: number; step: number } {
  const within = run.losses.slice(from - 1, to);
  const value = Math.min(...within);
  return { value, step: from + within.indexOf(value) };
}

/** The announcement of steps `from`–`to` (`heading` before the colon): its training loss checked against the run's. */
function expectWindow(said: string, heading: string, from: number, to: number, validation: string): void {
  const words = new RegExp(
    `^status: ${heading}: training loss ([\\d.]+) at step ${from} to ([\\d.]+) at step ${to}, ` +
      `lowest ([\\d.]+) at step (\\d+); validation loss ${validation}\\.$`,
  ).exec(said);
  expect(words, said).not.toBeNull();
  const [first, last, lowest, lowestStep] = words!.slice(1);
  expectLoss(first, from);
  expectLoss(last, to);
  expect(Number(lowest)).toBeCloseTo(lowestOf(from, to).value, 2);
  expect(Number(lowestStep)).toBe(lowestOf(from, to).step);
}

describe("a chart's plot by keyboard", () => {
  it('is described by the data in words, as its figure is', async () => {
    await openRun();
    const figure = await describedAs('figure', 'Loss');
    expect(figure).toMatch(/^Loss: training loss [\d.]+ at step 1 to [\d.]+ at step 10, lowest/);
    // (The plot, the Tab stop, said only how to zoom: the words were the figure's alone.)
    await expect.poll(() => describedAs('application', 'Loss plot:')).toBe(figure);
  });

  it('says the steps in view after each zoom or move key, once per key however long it is held', async () => {
    await openRun();
    await page.getByTestId('chart-loss').getByTestId('chart-plot').focus();
    await recordAnnouncements(page);
    // Steps 1–10; + shows the middle half (3.25–7.75), End the last 4.5 steps (5.5–10), and
    // ← three times a quarter of that back (2.125–6.625): validation only at steps 5 and 10.
    await page.keyboard.press('+');
    await expect.poll(() => announcements(page)).toHaveLength(1);
    await page.keyboard.press('End');
    await expect.poll(() => announcements(page)).toHaveLength(2);
    // Held down: the key repeats, and is let go once.
    for (let repeat = 0; repeat < 3; repeat++) await page.keyboard.down('ArrowLeft');
    await page.keyboard.up('ArrowLeft');
    await expect.poll(() => announcements(page)).toHaveLength(3);
    await page.keyboard.press('0');
    await expect.poll(() => announcements(page)).toHaveLength(4);
    await expect.poll(() => page.getByTestId('chart-loss').getAttribute('data-zoomed')).toBe('false');
    const said = await announcements(page);
    expectWindow(said[0], 'Steps 4–7', 4, 7, '[\\d.]+ at step 5');
    expectWindow(said[1], 'Steps 6–10', 6, 10, '[\\d.]+ at step 10');
    expectWindow(said[2], 'Steps 3–6', 3, 6, '[\\d.]+ at step 5');
    expectWindow(
      said[3],
      'All steps, 1–10',
      1,
      10,
      '[\\d.]+ at step 5 to [\\d.]+ at step 10, lowest [\\d.]+ at step (5|10)',
    );
    // Nothing more while the plot is left alone.
    await page.waitForTimeout(500);
    expect(await announcements(page)).toHaveLength(4);
    expect(session.pageErrors).toEqual([]);
  });
});

describe("a run's charts at 320×256 CSS px (400 % zoom)", () => {
  it('stacks the charts in one column, each plot most of the width of <main>', async () => {
    await page.setViewportSize({ width: 320, height: 256 });
    try {
      await openRun();
      const widths = `(() => {
        const main = document.querySelector('main').clientWidth;
        return ['chart-loss', 'chart-lr', 'chart-speed'].map((id) => {
          const plot = document.querySelector('[data-testid=' + id + '] [data-testid=chart-plot]');
          return id + ' ' + (plot.getBoundingClientRect().width / main >= 0.6 ? 'wide' : Math.round(plot.getBoundingClientRect().width) + ' of ' + main + ' px');
        });
      })()`;
      // (Learning rate and Throughput stood side by side, 80 px each of 264.)
      await expect
        .poll(() => page.evaluate<string[]>(widths), { timeout: 10_000 })
        .toEqual(['chart-loss wide', 'chart-lr wide', 'chart-speed wide']);
      await page.screenshot({ path: path.join(resultsDir, 'chart-window-narrow.png') });
    } finally {
      await page.setViewportSize({ width: 1280, height: 800 });
    }
  });
});
