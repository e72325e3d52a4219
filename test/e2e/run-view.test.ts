// End-to-end for a finished run's loss charts and a new run from its settings against the built
// `spanfill serve`: two short runs trained by the CLI on the data directory serve has open. The
// loss charts' view (components/LossViewControls.svelte, lib/lossView.svelte.ts): smoothing
// relabels the training loss in the run view and in the comparison, the log scale switches the
// charts' y axis, both are remembered by the browser across a reload, and off again the raw
// labels come back; the comparison gives each run one colour (its validation loss dashed, with
// marks, in it) and its legend shows the lines as drawn. "New run with these settings" opens
// the form with the run's settings (its model folder, lengths, batch, steps, rate), and a run
// started from it after one change trains with the rest as they were; training for passes over
// the data instead of steps gets its steps from the estimate, and its base model says the model
// lists are loading until they are in; a finished run's view says its last stored loss and no
// live speed. The Runs table's best validation loss of each run is what `runs compare` says. The
// run or form asked for last stays shown when an earlier-asked run's detail comes after it. A
// run's view as things change around it (its dataset removed, a zoom while it redraws, another
// tab, the server gone) is in run-view-changes.test.ts.
// Screenshots go to test-results/loss-*.png and run-again-*.png. Needs `npm run build` first.

import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessibilityViolations } from './accessibility';
import { holdReply } from './holdReply';
import { chartLegend, setSmoothing as setLossSmoothing, tinySpm, trainTwoRuns } from './lossRuns';
import { openScreen } from './navigate';
import { spanfillJson } from './serve';
import type { RunComparison } from '../../src/shared/contract/runs';
import { formatMetric } from '../../src/renderer/src/lib/format';
import { resultsDir, startSession, type E2eSession } from './session';

let session: E2eSession;
let page: Page;
let runIds: string[];

beforeAll(async () => {
  session = await startSession('loss');
  page = session.page;
  ({ runIds } = trainTwoRuns(session));
}, 120_000);

afterAll(() => session?.close());

const legend = (testid: string) => chartLegend(page, testid);

/** The comparison's labels in any run order (it follows the order the runs were ticked in). */
const compareLegend = async () => (await legend('chart-compare')).sort();

const setSmoothing = (value: number) => setLossSmoothing(page, value);

describe("a run's view: the loss charts' smoothing and log scale, a new run with its settings", () => {
  it('smooths the training loss and draws on a log axis in the run view, and remembers both', async () => {
    await page.goto(session.url);
    await openScreen(page, 'runs');
    // Best val. loss: the lowest of every evaluation (each 10 steps; the one checkpoint at 30), as compare has it.
    const compared = spanfillJson<RunComparison>(session.dataDir, ['runs', 'compare', ...runIds]);
    for (const [i, id] of runIds.entries()) {
      const best = page.getByTestId(`run-row-${id}`).getByTestId('run-best-eval');
      await expect.poll(() => best.textContent()).toBe(formatMetric(compared.metrics[i].bestEvalLoss));
    }
    // The name is a link to the run's address (it opens in a new tab too).
    const name = page.getByTestId(`run-row-${runIds[0]}`).locator('a[data-testid=run-open]');
    await expect(name.getAttribute('href')).resolves.toBe(`#/train/${runIds[0]}`);
    await name.click();
    await page.getByTestId('run-view').waitFor();
    // When a checkpoint was saved ("today 10:51 AM") on one line, not broken in two.
    await expect(
      page.evaluate<string>("getComputedStyle(document.querySelector('[data-testid=run-saved]')).whiteSpace"),
    ).resolves.toBe('nowrap');
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

  it('keeps the form asked for last when the run asked for before it comes after', async () => {
    const opening = await session.context.newPage();
    try {
      const held = await holdReply(opening, 'runs.get', 1); // the first passes: the run the address names
      await opening.goto(`${session.url}#/train/${runIds[1]}`);
      await opening.getByTestId('run-view').waitFor();
      await opening.evaluate(`location.hash = '#/train/${runIds[0]}'`); // its detail held back
      const runTitle = () => opening.locator('#run-title').textContent();
      await expect(runTitle()).resolves.toMatch(/ on notes\.txt$/);
      await opening.getByTestId('train-new').click();
      await opening.getByTestId('train-form').waitFor();
      held.release();
      await opening.waitForTimeout(1000); // the held detail arrived (nothing to wait for when it is ignored)
      await expect(opening.getByTestId('run-view').count()).resolves.toBe(0);
      await expect(opening.getByTestId('train-form').isVisible()).resolves.toBe(true);
      await expect(opening.evaluate('location.hash')).resolves.toBe('#/train');
    } finally {
      await opening.close();
    }
  });
});
