// End-to-end for a finished run's view and the comparison against the built `spanfill serve`:
// two short runs trained by the CLI on the data directory serve has open. The loss charts' view
// (components/LossViewControls.svelte, lib/lossView.svelte.ts): smoothing relabels the training
// loss in the run view and in the comparison, the log scale switches the charts' y axis, both
// are remembered by the browser across a reload, and off again the raw labels come back. "New
// run with these settings" opens the form with the run's settings (its model folder, lengths,
// batch, steps, rate), and a run started from it after one change trains with the rest as they
// were; training for passes over the data instead of steps gets its steps from the estimate,
// and its base model says the model lists are loading until they are in.
// With no dataset left, a run's view asks for the dataset list once. The comparison gives each
// run one colour (its validation loss dashed, with marks, in it) and its legend shows the lines
// as drawn; a finished run's view says its last stored loss and no live speed. A zoom into the
// loss chart stays while it redraws (a live run's new points, a new smoothing, the log scale)
// until a double-click or Show all; a one-step run's steps axis reads whole steps. The runs
// table's delete question keeps on Escape and gives the focus back to Delete…; a new screen
// opens at its top; the loss view and the theme follow a change made in another tab. The
// comparison names each run's dataset ('removed' once it is gone) and status, and its legend
// only the curves drawn (a run stopped before its first evaluation has no validation line).
// With `spanfill serve` gone, a running run's view says it is as of the last contact and its
// actions wait, saying why.
// Screenshots go to test-results/loss-*.png and run-again-*.png. Needs `npm run build` first.

import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessibilityViolations } from './accessibility';
import { holdReply } from './holdReply';
import { openScreen } from './navigate';
import { importNotes, writeNotes } from './notes';
import { spanfillJson, startServe } from './serve';
import { resultsDir, startSession, type E2eSession } from './session';
import { startTerminalRun, stoppedRun } from './terminalRun';

const tinySpm = path.resolve('test/fixtures/t5/t5-tiny-spm');
let session: E2eSession;
let page: Page;
let runIds: string[];
let datasetId: string;
let oneStepId: string;
/** A second dataset, imported by the comparison's test. */
let otherId: string;

beforeAll(async () => {
  session = await startSession('loss');
  page = session.page;
  datasetId = importNotes(session, { docs: 30, words: 40, stride: 5 });
  // The first run is named, the second keeps its default name ("t5-tiny-spm on notes.txt").
  runIds = [['0.003', '--name', 'lr 0.003'], ['0.001']].map(
    ([lr, ...name]) =>
      spanfillJson<{ runId: string }>(session.dataDir, [
        'train',
        ...['--dataset', datasetId, '--model', tinySpm, '--input-length', '32', '--batch-size', '4'],
        ...['--max-steps', '30', '--eval-every', '10', '--checkpoint-every', '30', '--lr', lr, ...name],
      ]).runId,
  );
  // One step: its chart's steps axis around step 1.
  oneStepId = spanfillJson<{ runId: string }>(session.dataDir, [
    'train',
    ...['--dataset', datasetId, '--model', tinySpm, '--input-length', '32', '--batch-size', '4'],
    ...['--max-steps', '1', '--name', 'one step'],
  ]).runId;
}, 120_000);

afterAll(() => session?.close());

/** The legend labels of a chart (uPlot's, under the plot). */
const legend = (testid: string) => page.getByTestId(testid).locator('.u-legend .u-label').allTextContents();

/** The comparison's labels in any run order (it follows the order the runs were ticked in). */
const compareLegend = async () => (await legend('chart-compare')).sort();

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

/** Moves the smoothing slider (a range input: set its value, then the events a drag sends). */
async function setSmoothing(value: number): Promise<void> {
  // NOTE: an expression string, as in the other e2e files: this file is type-checked without DOM types.
  await page.evaluate(
    `(() => { const input = document.querySelector('[data-testid=loss-smoothing]'); input.value = '${value}'; ` +
      `for (const type of ['input', 'change']) input.dispatchEvent(new Event(type, { bubbles: true })); })()`,
  );
}

describe("a run's view: the loss charts' smoothing and log scale, a new run with its settings", () => {
  it('smooths the training loss and draws on a log axis in the run view, and remembers both', async () => {
    await page.goto(session.url);
    await openScreen(page, 'runs');
    await page.getByTestId(`run-row-${runIds[0]}`).getByTestId('run-open').click();
    await page.getByTestId('run-view').waitFor();
    await expect.poll(() => page.getByTestId('chart-loss').getAttribute('data-points')).toBe('30');
    expect(await legend('chart-loss')).toEqual(['training loss', 'validation loss']);
    await expect(page.getByTestId('loss-smoothing-value').textContent()).resolves.toBe('off');

    await setSmoothing(0.8);
    await expect(page.getByTestId('loss-smoothing-value').textContent()).resolves.toBe('0.80');
    await expect.poll(() => legend('chart-loss')).toEqual(['training loss (smoothed)', 'validation loss']);
    await page.getByTestId('loss-log').check();
    await expect.poll(() => page.getByTestId('chart-loss').getAttribute('data-log')).toBe('true');
    // The same points, drawn differently.
    await expect(page.getByTestId('chart-loss').getAttribute('data-points')).resolves.toBe('30');
    await page.getByTestId('chart-loss').scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(resultsDir, 'loss-01-run-smoothed-log.png') });

    await page.reload();
    await openScreen(page, 'runs');
    await page.getByTestId(`run-row-${runIds[0]}`).getByTestId('run-open').click();
    await page.getByTestId('run-view').waitFor();
    await expect.poll(() => legend('chart-loss')).toEqual(['training loss (smoothed)', 'validation loss']);
    await expect(page.getByTestId('loss-log').isChecked()).resolves.toBe(true);
    await expect(page.getByTestId('chart-loss').getAttribute('data-log')).resolves.toBe('true');
  });

  it('applies the same view to the comparison, and raw again when smoothing is off', async () => {
    await openScreen(page, 'runs');
    for (const id of runIds) await page.getByTestId(`run-row-${id}`).getByTestId('run-select').check();
    await page.getByTestId('compare-table').waitFor();
    const runNames = ['lr 0.003', 't5-tiny-spm on notes.txt'];
    const smoothedLabels = runNames.flatMap((name) => [`${name} training (smoothed)`, `${name} validation`]);
    await expect.poll(compareLegend).toEqual(smoothedLabels.sort());
    await expect(page.getByTestId('chart-compare').getAttribute('data-log')).resolves.toBe('true');
    // One colour per run: its validation loss in its training loss's colour, dashed (the legend's
    // keys are the lines as drawn); the two runs in two colours. (They took unrelated colours by series.)
    const keys = await page
      .getByTestId('chart-compare')
      .locator('.u-legend .u-series')
      .evaluateAll((rows: unknown[]) =>
        rows.map((row) => {
          const r = row as { dataset: Record<string, string>; querySelector: (css: string) => unknown };
          const line = r.querySelector('.u-marker svg line') as { getAttribute: (name: string) => string } | null;
          return { colour: r.dataset.colour, dash: r.dataset.dash, drawn: line?.getAttribute('stroke-dasharray') };
        }),
      );
    expect(keys).toHaveLength(4);
    const [firstTraining, firstValidation, secondTraining, secondValidation] = keys;
    expect(firstTraining.colour).toMatch(/^rgb/);
    expect(firstValidation.colour).toBe(firstTraining.colour);
    expect(secondValidation.colour).toBe(secondTraining.colour);
    expect(secondTraining.colour).not.toBe(firstTraining.colour);
    expect([firstTraining.dash, firstTraining.drawn]).toEqual(['solid', null]);
    expect(firstValidation.dash).not.toBe('solid');
    expect(firstValidation.drawn).toBe(firstValidation.dash);
    await page.getByTestId('runs-compare').scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(resultsDir, 'loss-02-compare-smoothed-log.png') });

    await setSmoothing(0);
    await page.getByTestId('loss-log').uncheck();
    await expect(page.getByTestId('loss-smoothing-value').textContent()).resolves.toBe('off');
    const rawLabels = runNames.flatMap((name) => [`${name} training`, `${name} validation`]);
    await expect.poll(compareLegend).toEqual(rawLabels.sort());
    await expect(page.getByTestId('chart-compare').getAttribute('data-log')).resolves.toBe('false');
    expect(session.pageErrors).toEqual([]);
  });

  it("opens a new run's form with a run's settings, and a run started from it keeps them but the one changed", async () => {
    await openScreen(page, 'runs');
    await page.getByTestId(`run-row-${runIds[0]}`).getByTestId('run-open').click();
    await page.getByTestId('run-again').click();
    await page.getByTestId('train-form').waitFor();
    await expect(page.getByTestId('train-from').textContent()).resolves.toContain(`(${runIds[0]})`);
    // Its provider, threads and masking, not the saved settings or a preset's.
    await expect(page.getByTestId('train-machine-note').textContent()).resolves.toContain(
      `Provider and CPU threads as ${runIds[0]} had them`,
    );
    await expect(page.getByTestId('train-carried').textContent()).resolves.toContain(`Masking as ${runIds[0]} had it`);
    for (const preset of ['quick', 'standard'])
      await expect(page.getByTestId(`train-preset-${preset}`).isChecked()).resolves.toBe(false);
    // A folder the base model list does not offer shows as that folder.
    await expect.poll(() => page.getByTestId('train-model').inputValue()).toBe('folder');
    await expect(page.getByTestId('train-model-path').inputValue()).resolves.toBe(tinySpm);
    const values = async () =>
      Object.fromEntries(
        await Promise.all(
          ['train-lr', 'train-length', 'train-batch', 'train-steps', 'train-eval-every'].map(
            async (id) => [id, await page.getByTestId(id).inputValue()] as const,
          ),
        ),
      );
    expect(await values()).toEqual({
      'train-lr': '0.003',
      'train-length': '32',
      'train-batch': '4',
      'train-steps': '30',
      'train-eval-every': '10',
    });
    // Or for passes over the data: the estimate counts the steps they come to; back to steps keeps 30.
    await page.getByTestId('train-length-by').selectOption('epochs');
    await page.getByTestId('train-epochs').fill('2');
    await expect
      .poll(
        () =>
          page
            .getByTestId('estimate-steps')
            .textContent({ timeout: 1000 })
            .catch(() => ''),
        { timeout: 15_000 },
      )
      .toMatch(/^\s*\d+ \(about 2\.\d passes over the \d+ training examples\)/);
    await page.getByTestId('train-length-by').selectOption('steps');
    await expect(page.getByTestId('train-steps').inputValue()).resolves.toBe('30');
    await page.getByTestId('train-lr').fill('0.002');
    await page.getByTestId('train-estimate').scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(resultsDir, 'run-again-01-form.png') });
    await page.getByTestId('train-start').click();
    await page.getByTestId('run-view').waitFor();
    await expect
      .poll(() => page.getByTestId('run-view').getAttribute('data-status'), { timeout: 60_000 })
      .toBe('completed');
    const id = (await page.getByTestId('run-view').getAttribute('data-run-id')) as string;
    // Finished: its last stored loss, no speed (it showed the last live numbers, tokens/s and all).
    const stored = spanfillJson<{ run: { last: { loss: number } } }>(session.dataDir, ['runs', 'show', id]).run.last;
    await expect
      .poll(() => page.getByTestId('run-step').textContent())
      .toMatch(/^\s*step 30 \/ 30 \(100 %\)\s*·\s*done in [^·]+·\s*last loss [\d.]+\s*$/);
    const shownLoss = /last loss ([\d.]+)/.exec((await page.getByTestId('run-step').textContent()) ?? '')?.[1];
    expect(Number(shownLoss)).toBeCloseTo(stored.loss, 3);
    // Every setting it ran with, listed in its view.
    await page.getByTestId('run-settings').locator('summary').click();
    // Each under the Train form's label, with the key the CLI and `runs show --json` use beside it.
    const term = (key: string) =>
      page
        .getByTestId('run-settings')
        .locator('dt', { has: page.locator('code.key', { hasText: new RegExp(`^${key}$`) }) });
    const setting = (key: string) => term(key).locator('xpath=following-sibling::dd[1]').textContent();
    await expect(Promise.all(['lr', 'optimizer.kind', 'inputLength'].map(setting))).resolves.toEqual([
      '0.002',
      'adamw',
      '32',
    ]);
    await expect(term('lr').textContent()).resolves.toMatch(/^\s*Learning rate\s*lr\s*$/);
    // Labels and keys read in both themes.
    for (const colorScheme of ['dark', 'light'] as const) {
      await page.emulateMedia({ colorScheme });
      expect(await accessibilityViolations(page), colorScheme).toEqual([]);
    }
    const [first, again] = [runIds[0], id].map(
      (runId) =>
        spanfillJson<{ run: { config: Record<string, unknown> } }>(session.dataDir, ['runs', 'show', runId]).run.config,
    );
    expect(again.lr).toBe(0.002);
    const { lr: _a, name: _n1, ...kept } = first;
    const { lr: _b, name: _n2, ...trained } = again;
    expect(trained).toEqual(kept);
    expect(session.pageErrors).toEqual([]);
  });

  it("says a run's model is loading in a new run's form until the model lists are in, not a blank select", async () => {
    const opening = await session.context.newPage();
    try {
      // The second: a run's address shows the Train form for a moment, whose own lists pass.
      const held = await holdReply(opening, 'models.list', 1);
      await opening.goto(`${session.url}#/train/${runIds[0]}`);
      await opening.getByTestId('run-again').click();
      const model = opening.getByTestId('train-model');
      await model.waitFor();
      // The run's folder, which only the lists can say is none of theirs.
      await expect(model.inputValue()).resolves.toBe(tinySpm);
      await expect(model.locator('option:checked').textContent()).resolves.toBe('Loading the models and checkpoints…');
      held.release();
      await expect.poll(() => model.inputValue()).toBe('folder');
      await expect(model.locator('option').allTextContents()).resolves.not.toContain(
        'Loading the models and checkpoints…',
      );
    } finally {
      await opening.close();
    }
  });

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
    const opened = lists;
    await page.waitForTimeout(2000);
    // (It asked thousands of times a second: each empty answer made the view ask again.)
    expect(lists - opened).toBe(0);
    expect(opened).toBeGreaterThan(0);
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
});
