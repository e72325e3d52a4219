// End-to-end, by keyboard, against the built `spanfill serve`: what a keyboard reaches and where
// its focus goes.
// - The Playground's recent prompts: each one is reached with the arrow keys, and the prompt
//   typed before them comes back.
// - Option+digit on a Mac (a key of '™', a code of Digit2) opens a screen as Alt+digit does, and
//   the nav links say their shortcuts.
// - A dataset opened from its name in a long list has the focus on its detail's heading, in view.
// - Start on Train with a setting wrong moves the focus to that setting (opening "More settings"
//   when it is folded there), as the Masking screen's Preview does.
// Needs `npm run build` first.
// NOTE: page.evaluate takes expression strings because this file is type-checked without DOM types.

import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openScreen, openTrainForm } from './navigate';
import { importNotes } from './notes';
import { startSession, type E2eSession } from './session';

let session: E2eSession;
let page: Page;
/** Datasets imported by the CLI, oldest first (the table lists them newest first). */
let datasetIds: string[];

beforeAll(async () => {
  // Short, so the datasets' table runs past the window's bottom.
  session = await startSession('keyboard', { viewport: { width: 1280, height: 600 } });
  page = session.page;
  datasetIds = [1, 2, 3, 4, 5, 6].map((n) => importNotes(session, { docs: 6, words: 12, stride: n }));
  await page.goto(session.url);
}, 120_000);

afterAll(() => session?.close());

/** The focused element's test id, else its id, else its tag ('body' when the focus was dropped). */
const focused = () =>
  page.evaluate<string>(
    '(() => { const e = document.activeElement; return e?.dataset.testid ?? (e?.id || e?.tagName.toLowerCase()); })()',
  );

/** Whether the element `selector` finds lies wholly inside the window. */
const inView = (selector: string) =>
  page.evaluate<boolean>(
    `(() => { const b = document.querySelector(${JSON.stringify(selector)}).getBoundingClientRect();
      return b.top >= 0 && b.bottom <= innerHeight && b.left >= 0 && b.right <= innerWidth; })()`,
  );

describe('the Playground’s recent prompts by keyboard', () => {
  const prompts = ['first <extra_id_0> prompt', 'second <extra_id_0> prompt', 'third <extra_id_0> prompt'];

  it('reaches every recent prompt with the arrow keys, and the draft typed before them comes back', async () => {
    await openScreen(page, 'playground');
    const history = page.getByTestId('history');
    const box = page.getByTestId('prompt');
    for (const [n, prompt] of prompts.entries()) {
      await box.fill(prompt);
      await page.getByTestId('fill').click();
      // Kept once the model has answered it (the first option is the select's own line).
      await expect.poll(() => history.locator('option').count(), { timeout: 60_000 }).toBe(n + 2);
    }
    await box.fill('my unsaved draft');
    await history.focus();
    // Newest first, each in the prompt box as the select shows it.
    for (const prompt of [...prompts].reverse()) {
      await page.keyboard.press('ArrowDown');
      await expect.poll(() => box.inputValue()).toBe(prompt);
      await expect(history.inputValue()).resolves.toBe(prompt);
    }
    // The first line now offers the draft back; up to it, the draft is in the box again.
    await expect(history.locator('option').first().textContent()).resolves.toBe(
      '↩ Back to the prompt you had: my unsaved draft',
    );
    for (let step = 0; step < prompts.length; step++) await page.keyboard.press('ArrowUp');
    await expect.poll(() => box.inputValue()).toBe('my unsaved draft');
    await expect(history.inputValue()).resolves.toBe('');
    // Edited after a recent prompt was chosen, the box holds the new draft: nothing to go back to.
    await history.selectOption(prompts[0]);
    await expect.poll(() => box.inputValue()).toBe(prompts[0]);
    await box.press('End');
    await box.pressSequentially(' edited');
    await expect(history.inputValue()).resolves.toBe('');
    await expect(history.locator('option').first().textContent()).resolves.toMatch(/^3 kept in the data directory/);
  });
});

describe('the screens’ shortcuts', () => {
  it('opens a screen on Option+digit as a Mac sends it (its key a symbol, its code the digit)', async () => {
    await openScreen(page, 'datasets');
    await page.evaluate(
      "window.dispatchEvent(new KeyboardEvent('keydown', { key: '™', code: 'Digit2', altKey: true, bubbles: true, cancelable: true }))",
    );
    await page.getByTestId('screen-masking').waitFor({ timeout: 5_000 });
  });

  it('names each screen’s shortcut on its nav link', async () => {
    const shortcuts = await page
      .locator('nav a')
      .evaluateAll((links: unknown[]) =>
        links.map((link) => (link as { getAttribute(name: string): string | null }).getAttribute('aria-keyshortcuts')),
      );
    expect(shortcuts).toEqual(['Alt+1', 'Alt+2', 'Alt+3', 'Alt+4', 'Alt+5', 'Alt+6', 'Alt+7']);
  });
});

describe('a dataset opened from its name', () => {
  it("moves the focus to the detail's heading and brings it into view", async () => {
    await openScreen(page, 'datasets');
    const oldest = page.getByTestId('datasets-table').locator('tbody tr').last().locator('button.link');
    await expect(oldest.textContent()).resolves.toBe('notes.txt');
    await oldest.focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('dataset-detail').waitFor();
    await expect(page.getByTestId('dataset-detail').textContent()).resolves.toContain(datasetIds[0]);
    await expect.poll(focused).toBe('detail-title');
    await expect(inView('#detail-title')).resolves.toBe(true);
  });
});

describe('Start on Train with a setting wrong', () => {
  it('moves the focus to the first setting marked wrong, as Preview does on Masking', async () => {
    await openTrainForm(page);
    await page.getByTestId('train-dataset').selectOption(datasetIds[0]);
    await page.getByTestId('train-steps').fill('0');
    const start = page.getByTestId('train-start');
    await expect.poll(() => start.getAttribute('aria-disabled')).toBe('true');
    await start.focus();
    await page.keyboard.press('Enter');
    await expect.poll(focused).toBe('train-steps');
    await expect(page.getByTestId('run-view').count()).resolves.toBe(0);
  });

  it('opens "More settings" for a setting wrong in it, and focuses that setting', async () => {
    // As long as the quick preset's warm-up (20): a shorter run is refused in the Warm-up box, before More settings.
    await page.getByTestId('train-steps').fill('20');
    const more = page.getByTestId('train-form').locator('details', { hasText: 'More settings' });
    await more.locator('summary').click();
    await page.getByTestId('train-accumulation').fill('0');
    await more.locator('summary').click();
    await expect(more.getAttribute('open')).resolves.toBeNull();
    const start = page.getByTestId('train-start');
    await expect.poll(() => start.getAttribute('aria-describedby')).toBe('train-start-waits');
    await start.focus();
    await page.keyboard.press('Enter');
    await expect.poll(focused).toBe('train-accumulation');
    await expect(more.getAttribute('open')).resolves.not.toBeNull();
    await expect(page.getByTestId('run-view').count()).resolves.toBe(0);
  });
});
