// End-to-end accessibility of the charts and of what is around them, against the built
// `spanfill serve` with two short runs trained by the CLI: each chart's figure has a name and
// its data in words as its description (kept up to date while a run trains, and not said by a
// live region), the comparison tells runs apart by their marks' shapes as well as colours, a radio
// group is one Tab stop with the arrows moving within it, and at 200 % zoom of a 1024×768
// window (512×384 CSS px) no screen's <main> scrolls sideways (a table's visually hidden column
// name stretched it; so did a run's long base-model path, which the runs here are given on
// purpose, wherever the checkout lies). Needs `npm run build` first.
// NOTE: page.evaluate takes expression strings because the e2e files are type-checked without DOM types.

import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessibilityViolations } from './accessibility';
import { openScreen } from './navigate';
import { importNotes } from './notes';
import { spanfillJson } from './serve';
import { startSession, type E2eSession } from './session';
import { startTerminalRun } from './terminalRun';

const tinySpm = path.resolve('test/fixtures/t5/t5-tiny-spm');
/** The runs' base model, set in beforeAll: a copy of tinySpm at a path of over 100 characters. */
let RUN_FLAGS: string[];
let session: E2eSession;
let page: Page;
let datasetId: string;

/** What `spanfill train --json` says of a finished run. */
interface Trained {
  readonly runId: string;
  /** The training loss of each step, from step 1. */
  readonly losses: number[];
  readonly last: Record<string, number>;
}
let runs: Trained[];

beforeAll(async () => {
  session = await startSession('a11y-charts');
  page = session.page;
  datasetId = importNotes(session, { docs: 30, words: 40, stride: 5 });
  // A person's model folder can have a long path, shown in a run's view with no space or hyphen to wrap at.
  const longModel = path.join(session.dataDir, 'BaseModelsKeptInAFolderWithAVeryLongNameIndeed', 'T5TinySpmCopy');
  fs.cpSync(tinySpm, longModel, { recursive: true });
  expect(longModel.length).toBeGreaterThan(100);
  RUN_FLAGS = ['--model', longModel, '--input-length', '32', '--batch-size', '4'];
  runs = ['first', 'second'].map((name) =>
    spanfillJson<Trained>(session.dataDir, [
      'train',
      ...['--dataset', datasetId, ...RUN_FLAGS, '--max-steps', '10', '--eval-every', '5', '--name', name],
    ]),
  );
  await page.goto(session.url);
}, 120_000);

afterAll(() => session?.close());

/** The figures on the page as the accessibility tree has them (Chromium's, through CDP). */
async function figures(): Promise<{ name: string; description: string }[]> {
  const cdp = await page.context().newCDPSession(page);
  try {
    const { nodes } = await cdp.send('Accessibility.getFullAXTree');
    return nodes
      .filter((node) => !node.ignored && node.role?.value === 'figure')
      .map((node) => ({ name: String(node.name?.value ?? ''), description: String(node.description?.value ?? '') }));
  } finally {
    await cdp.detach();
  }
}

/** The figure named `name`'s description. */
const described = async (name: string) => (await figures()).find((figure) => figure.name === name)?.description;

async function openRun(id: string): Promise<void> {
  await openScreen(page, 'runs');
  await page.getByTestId(`run-row-${id}`).getByTestId('run-open').click();
  await page.getByTestId('run-view').waitFor();
}

/** The test id of the element with the focus. */
const focusedTestId = () => page.evaluate<string | undefined>('document.activeElement?.dataset.testid');

describe('the charts in words', () => {
  it("names each chart of a run's view and describes it by its data: first, last and lowest", async () => {
    const [run] = runs;
    await openRun(run.runId);
    await expect.poll(() => page.getByTestId('chart-loss').getAttribute('data-points')).toBe('10');
    const found = await figures();
    // (The figures had no name, and the canvas is hidden from screen readers: nothing said the data.)
    expect(found.map((figure) => figure.name)).toEqual(['Loss', 'Learning rate', 'Throughput']);
    const loss = found[0].description;
    const words =
      /^Loss: training loss ([\d.]+) at step 1 to ([\d.]+) at step 10, lowest ([\d.]+) at step (\d+); validation loss ([\d.]+) at step 5 to ([\d.]+) at step 10, lowest ([\d.]+) at step (5|10)\.$/.exec(
        loss,
      );
    expect(words, loss).not.toBeNull();
    const [first, last, lowest, lowestStep, , lastValidation] = words!.slice(1).map(Number);
    const lowestTraining = Math.min(...run.losses);
    expect(first).toBeCloseTo(run.losses[0], 2);
    expect(last).toBeCloseTo(run.losses[9], 2);
    expect(lowest).toBeCloseTo(lowestTraining, 2);
    expect(lowestStep).toBe(run.losses.indexOf(lowestTraining) + 1);
    expect(lastValidation).toBeCloseTo(run.last['eval.loss'], 2);
    // Not a loss: no lowest; a learning rate's highest where its peak is at neither end (lib/chartSummary.ts).
    expect(found[1].description).toMatch(
      /^Learning rate: learning rate [\d.e-]+ at step 1 to [\d.e-]+ at step 10(, highest [\d.e-]+ at step \d)?\.$/,
    );
    expect(found[2].description).toMatch(/^Throughput: tokens\/s [\d,.]+ at step 1 to [\d,.]+ at step 10\.$/);
    expect(session.pageErrors).toEqual([]);
  });

  it("keeps a training run's description up to date as its points arrive, without announcing it", async () => {
    const live = await startTerminalRun(
      session.dataDir,
      'live',
      ['--dataset', datasetId, ...RUN_FLAGS, '--max-steps', '100000'],
      2,
    );
    try {
      await openRun(live.id);
      // The training loss's last step ("training loss 6.64 at step 1 to 2.5 at step 1,234, lowest …"), 0 before.
      const lastStep = async () => {
        const words = /training loss [\d.]+ at step 1 to [\d.]+ at step ([\d,]*\d)/.exec(
          (await described('Loss')) ?? '',
        );
        return Number(words?.[1].replaceAll(',', '') ?? 0);
      };
      await expect.poll(lastStep, { timeout: 30_000 }).toBeGreaterThan(1);
      const seen = await lastStep();
      await expect.poll(lastStep, { timeout: 30_000 }).toBeGreaterThan(seen);
      // A description, read when the chart is reached, not a live region that speaks at every step:
      // the chart's one status says only what its keys show (chart-window.test.ts), none pressed here.
      const announcing = await page.evaluate<string[]>(
        `[...document.querySelectorAll('[data-testid=chart-loss], [data-testid=chart-loss] *')]
          .filter((e) => e.matches('[aria-live], [role=status], [role=log], [role=alert]') && e.textContent.trim() !== '')
          .map((e) => e.outerHTML.slice(0, 80))`,
      );
      expect(announcing).toEqual([]);
      await live.stop();
    } finally {
      live.kill();
    }
  });

  it('names the comparison and describes every run in it, and tells runs apart by the shape of their marks', async () => {
    await openScreen(page, 'runs');
    for (const { runId } of runs) await page.getByTestId(`run-row-${runId}`).getByTestId('run-select').check();
    await page.getByTestId('compare-table').waitFor();
    await expect.poll(() => page.getByTestId('chart-compare').getAttribute('data-points')).toBe('10');
    const description = (await described('Loss')) ?? '';
    for (const name of ['first', 'second'])
      expect(description).toMatch(
        new RegExp(
          `${name} training [\\d.]+ at step 1 to [\\d.]+ at step 10, lowest [\\d.]+ at step \\d+; ` +
            `${name} validation [\\d.]+ at step 5 to [\\d.]+ at step 10, lowest`,
        ),
      );
    // Each run's legend keys show its marks' shape, one shape per run; its two curves differ by their dash.
    const keys = await page.evaluate<{ shape?: string; drawn?: string; dash?: string }[]>(
      `[...document.querySelectorAll('[data-testid=chart-compare] .u-legend .u-series')].map((row) => ({
        shape: row.dataset.shape,
        drawn: row.querySelector('.u-marker svg [data-shape]')?.getAttribute('data-shape'),
        dash: row.dataset.dash,
      }))`,
    );
    expect(keys).toHaveLength(4);
    const [firstTraining, firstValidation, secondTraining, secondValidation] = keys;
    // (Both runs had round marks and the same dashes: their colours alone told them apart.)
    expect(secondTraining.shape).not.toBe(firstTraining.shape);
    for (const [training, validation] of [
      [firstTraining, firstValidation],
      [secondTraining, secondValidation],
    ]) {
      expect([training.drawn, validation.shape, validation.drawn]).toEqual([
        training.shape,
        training.shape,
        training.shape,
      ]);
      expect(validation.dash).not.toBe(training.dash);
    }
    expect(session.pageErrors).toEqual([]);
  });
});

describe('radio groups', () => {
  it("is one Tab stop for the comparison's alignment and for the export's format, the arrows moving within", async () => {
    // The comparison of the two runs is open (the test before).
    await page.getByTestId('align-step').focus();
    await page.keyboard.press('Tab');
    // (Each radio was a Tab stop of its own: Tab went from "step" to "input tokens seen".)
    expect(await focusedTestId()).not.toBe('align-tokens');
    await page.getByTestId('align-step').focus();
    await page.keyboard.press('ArrowRight');
    expect(await focusedTestId()).toBe('align-tokens');
    await expect(page.getByTestId('align-tokens').isChecked()).resolves.toBe(true);
    await page.getByTestId('align-step').check();

    await openRun(runs[0].runId);
    const formats = page.locator('[data-testid^="export-format-"]');
    await expect.poll(() => formats.count()).toBeGreaterThan(1);
    await page.getByTestId('export-format-hf').focus();
    await page.keyboard.press('Tab');
    expect(await focusedTestId()).not.toMatch(/^export-format-/);
    await page.getByTestId('export-format-hf').focus();
    await page.keyboard.press('ArrowDown');
    const next = await focusedTestId();
    expect(next).toMatch(/^export-format-/);
    expect(next).not.toBe('export-format-hf');
    await expect(page.getByTestId(next!).isChecked()).resolves.toBe(true);
  });
});

describe('the charts by keyboard', () => {
  it('zooms and moves the plot with keys, and hides or shows a line from its legend entry', async () => {
    await openRun(runs[0].runId);
    const chart = page.getByTestId('chart-loss');
    await expect.poll(() => chart.getAttribute('data-points')).toBe('10');
    const xLabels = () => chart.getAttribute('data-x-labels');
    const all = await xLabels();
    // (Neither could be done but by dragging or clicking: nothing in the figure took the focus.)
    const plot = chart.getByTestId('chart-plot');
    await plot.focus();
    await page.keyboard.press('+');
    await expect.poll(() => chart.getAttribute('data-zoomed')).toBe('true');
    await chart.getByTestId('chart-show-all').waitFor();
    const zoomed = await xLabels();
    expect(zoomed).not.toBe(all);
    await page.keyboard.press('End');
    await expect.poll(xLabels).not.toBe(zoomed);
    expect(Number((await xLabels())?.split(' ').at(-1))).toBeGreaterThan(Number(zoomed?.split(' ').at(-1)));
    await page.keyboard.press('0');
    await expect.poll(() => chart.getAttribute('data-zoomed')).toBe('false');
    await expect.poll(xLabels).toBe(all);

    // The legend's entries come next in Tab order: toggle buttons, pressed while their line shows.
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    const validation = chart.getByRole('button', { name: 'validation loss' });
    await expect(page.evaluate<string | undefined>('document.activeElement?.textContent')).resolves.toBe(
      'validation loss',
    );
    await expect(validation.getAttribute('aria-pressed')).resolves.toBe('true');
    await page.keyboard.press('Enter');
    await expect.poll(() => validation.getAttribute('aria-pressed')).toBe('false');
    await expect(chart.locator('.u-legend .u-series.u-off').count()).resolves.toBe(1);
    const description = (await described('Loss')) ?? '';
    expect(description).toMatch(
      /^Loss: training loss [\d.]+ at step 1 to [\d.]+ at step 10, lowest [\d.]+ at step \d+\. Hidden: validation loss\.$/,
    );
    await page.keyboard.press(' ');
    await expect.poll(() => validation.getAttribute('aria-pressed')).toBe('true');
    await expect.poll(() => described('Loss')).toMatch(/; validation loss [\d.]+ at step 5/);
    expect(await accessibilityViolations(page)).toEqual([]);
    expect(session.pageErrors).toEqual([]);
  });
});

describe('at 200 % zoom', () => {
  it('scrolls no screen with a table sideways at 512×384 CSS px (a 1024×768 window at 200 %)', async () => {
    await page.setViewportSize({ width: 512, height: 384 });
    try {
      const mainScrollsSideways = `(() => {
        const main = document.querySelector('main');
        return main.scrollWidth > main.clientWidth + 0.5 ? main.scrollWidth + ' > ' + main.clientWidth : '';
      })()`;
      // Once a screen has settled: a chart is first drawn at its box's width then, and redrawn when
      // the box is resized, so under load a moment can pass before it fits.
      const settled = { timeout: 10_000, intervals: [100, 250, 500] };
      for (const screen of ['datasets', 'runs', 'models']) {
        await openScreen(page, screen);
        await page.waitForLoadState('networkidle');
        await expect.poll(() => page.evaluate<string>(mainScrollsSideways), { message: screen, ...settled }).toBe('');
      }
      await openRun(runs[0].runId);
      // (The datasets table's hidden "Actions" was placed by <main>: 553 > 460.)
      await expect
        .poll(() => page.evaluate<string>(mainScrollsSideways), { message: "a run's view", ...settled })
        .toBe('');
    } finally {
      await page.setViewportSize({ width: 1280, height: 800 });
    }
  });
});
