// End-to-end against the built `spanfill serve`: the Train form says before Start what a run's
// length does to its other settings — a warm-up longer than the run is refused as it is typed
// where runs.start refuses it (a schedule that decays to an end) and noted where it does not (the
// learning rate never reaches the rate set), validation and checkpoint intervals longer than the
// run are noted (at the steps the estimate found for passes over the data), their 0 is said in
// the labels, an emptied clipping box asks for a number and a box of text no browser reads as a
// number (1e400) is said out of bounds; a run training on the data
// directory is said above Start, which is still refused by runs.start as before; and the note on
// the masking sits under the dataset and base model at a phone's width. Needs `npm run build`
// first.

import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { screenshotFailures } from './failureShot';
import { holdReply, type HeldReply } from './holdReply';
import { openTrainForm } from './navigate';
import { importNotes } from './notes';
import { startSession, type E2eSession } from './session';
import { startTerminalRun } from './terminalRun';
import { estimateSteps } from './trainPage';

const tinySpm = path.resolve('test/fixtures/t5/t5-tiny-spm');
let session: E2eSession;
let page: Page;
let datasetId: string;

beforeAll(async () => {
  session = await startSession('length-notes');
  page = session.page;
  datasetId = importNotes(session);
  await page.goto(session.url);
});

afterAll(() => session?.close());

screenshotFailures('train', () => page);

const text = (testid: string) => page.getByTestId(testid).textContent({ timeout: 5000 });
const count = (testid: string) => page.getByTestId(testid).count();
/** The field's label as shown: its text above the box (the note under it is no part of it). */
const labelOf = (testid: string) =>
  page
    .locator('.field', { has: page.getByTestId(testid) })
    .locator('label')
    .textContent();

describe('Train: settings longer than the run, said before Start', () => {
  let estimates: HeldReply | undefined;
  afterEach(() => estimates?.release());

  it('refuses a warm-up longer than the run as it is typed, with no estimate, where a start would be refused', async () => {
    // Every estimate held (on the socket of the page loaded next): what shows is the form's own
    // check, not the estimate's refusal.
    estimates = await holdReply(page, 'runs.estimate', 'none');
    await page.goto(session.url);
    await openTrainForm(page);
    await page.getByTestId('train-dataset').selectOption(datasetId);
    await expect(page.getByTestId('train-steps').inputValue()).resolves.toBe('200');
    await page.getByTestId('train-warmup').fill('500');
    await expect(text('train-warmup-error')).resolves.toMatch(
      /^Warm-up steps \(500\) is more than the run's 200 steps: the learning rate would still be warming up/,
    );
    await expect(page.getByTestId('train-warmup').getAttribute('aria-invalid')).resolves.toBe('true');
    await expect(text('train-start-waits')).resolves.toBe('Fix the settings marked above first.');
    // A schedule with no end takes it, and the box says what it does.
    await page.locator('details summary').click();
    await page.getByTestId('train-schedule').selectOption('constant');
    await expect(text('train-warmup-note')).resolves.toBe(
      "More than the run's 200 steps: the learning rate never reaches 0.001.",
    );
    await expect(count('train-warmup-error')).resolves.toBe(0);
    await expect(page.getByTestId('train-warmup').getAttribute('aria-describedby')).resolves.toBe('train-warmup-note');
    await expect(count('train-start-waits')).resolves.toBe(0);
    await page.getByTestId('train-warmup').fill('200');
    await expect.poll(() => count('train-warmup-note')).toBe(0);
  });

  it('notes intervals longer than the run, says what their 0 means, and asks for a number in an emptied clipping box', async () => {
    await openTrainForm(page);
    await expect(labelOf('train-eval-every')).resolves.toMatch(/^Validate every \(0: only at the end\)/);
    await expect(labelOf('train-checkpoint-every')).resolves.toMatch(/^Checkpoint every \(0: only at the end\)/);
    await page.getByTestId('train-eval-every').fill('500');
    await page.getByTestId('train-checkpoint-every').fill('1000');
    await expect(text('train-eval-every-note')).resolves.toBe(
      "More than the run's 200 steps: it validates only at the end.",
    );
    await expect(text('train-checkpoint-every-note')).resolves.toBe(
      "More than the run's 200 steps: it saves a checkpoint only at the end (or when stopped).",
    );
    await page.getByTestId('train-eval-every').fill('0');
    await expect.poll(() => count('train-eval-every-note')).toBe(0);
    await page.getByTestId('train-checkpoint-every').fill('100');
    // Clipping emptied is not off: it needs a number, as the other boxes do (0 is off).
    await page.getByTestId('train-clip').fill('');
    await expect(text('train-clip-error')).resolves.toBe('Clip gradient norm needs a number');
    await expect(text('train-start-waits')).resolves.toBe('Fix the settings marked above first.');
    await page.getByTestId('train-clip').fill('0');
    await expect.poll(() => count('train-clip-error')).toBe(0);
    await page.getByTestId('train-clip').fill('1');
  });

  it('says text no browser reads as a number (1e400) must be within the bounds, as the Masking screen does', async () => {
    await openTrainForm(page);
    await page.getByTestId('train-batch').fill('1e400');
    await expect(text('train-batch-error')).resolves.toMatch(
      /^Batch size must be a number from 1 to \d{1,3}(,\d{3})*$/,
    );
    await page.getByTestId('train-batch').fill('');
    await expect(text('train-batch-error')).resolves.toBe('Batch size needs a number');
    await page.getByTestId('train-batch').fill('8');
    await expect.poll(() => count('train-batch-error')).toBe(0);
  });

  it('notes them at the steps the estimate found, for passes over the data', async () => {
    await openTrainForm(page);
    await page.getByTestId('train-dataset').selectOption(datasetId);
    await page.getByTestId('train-length-by').selectOption('epochs');
    await page.getByTestId('train-epochs').fill('1');
    await expect.poll(() => estimateSteps(page), { timeout: 30_000 }).toMatch(/passes? over/);
    const steps = Number(/^\s*([\d,]+)/.exec(await estimateSteps(page))?.[1].replace(/,/g, ''));
    expect(steps).toBeGreaterThan(0);
    // Past the run, a multiple of the steps per engine call (10), and the two lined up.
    const past = (Math.floor(steps / 10) + 1) * 10;
    await page.getByTestId('train-eval-every').fill(String(past));
    await page.getByTestId('train-checkpoint-every').fill(String(past));
    await expect.poll(() => count('train-eval-every-note'), { timeout: 30_000 }).toBe(1);
    await expect(text('train-eval-every-note')).resolves.toBe(
      `More than the run's ${steps} steps: it validates only at the end.`,
    );
    await page.getByTestId('train-length-by').selectOption('steps');
  });

  it('sits the masking note under the dataset and base model it speaks of, at a phone’s width too', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    try {
      await openTrainForm(page);
      const bottom = async (testid: string) => {
        const box = await page.getByTestId(testid).boundingBox();
        return (box?.y ?? Number.NaN) + (box?.height ?? 0);
      };
      const noteTop = (await page.getByTestId('train-carried').boundingBox())?.y ?? Number.NaN;
      expect(noteTop).toBeGreaterThan(await bottom('train-dataset'));
      expect(noteTop).toBeGreaterThan(await bottom('train-model'));
    } finally {
      await page.setViewportSize({ width: 1280, height: 800 });
    }
  });
});

describe('Train: a run training on the data directory', () => {
  it('is said above Start before it is pressed; Start is still refused by the service as before', async () => {
    const flags = ['--dataset', datasetId, '--model', tinySpm, '--input-length', '32', '--batch-size', '4'];
    const live = await startTerminalRun(session.dataDir, 'busy one', [...flags, '--max-steps', '100000']);
    try {
      await openTrainForm(page);
      await page.getByTestId('train-dataset').selectOption(datasetId);
      await expect.poll(() => count('train-start-busy'), { timeout: 30_000 }).toBe(1);
      await expect(text('train-start-busy')).resolves.toMatch(
        new RegExp(`^\\s*Run busy one \\(${live.id}\\) is training now, and one run trains at a\\s+time: wait for it`),
      );
      const start = page.getByTestId('train-start');
      await expect(start.getAttribute('aria-describedby')).resolves.toContain('train-start-busy');
      await expect.poll(() => start.getAttribute('aria-disabled'), { timeout: 30_000 }).toBe('false');
      await start.click();
      await expect(text('train-start-error')).resolves.toMatch(/one run trains at a time/);
      await live.stop();
      await expect.poll(() => count('train-start-busy'), { timeout: 30_000 }).toBe(0);
    } finally {
      live.kill();
    }
  });
});
