// End-to-end for run checkpoints in the Playground against the built `spanfill serve`: two short
// real runs of test/fixtures/t5/t5-tiny-spm (trained with `spanfill train` on the data directory
// serve has open), then a first visit (after a launch that never showed the Playground) opens
// the newest run's best checkpoint beside its base model; the best and last checkpoints appear
// in the model picker labelled by run and step, every kept one in the run and checkpoint
// selectors with its validation loss, and a masked prompt is filled by the base model, the run's
// last checkpoint and its first one (added from the selectors with the keyboard) side by side;
// two runs of one name are told apart by their ids; a run renamed, trained or removed in a
// terminal while the Playground is open shows there at once, and once the runs are removed their
// columns leave with them. Screenshots go to
// test-results/ckpt-*.png. Needs `npm run build` first.

import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resultsDir, startSession, type E2eSession } from './session';
import { importNotes } from './notes';
import { openScreen } from './navigate';
import { firstVisitColumns } from './playgroundPage';
import { routeReplies } from './holdReply';
import { spanfillJson } from './serve';

const tinySpm = path.resolve('test/fixtures/t5/t5-tiny-spm');
let session: E2eSession;
let page: Page;

const cli = <T>(args: string[]): T => spanfillJson<T>(session.dataDir, args);
let datasetId: string;
/** `spanfill train` of the tiny model on the notes, 32-token inputs, named `name`. */
const train = (name: string, more: string[]): void =>
  void cli(['train', '--dataset', datasetId, '--model', tinySpm, '--name', name, '--input-length', '32', ...more]);

beforeAll(async () => {
  session = await startSession('ckpt');
  page = session.page;
  datasetId = importNotes(session, { docs: 30, words: 40, stride: 5 });
  // NOTE: the CLI trains on the data directory serve has open (serve itself trains nothing here).
  // An older run first, so that a first visit has to pick the newest run, not the first listed.
  train('older', ['--max-steps', '2']);
  // 20 steps with a checkpoint and a validation every 10: a best and a last checkpoint to offer.
  train('tiny', ['--batch-size', '4', '--max-steps', '20', '--eval-every', '10', '--checkpoint-every', '10']);
}, 120_000);

afterAll(() => session?.close());

describe('run checkpoints in the Playground', () => {
  it('offers the run checkpoints by run and step and fills with the base model and two checkpoints side by side', async () => {
    // A launch that never shows the Playground keeps nothing of it: the next launch's visit is a first one.
    await page.goto(session.url);
    await page.getByTestId('nav-datasets').click();
    await page.reload();
    await page.getByTestId('nav-playground').click();
    const picker = page.getByTestId('model-picker');
    await picker.getByText('run tiny · step 20').waitFor();
    // A first visit opens the newest run's best checkpoint beside its base model (here a folder).
    const opened = await firstVisitColumns(page);
    await expect(opened.nth(0).textContent()).resolves.toContain('t5-tiny-spm');
    await expect(opened.nth(1).textContent()).resolves.toMatch(/run tiny · step \d+ \(best/);
    await expect(picker.getByTestId('pick-builtin').isChecked()).resolves.toBe(false);
    await picker
      .locator('label', { hasText: /run tiny · step \d+ \(best/ })
      .locator('input')
      .uncheck();
    const labels = await picker.locator('label').allTextContents();
    const checkpointLabels = labels.filter((l) => l.includes('run tiny'));
    // At most best and last; the last one is step 20, and exactly one says best.
    expect(checkpointLabels.length).toBeGreaterThanOrEqual(1);
    expect(checkpointLabels.length).toBeLessThanOrEqual(2);
    expect(checkpointLabels.some((l) => /run tiny · step 20 \((best, )?last\)/.test(l))).toBe(true);
    expect(checkpointLabels.filter((l) => /\(best/.test(l))).toHaveLength(1);

    // Any kept checkpoint by run and step: both of this run's, each with its validation loss.
    const steps = page.getByTestId('pick-step');
    await expect(page.getByTestId('pick-run').locator('option').allTextContents()).resolves.toEqual([
      'tiny · 2 checkpoints',
      'older · 1 checkpoint',
    ]);
    const options = await steps.locator('option').allTextContents();
    expect(options).toHaveLength(2);
    expect(options[0]).toMatch(/^step 10 · validation loss \d\.\d+/);
    expect(options[1]).toMatch(/^step 20 · validation loss \d\.\d+ · (best, )?last$/);
    // A narrow panel cuts a closed select's text: each says its choice in full on hover.
    await expect(page.getByTestId('pick-run').getAttribute('title')).resolves.toBe('tiny · 2 checkpoints');
    await expect(steps.getAttribute('title')).resolves.toBe(options[1]);

    // The base model as a folder, the run's last checkpoint, and step 10 chosen by keyboard: three columns.
    await page.locator('summary', { hasText: 'More models' }).click();
    await page.getByTestId('picker-folder').fill(tinySpm);
    await page.getByRole('button', { name: 'Add this folder' }).click();
    await picker.getByTestId('pick-builtin').uncheck();
    await picker.locator('label', { hasText: 'run tiny · step 20' }).locator('input').check();
    await expect(page.getByRole('combobox', { name: /^Run/ }).count()).resolves.toBe(1);
    await expect(page.getByRole('combobox', { name: /^Checkpoint/ }).count()).resolves.toBe(1);
    await steps.focus();
    await page.keyboard.press('Home');
    await expect(steps.inputValue()).resolves.toBe(await steps.locator('option').first().getAttribute('value'));
    await page.keyboard.press('Tab');
    await expect(page.evaluate("document.activeElement?.getAttribute('data-testid')")).resolves.toBe('pick-step-add');
    await page.keyboard.press('Enter');
    // The button still names its action; why it does nothing now is said beside it.
    await expect(page.getByTestId('pick-step-add').textContent()).resolves.toBe('Add as a column');
    await expect(page.getByTestId('pick-step-add').getAttribute('aria-disabled')).resolves.toBe('true');
    await expect(page.getByTestId('pick-step-added').textContent()).resolves.toBe(
      'This checkpoint is a column already.',
    );
    await page.screenshot({ path: path.join(resultsDir, 'ckpt-01-picker.png') });

    await page.getByTestId('fill').click();
    const columns = page.getByTestId('results').getByTestId('fill-column');
    await expect(columns.count()).resolves.toBe(3);
    for (let i = 0; i < 3; i++) {
      await columns.nth(i).getByTestId('fill-text').waitFor({ timeout: 60_000 });
      // Both holes get a span in each column (filled, or marked as nothing), and no column failed.
      await expect(columns.nth(i).getByTestId('fill-span').count()).resolves.toBe(2);
    }
    await expect(page.getByTestId('fill-error').count()).resolves.toBe(0);
    await expect(columns.nth(0).textContent()).resolves.toContain('t5-tiny-spm');
    await expect(columns.nth(1).textContent()).resolves.toContain('run tiny · step 20');
    await expect(columns.nth(2).textContent()).resolves.toContain('run tiny · step 10');
    await page.getByTestId('results').scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(resultsDir, 'ckpt-02-side-by-side.png'), fullPage: true });
    expect(session.pageErrors).toEqual([]);
  }, 120_000);

  it("asks for every run's checkpoints in one call, however many runs keep one", async () => {
    // A page of its own, counting its runs.checkpoints calls from its first frame (it asked once a run before).
    const second = await session.context.newPage();
    const counted = await routeReplies(second, 'runs.checkpoints', () => 'pass');
    try {
      await second.goto(session.url);
      await openScreen(second, 'playground');
      await second.getByTestId('pick-run').locator('option', { hasText: 'older' }).waitFor({ state: 'attached' });
      await expect(second.getByTestId('pick-run').locator('option').count()).resolves.toBe(2);
      expect(counted.calls()).toBe(1);
    } finally {
      await second.close();
    }
  });

  it('tells two runs of one name apart by their ids in the picker and the selectors', async () => {
    const runs = cli<{ runs: { id: string; name: string }[] }>(['runs', 'list']).runs;
    const older = runs.find((run) => run.name === 'older')!;
    const tiny = runs.find((run) => run.name === 'tiny')!;
    // Renamed in a terminal while the Playground is open: the picker follows without a reopen.
    await page.getByTestId('model-picker').waitFor();
    cli(['runs', 'rename', older.id, 'tiny']);
    const picker = page.getByTestId('model-picker');
    await picker.getByText(`run tiny (${older.id}) · step 2`).waitFor();
    await expect(picker.getByText(`run tiny (${tiny.id}) · step 20`).count()).resolves.toBe(1);
    await expect(page.getByTestId('pick-run').locator('option').allTextContents()).resolves.toEqual([
      `tiny (${tiny.id}) · 2 checkpoints`,
      `tiny (${older.id}) · 1 checkpoint`,
    ]);
    cli(['runs', 'rename', older.id, 'older']);
    // A run trained meanwhile offers its checkpoint as soon as it is written.
    train('live', ['--max-steps', '2']);
    await picker.getByText('run live · step 2 (best, last)').waitFor({ timeout: 10_000 });
  }, 120_000);

  it("drops a removed run's columns, the one added by step too, says so, and fills with what is left", async () => {
    // A column whose run goes while another screen is open is said gone on return (it was dropped unsaid).
    const picker = page.getByTestId('model-picker');
    const shown = await page.getByTestId('results').getByTestId('fill-column').count();
    await picker.getByText('run live · step 2 (best, last)').click();
    await expect.poll(() => page.getByTestId('results').getByTestId('fill-column').count()).toBe(shown + 1);
    await openScreen(page, 'datasets');
    const live = cli<{ runs: { id: string; name: string }[] }>(['runs', 'list']).runs.find((r) => r.name === 'live')!;
    cli(['runs', 'rm', live.id]);
    await openScreen(page, 'playground');
    await expect(page.getByTestId('playground-notice').textContent({ timeout: 10_000 })).resolves.toMatch(
      /^The column run live · step 2.* went: its run was removed, or that checkpoint deleted\.$/,
    );
    // The older run too, which no column showed, so that no checkpoint is left to offer.
    // Removed in a terminal while the Playground is open: the columns leave without a reopen.
    for (const run of cli<{ runs: { id: string; name: string }[] }>(['runs', 'list']).runs) cli(['runs', 'rm', run.id]);
    await page.getByTestId('picker-no-checkpoints').waitFor({ timeout: 10_000 });
    const columns = page.getByTestId('results').getByTestId('fill-column');
    await expect(columns.count()).resolves.toBe(1);
    await expect(columns.first().textContent()).resolves.toContain('t5-tiny-spm');
    // Said, not only done: which columns went and why, until the next fill.
    await expect(page.getByTestId('playground-notice').textContent()).resolves.toMatch(
      /^The columns run tiny · step 20.*; run tiny · step 10.* went: their runs were removed, or those checkpoints deleted\.$/,
    );
    await page.getByTestId('fill').click();
    await columns.first().getByTestId('fill-text').waitFor({ timeout: 60_000 });
    await expect(page.getByTestId('fill-error').count()).resolves.toBe(0);
    await expect(page.getByTestId('playground-notice').count()).resolves.toBe(0);
    expect(session.pageErrors).toEqual([]);
  }, 120_000);
});
