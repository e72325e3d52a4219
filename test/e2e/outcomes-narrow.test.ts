// End-to-end at 400 % zoom (320×256 CSS px) against the built `spanfill serve`, by keyboard, as a
// screen reader hears it: an outcome shows in view while the focus stays on what was pressed (a
// small file's import says only what it imported; an export says what it wrote, not the code that
// loads it; a fill's answers); a box with an error or a note is named by its label only and
// described by the error or note; the Playground's folded parts are named, each column's decoder
// output by its model; the estimate's "Time a few steps now" is not squeezed beside its term.
// The run is 4 steps of test/fixtures/t5/t5-tiny-spm trained with `spanfill train`.
// Screenshots go to test-results/outcomes-*.png. Needs `npm run build` first.
// NOTE: page.evaluate takes expression strings because this file is type-checked without DOM types.

import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshotFailures } from './failureShot';
import { announcements, recordAnnouncements } from './liveRegions';
import { openScreen, openTrainForm } from './navigate';
import { importNotes } from './notes';
import { spanfillJson } from './serve';
import { resultsDir, startSession, type E2eSession } from './session';

const tinySpm = path.resolve('test/fixtures/t5/t5-tiny-spm');
let session: E2eSession;
let page: Page;
let datasetId: string;
let runId: string;

beforeAll(async () => {
  session = await startSession('outcomes', { viewport: { width: 320, height: 256 } });
  page = session.page;
  datasetId = importNotes(session);
  const train = ['train', '--dataset', datasetId, '--model', tinySpm, '--name', 'tiny', '--input-length', '32'];
  ({ runId } = spanfillJson<{ runId: string }>(session.dataDir, [...train, '--max-steps', '4']));
  await page.goto(session.url);
}, 120_000);

afterAll(() => session?.close());

screenshotFailures('outcomes', () => page);

const shot = (name: string) => page.screenshot({ path: path.join(resultsDir, `outcomes-${name}.png`) });

/** The test id of the element with the focus. */
const focusedTestid = () => page.evaluate<string | undefined>('document.activeElement?.dataset.testid');

/** Where the element `selector` finds first is against the window's height: its top and bottom, and that height. */
const placeOf = (selector: string) =>
  page.evaluate<{ top: number; bottom: number; height: number }>(
    `(() => { const b = document.querySelector('${selector}').getBoundingClientRect(); return { top: b.top, bottom: b.bottom, height: innerHeight }; })()`,
  );

/** Whether the element `selector` finds first shows whole in the window (to a pixel). */
async function isInView(selector: string): Promise<boolean> {
  const { top, bottom, height } = await placeOf(selector);
  return top >= -1 && bottom <= height + 1;
}

/** Whether the element's top line shows in the window (a block taller than it starts at its top). */
async function isTopInView(selector: string): Promise<boolean> {
  const { top, height } = await placeOf(selector);
  return top >= -1 && top < height - 16;
}

/** The texts of the elements that the element `testid`'s aria-describedby names, in order ('' when none). */
const description = (testid: string) =>
  page.evaluate<string>(
    `(document.querySelector('[data-testid="${testid}"]').getAttribute('aria-describedby') ?? '').split(/\\s+/).filter(Boolean).map((id) => document.getElementById(id)?.textContent.trim() ?? '?').join(' ')`,
  );

describe('outcomes in view, and the words a screen reader hears', () => {
  it('says only what a small import did, and shows it while the focus stays on "Choose files…"', async () => {
    await openScreen(page, 'datasets');
    const small = path.join(session.dir, 'small.txt');
    fs.writeFileSync(small, 'A short note about rivers.\n\nAnother one about the sea and its birds.\n');
    const picker = page.getByTestId('pick-files');
    await picker.focus();
    await recordAnnouncements(page);
    await picker.setInputFiles(small);
    const notice = page.getByTestId('datasets-notice').filter({ hasText: 'Imported small.txt' });
    await notice.waitFor({ timeout: 30_000 });
    await expect(focusedTestid()).resolves.toBe('pick-files');
    expect.soft(await isInView('[data-testid="datasets-notice"]'), 'the notice in view').toBe(true);
    await page.waitForTimeout(1500); // (past the quiet second a progress would speak after)
    const said = await announcements(page);
    expect(said.filter((line) => line.startsWith('status: ')).map((line) => line.split(':')[1].trim())).toEqual([
      'Imported small.txt',
    ]);
    await shot('import');
  });

  it('names a Train box by its label only, described by its error or its note', async () => {
    await openTrainForm(page);
    await page.getByTestId('train-dataset').selectOption(datasetId);
    const steps = page.getByTestId('train-steps');
    await steps.fill('0');
    const error = (await page.getByTestId('train-steps-error').textContent())?.trim();
    expect(error).toMatch(/^Steps must be/);
    await expect(page.getByRole('spinbutton', { name: 'Steps', exact: true }).count()).resolves.toBe(1);
    await expect(steps.getAttribute('aria-invalid')).resolves.toBe('true');
    await expect(description('train-steps')).resolves.toBe(error);
    await steps.fill('200');
    await page.getByTestId('train-eval-every').fill('500');
    const note = (await page.getByTestId('train-eval-every-note').textContent())?.trim();
    const label = (
      await page
        .locator('.field', { has: page.getByTestId('train-eval-every') })
        .locator('label')
        .textContent()
    )?.trim();
    expect(label).toMatch(/^Validate every/);
    await expect(page.getByRole('spinbutton', { name: label, exact: true }).count()).resolves.toBe(1);
    await expect(description('train-eval-every')).resolves.toBe(note);
    await expect(page.getByTestId('train-eval-every').getAttribute('aria-invalid')).resolves.toBe('false');
  });

  it('gives "Time a few steps now" the width of the estimate, under its term', async () => {
    await page.getByTestId('train-steps').fill('200');
    await page.getByTestId('train-eval-every').fill('100');
    await page.getByTestId('train-model').selectOption('folder');
    await page.getByTestId('train-model-path').fill(tinySpm);
    await page.getByTestId('train-length').fill('48');
    const button = page.getByTestId('estimate-time-steps');
    await button.waitFor({ timeout: 30_000 });
    await button.scrollIntoViewIfNeeded();
    await shot('estimate');
    const box = await page.evaluate<{ button: number; term: number; value: number; panel: number }>(
      `(() => {
        const value = document.querySelector('[data-testid="estimate-time"]');
        const panel = document.querySelector('[data-testid="train-estimate"]');
        return {
          button: document.querySelector('[data-testid="estimate-time-steps"]').getBoundingClientRect().width,
          term: value.previousElementSibling.getBoundingClientRect().left,
          value: value.getBoundingClientRect().left,
          panel: panel.getBoundingClientRect().width,
        };
      })()`,
    );
    // Its term above it, not beside (where it was 69 px wide, "step / s" broken inside words).
    expect(box.value).toBe(box.term);
    expect(box.button, JSON.stringify(box)).toBeGreaterThan(box.panel / 2);
  });

  it('says what an export wrote, not the code that loads it, and shows it while the focus stays on Export', async () => {
    await page.goto(`${session.url}#/train/${runId}`);
    await page.getByTestId('run-view').waitFor();
    const out = page.getByTestId('export-out');
    await expect.poll(() => out.inputValue(), { timeout: 30_000 }).toContain(runId);
    // Emptied, the folder box is named by its label only, and described by why Export waits.
    await out.fill('');
    const label = 'Folder (new or empty, or an earlier export)';
    await expect(page.getByRole('textbox', { name: label, exact: true }).count()).resolves.toBe(1);
    await expect(description('export-out')).resolves.toBe(
      (await page.getByTestId('export-out-error').textContent())?.trim(),
    );
    await page.getByTestId('export-suggested').click();
    await expect.poll(() => out.inputValue()).toContain(runId);
    await out.focus();
    await out.press('Tab');
    await expect(focusedTestid()).resolves.toBe('export-start');
    await recordAnnouncements(page);
    await page.keyboard.press('Enter');
    await page.getByTestId('export-done').waitFor({ timeout: 60_000 });
    await expect(focusedTestid()).resolves.toBe('export-start');
    // What it wrote, whole, in view (the code under it may run past the window).
    expect.soft(await isInView('[data-testid="export-done"] p'), 'what it wrote in view').toBe(true);
    // The code stays on screen…
    await expect(page.getByTestId('export-done').textContent()).resolves.toContain('from_pretrained');
    // …and out of what is said, which names the folder once.
    await expect.poll(() => announcements(page)).toContainEqual(expect.stringMatching(/ exported to /));
    const said = (await announcements(page)).filter((line) => line.includes(' exported to '));
    expect(said).toHaveLength(1);
    expect(said[0]).toMatch(/^status: Step \d+ exported to \S+: \d+ files, [\d.]+ [KM]iB\.$/);
    await shot('export');
  });

  it('shows a fill while the focus stays in the prompt, and names the folded parts, each decoder output by its model', async () => {
    await openScreen(page, 'playground');
    const prompt = page.getByTestId('prompt');
    await prompt.waitFor();
    await prompt.fill('The quiet <extra_id_0> runs by the green park.');
    await prompt.focus();
    await page.evaluate("document.querySelector('main').scrollTo(0, 0)");
    await prompt.press('Control+Enter');
    const columns = page.getByTestId('fill-column');
    const count = await columns.count();
    expect(count).toBeGreaterThan(0);
    await expect.poll(() => page.getByTestId('fill-text').count(), { timeout: 30_000 }).toBe(count);
    await expect(focusedTestid()).resolves.toBe('prompt');
    await page.waitForTimeout(300);
    expect.soft(await isTopInView('[data-testid="results"]'), 'the answers in view').toBe(true);
    await shot('fill');

    const labels = await columns.locator('h3').allTextContents();
    for (const label of labels) {
      const group = page.getByRole('group', { name: `Decoder output of ${label}`, exact: true });
      expect.soft(await group.count(), label).toBe(1);
    }
    expect.soft(await page.getByRole('group', { name: 'Mask a text for me', exact: true }).count()).toBe(1);
    expect.soft(await page.getByRole('group', { name: /^More models/ }).count()).toBe(1);

    // The "Most new tokens" box with an error: named by its label, described by the error.
    const most = page.getByTestId('max-new-tokens');
    const name =
      (
        await page
          .getByText(/^Most new tokens/)
          .first()
          .textContent()
      )?.trim() ?? '';
    await most.fill('0');
    await expect(most.getAttribute('aria-invalid')).resolves.toBe('true');
    await expect(page.getByRole('spinbutton', { name, exact: true }).count()).resolves.toBe(1);
    await expect(description('max-new-tokens')).resolves.toBe(
      (await page.getByTestId('max-new-tokens-error').textContent())?.trim(),
    );
    await most.fill('20');
    expect(session.pageErrors).toEqual([]);
  });
});
