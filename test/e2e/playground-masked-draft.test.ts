// End-to-end against the built `spanfill serve`: the Playground's recent prompts walked away from
// a prompt that "Mask a text for me" made, and back to it ("↩ Back to the prompt you had"), bring
// back which spans it hid: each column says again how many came back exactly, and the masking's
// notes are there again. A recent prompt chosen meanwhile judges nothing (no span of it is known);
// filled meanwhile, its answers are not judged by the mask's spans once the draft is back (until
// the draft is filled again).
// Filled with builtin:byt5-tiny, the first visit's column. Needs `npm run build` first.

import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSession, type E2eSession } from './session';

const TYPED = 'A typed <extra_id_0> prompt.';
let session: E2eSession;
let page: Page;

beforeAll(async () => {
  session = await startSession('masked-draft');
  page = session.page;
  await page.goto(`${session.url}#/playground`);
});

afterAll(() => session?.close());

describe('a masked draft, left for a recent prompt and taken back', () => {
  it('brings back which spans were hidden', async () => {
    const history = page.getByTestId('history');
    const exact = page.getByTestId('fill-exact');
    await page.getByTestId('prompt').fill(TYPED);
    await page.getByTestId('fill').click();
    await expect.poll(() => history.locator('option').count(), { timeout: 30_000 }).toBe(2);

    await page.getByTestId('mask-panel').locator('summary').click();
    await page.getByTestId('mask-fill').click();
    await expect.poll(() => history.locator('option').count(), { timeout: 30_000 }).toBe(3);
    await exact.first().waitFor();
    const said = await exact.allTextContents();
    const notes = await page.getByTestId('mask-note').allTextContents();
    const masked = await page.getByTestId('prompt').inputValue();
    expect(masked).toContain('<extra_id_0>');

    await history.selectOption(TYPED);
    await expect(page.getByTestId('prompt').inputValue()).resolves.toBe(TYPED);
    await expect.poll(() => exact.count()).toBe(0);

    await history.selectOption('');
    await expect(page.getByTestId('prompt').inputValue()).resolves.toBe(masked);
    await expect.poll(() => exact.allTextContents()).toEqual(said);
    await expect(page.getByTestId('mask-note').allTextContents()).resolves.toEqual(notes);

    await history.selectOption(TYPED);
    await page.getByTestId('fill').click();
    await expect.poll(() => page.getByTestId('fill').textContent(), { timeout: 30_000 }).toBe('Fill the holes');
    await history.selectOption('');
    await page.waitForTimeout(300);
    await expect(exact.count()).resolves.toBe(0);
    await page.getByTestId('fill').click();
    await expect.poll(() => exact.count(), { timeout: 30_000 }).toBe(said.length);
    expect(session.pageErrors).toEqual([]);
  }, 90_000);

  it("a refused mask leaves the previous one in place and says its notes and fills are the previous mask's", async () => {
    const stale = page.getByTestId('mask-stale');
    const notes = await page.getByTestId('mask-note').allTextContents();
    const masked = await page.getByTestId('prompt').inputValue();
    await page.getByTestId('mask-text').fill('A text long enough to need more sentinels than ByT5 has. '.repeat(12));
    await page.getByLabel('Noise density').fill('0.5');
    await page.getByLabel('Mean span').fill('1');
    await page.getByTestId('mask-fill').click();
    await expect
      .poll(() => page.getByTestId('playground-error').textContent())
      .toMatch(
        /^Could not mask the text: This text at these settings makes \d+ noise spans .* or mask a shorter text$/,
      );
    await expect(page.getByTestId('prompt').inputValue()).resolves.toBe(masked);
    await expect.poll(() => stale.textContent()).toBe('From the previous mask (the prompt and fills shown now):');
    await expect(page.getByTestId('mask-note').allTextContents()).resolves.toEqual(notes);

    // A mask that works is no longer the previous one.
    await page
      .getByTestId('mask-text')
      .fill('We hold these truths to be self-evident, that all men are created equal.');
    await page.getByTestId('mask-fill').click();
    await expect.poll(() => page.getByTestId('prompt').inputValue(), { timeout: 30_000 }).not.toBe(masked);
    await expect.poll(() => stale.count()).toBe(0);
    await expect.poll(() => page.getByTestId('playground-error').count()).toBe(0);
    expect(session.pageErrors).toEqual([]);
  }, 90_000);
});
