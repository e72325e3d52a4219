// End-to-end, by keyboard, against the built `spanfill serve`: what a keyboard reaches and where
// its focus goes.
// - The Playground's recent prompts: each one is reached with the arrow keys, and the prompt
//   typed before them comes back.
// - Option+digit on a Mac (a key of '™', a code of Digit2) opens a screen as Alt+digit does, and
//   the nav links say their shortcuts.
// Needs `npm run build` first.
// NOTE: page.evaluate takes expression strings because this file is type-checked without DOM types.

import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openScreen } from './navigate';
import { startSession, type E2eSession } from './session';

let session: E2eSession;
let page: Page;

beforeAll(async () => {
  session = await startSession('keyboard', { viewport: { width: 1280, height: 600 } });
  page = session.page;
  await page.goto(session.url);
}, 120_000);

afterAll(() => session?.close());

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
