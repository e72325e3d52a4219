// End-to-end for a finished run's view and the comparison against the built `spanfill serve`:
// two short runs trained by the CLI on the data directory serve has open. The loss charts' view
// (components/LossViewControls.svelte, lib/lossView.svelte.ts): smoothing relabels the training
// loss in the run view and in the comparison, the log scale switches the charts' y axis, both
// are remembered by the browser across a reload, and off again the raw labels come back. "New
// run with these settings" opens the form with the run's settings (its model folder, lengths,
// batch, steps, rate), and a run started from it after one change trains with the rest as they
// were; training for passes over the data instead of steps gets its steps from the estimate.
// With no dataset left, a run's view asks for the dataset list once.
// Screenshots go to test-results/loss-*.png and run-again-*.png. Needs `npm run build` first.

import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessibilityViolations } from './accessibility';
import { openScreen } from './navigate';
import { importNotes } from './notes';
import { spanfillJson } from './serve';
import { resultsDir, startSession, type E2eSession } from './session';

const tinySpm = path.resolve('test/fixtures/t5/t5-tiny-spm');
let session: E2eSession;
let page: Page;
let runIds: string[];
let datasetId: string;

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
}, 120_000);

afterAll(() => session?.close());

/** The legend labels of a chart (uPlot's, under the plot). */
const legend = (testid: string) => page.getByTestId(testid).locator('.u-legend .u-label').allTextContents();

/** The comparison's labels in any run order (it follows the order the runs were ticked in). */
const compareLegend = async () => (await legend('chart-compare')).sort();

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
});
