// End-to-end for a completed run's export and its Playground against the built `spanfill serve`
// with a real store: a 60-step run of test/fixtures/t5/t5-tiny-spm trained by the CLI with the
// settings train-screens.test.ts starts its short run with (checkpoints at 30 and 60, each
// evaluated), its view open on the Train screen. Export it (transformers, transformers.js; a
// taken folder only after a confirm, a folder with other files refused), then open it next to
// the folder it was trained from in the Playground and fill with both. Then an export seen
// through other screens (its reply held back: it takes tens of seconds for a t5-small), and one
// whose run is removed before its reply comes (last: it removes the run).
// Screenshots go to test-results/train-*.png. Needs `npm run build` first.

import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessibilityViolations } from './accessibility';
import { screenshotFailures } from './failureShot';
import { holdReply } from './holdReply';
import { openScreen } from './navigate';
import { importNotes } from './notes';
import { spanfillJson } from './serve';
import { resultsDir, startSession, type E2eSession } from './session';

const tinySpm = path.resolve('test/fixtures/t5/t5-tiny-spm');
let session: E2eSession;
let page: Page;
let dataDir: string;
let runId: string;

beforeAll(async () => {
  session = await startSession('train-export');
  ({ page, dataDir } = session);
  const datasetId = importNotes(session);
  // The masking the Masking screen carries there (density 0.25, span 2, length 32, data seed 7), on 2 threads.
  ({ runId } = spanfillJson<{ runId: string }>(dataDir, [
    'train',
    ...['--dataset', datasetId, '--model', tinySpm, '--input-length', '32', '--noise-density', '0.25'],
    ...['--mean-span-length', '2', '--data-seed', '7', '--threads', '2'],
    ...['--max-steps', '60', '--eval-every', '30', '--checkpoint-every', '30'],
  ]));
  await page.goto(`${session.url}#/train/${runId}`);
  await page.getByTestId('run-view').waitFor();
}, 120_000);

afterAll(() => session?.close());

const shot = (name: string) => page.screenshot({ path: path.join(resultsDir, `train-${name}.png`) });
screenshotFailures('train-export', () => page);

describe('a completed run: its export and the Playground', () => {
  it('says why Export waits once the folder box is emptied, and gives the suggested folder back', async () => {
    await page.getByTestId('run-export').scrollIntoViewIfNeeded();
    const suggested = path.join(dataDir, 'exports', `${runId}-best-hf`);
    const box = page.getByTestId('export-out');
    await expect.poll(() => box.inputValue(), { timeout: 30_000 }).toBe(suggested);
    // The suggestion in the box: nothing to give back.
    await expect(page.getByTestId('export-suggested').count()).resolves.toBe(0);
    await box.fill('');
    const why = page.getByTestId('export-out-error');
    await expect(why.textContent()).resolves.toBe('Type a folder to export into, or use the suggested one.');
    const button = page.getByTestId('export-start');
    await expect(button.getAttribute('aria-disabled')).resolves.toBe('true');
    await expect(button.getAttribute('aria-describedby')).resolves.toBe('export-out-error');
    await button.click({ force: true }); // held (Playwright would wait for it to be enabled): nothing is exported
    await expect(page.getByTestId('export-done').count()).resolves.toBe(0);
    expect(fs.existsSync(suggested)).toBe(false);
    await shot('04-run-export-no-folder');
    expect(await accessibilityViolations(page)).toEqual([]);
    // A folder typed: the suggestion is offered back too.
    await box.fill('/tmp/elsewhere');
    await expect(why.count()).resolves.toBe(0);
    await page.getByTestId('export-suggested').click();
    await expect(box.inputValue()).resolves.toBe(suggested);
    // The suggestion follows the choices again, and the focus is in the box the button filled.
    await expect(page.getByTestId('export-suggested').count()).resolves.toBe(0);
    await expect(page.evaluate<string | undefined>('document.activeElement?.dataset.testid')).resolves.toBe(
      'export-out',
    );
    await expect(button.getAttribute('aria-disabled')).resolves.toBeNull();
  });

  it('exports the completed run for transformers and the browser, replaces an earlier export only after a confirm, and refuses a folder with other files', async () => {
    // The folder it suggests: under the data directory, by run, checkpoint and format.
    await expect(page.getByTestId('run-view').getAttribute('data-run-id')).resolves.toBe(runId);
    const suggested = path.join(dataDir, 'exports', `${runId}-best-hf`);
    // (Once system.info has answered with the data directory: its provider probe can take a while.)
    await expect.poll(() => page.getByTestId('export-out').inputValue(), { timeout: 30_000 }).toBe(suggested);
    await page.getByTestId('export-start').click();
    await page.getByTestId('export-done').waitFor();
    await expect(page.getByTestId('export-done').textContent()).resolves.toMatch(
      new RegExp(`Step \\d+ exported to ${suggested.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`),
    );
    expect(fs.readdirSync(suggested)).toEqual(
      expect.arrayContaining(['config.json', 'model.safetensors', 'tokenizer.json']),
    );

    // The same folder again: an earlier export, replaced only after the red confirm.
    await page.getByTestId('export-start').click();
    await page.getByTestId('export-taken').waitFor();
    // It says what the folder holds before anything is replaced.
    await expect(page.getByTestId('export-taken').textContent()).resolves.toMatch(
      /holds an earlier hf export \(\d+ files, [\d.]+ [KM]iB\); choose an empty or new folder, or replace it/,
    );
    await page.getByRole('button', { name: `Replace the earlier export… (${suggested})` }).click();
    await page.getByTestId('export-replace').waitFor();
    await shot('04a-run-export-replace');
    expect(await accessibilityViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Yes, replace' }).click();
    await page.getByTestId('export-done').waitFor();

    // Registered as a model (`models import`): refused with what to do, and no replace is offered.
    const { model } = spanfillJson<{ model: { id: string } }>(dataDir, [
      'models',
      'import',
      suggested,
      '--name',
      'q5a',
    ]);
    await page.getByTestId('export-start').click();
    await page.getByTestId('export-error').waitFor();
    await expect(page.getByTestId('export-error').textContent()).resolves.toContain(
      `is the folder of model 'q5a' (${model.id}, ${suggested}); remove the model from Spanfill first (Remove on the Models screen`,
    );
    expect(await page.getByTestId('export-taken').count()).toBe(0);
    expect(fs.readdirSync(suggested)).toContain('model.safetensors');
    spanfillJson(dataDir, ['models', 'rm', model.id]);

    // A file of the user's in it, and it is no earlier export: refused, with nothing to confirm.
    fs.writeFileSync(path.join(suggested, 'mine.txt'), 'kept');
    await page.getByTestId('export-start').click();
    await page.getByTestId('export-error').waitFor();
    await expect(page.getByTestId('export-error').textContent()).resolves.toMatch(
      /holds an earlier hf export, but also mine\.txt, which that export did not write, so Spanfill never replaces it\./,
    );
    expect(await page.getByTestId('export-taken').count()).toBe(0);
    expect(fs.readFileSync(path.join(suggested, 'mine.txt'), 'utf8')).toBe('kept');

    // transformers.js at step 30 with the int8 copy: its own folder, and how to load it.
    await page.getByTestId('export-checkpoint').selectOption('30');
    await page.getByTestId('export-format-transformers.js').check();
    await page.getByTestId('export-quantize').check();
    const web = path.join(dataDir, 'exports', `${runId}-step30-web`);
    await expect(page.getByTestId('export-out').inputValue()).resolves.toBe(web);
    await page.getByTestId('export-start').click();
    await page.getByTestId('export-done').waitFor({ timeout: 60_000 });
    expect(fs.readdirSync(path.join(web, 'onnx')).sort()).toEqual([
      'decoder_model_merged.onnx',
      'decoder_model_merged_quantized.onnx',
      'encoder_model.onnx',
      'encoder_model_quantized.onnx',
    ]);
    // The int8 graphs written: the snippet loads them (transformers.js's q8), not the float32 ones.
    await expect(page.getByTestId('export-done').textContent()).resolves.toContain(
      `pipeline('text2text-generation', "${runId}-step30-web", { dtype: 'q8' })`,
    );
    await shot('04b-run-exported');
  });

  it('opens the completed run next to the folder it was trained from in the Playground, and fills with both', async () => {
    await page.getByTestId('run-open-playground').click();
    const picker = page.getByTestId('model-picker');
    await picker.waitFor();
    // Ticked: its base model (the t5-tiny-spm folder) and its best checkpoint, nothing else.
    await expect.poll(() => picker.locator('input:checked').count()).toBe(2);
    await expect(picker.getByTestId('pick-builtin').isChecked()).resolves.toBe(false);
    await page.getByTestId('fill').click();
    const columns = page.getByTestId('results').getByTestId('fill-column');
    await expect(columns.count()).resolves.toBe(2);
    for (let i = 0; i < 2; i++) await columns.nth(i).getByTestId('fill-text').waitFor({ timeout: 60_000 });
    await expect(columns.nth(0).locator('h3').textContent()).resolves.toBe('t5-tiny-spm');
    await expect(columns.nth(1).locator('h3').textContent()).resolves.toMatch(/^run .* · step 60 \(best/);
    await openScreen(page, 'train');
  });
});

describe('an export while the person is elsewhere', () => {
  /** A page of its own whose export.run replies wait for release(), its run's view open. */
  async function heldExport(): Promise<{ release(): void }> {
    page = await session.context.newPage();
    const reply = await holdReply(page, 'export.run');
    await page.goto(`${session.url}#/train/${runId}`);
    await page.getByTestId('run-export').scrollIntoViewIfNeeded();
    return reply;
  }

  /** Starts the export to `out` and waits until the server has written it (its reply still held). */
  async function exportHeld(out: string): Promise<void> {
    await expect.poll(() => page.getByTestId('export-out').inputValue(), { timeout: 30_000 }).toBe(out);
    await page.getByTestId('export-start').click();
    await expect.poll(() => page.getByTestId('export-start').textContent()).toContain('Exporting…');
    const manifest = path.join(out, 'spanfill-export.json');
    await expect.poll(() => fs.existsSync(manifest), { timeout: 60_000 }).toBe(true);
  }

  it('shows an export begun before leaving the run as it stands on return: busy with its choices, then what it wrote', async () => {
    const reply = await heldExport();
    await page.getByTestId('export-checkpoint').selectOption('last');
    const out = path.join(dataDir, 'exports', `${runId}-last-hf`);
    await exportHeld(out);
    await openScreen(page, 'runs');
    await openScreen(page, 'train');
    await page.getByTestId('run-view').waitFor();
    // As it was left: still exporting, with the choices it was started with.
    await expect(page.getByTestId('export-start').textContent()).resolves.toContain('Exporting…');
    await expect(page.getByTestId('export-checkpoint').inputValue()).resolves.toBe('last');
    await expect(page.getByTestId('export-out').inputValue()).resolves.toBe(out);
    reply.release();
    await page.getByTestId('export-done').waitFor();
    await expect(page.getByTestId('export-done').textContent()).resolves.toContain(`Step 60 exported to ${out}`);
    await expect(page.getByTestId('export-start').textContent()).resolves.toContain('Export');
    // Still there after another trip: the outcome is the export's, not the visit's.
    await openScreen(page, 'runs');
    await openScreen(page, 'train');
    await page.getByTestId('export-done').waitFor();
  });

  it('says on the Train screen what became of an export whose run was removed before it answered', async () => {
    const reply = await heldExport();
    await page.getByTestId('export-format-transformers.js').check();
    const out = path.join(dataDir, 'exports', `${runId}-best-web`);
    await exportHeld(out);
    spanfillJson(dataDir, ['runs', 'rm', runId]);
    // The removal is said, and that the export goes on.
    await expect
      .poll(() => page.getByTestId('train-notice').textContent(), { timeout: 30_000 })
      .toContain('was removed, with its checkpoints.');
    const told = page.getByTestId('export-of-removed');
    await expect(told.textContent()).resolves.toContain(`was removed while it was being exported to ${out}`);
    reply.release();
    await expect.poll(() => told.textContent()).toContain(`exported to ${out}`);
    await expect(told.textContent()).resolves.toContain(`pipeline('text2text-generation'`);
    await expect(page.getByTestId('train-notice').textContent()).resolves.toContain('was removed');
    await shot('04c-export-of-removed-run');
    expect(await accessibilityViolations(page)).toEqual([]);
    await told.getByRole('button', { name: 'Dismiss' }).click();
    await expect.poll(() => told.count()).toBe(0);
  });
});
