// End-to-end for a decoding box marked wrong in the Playground, against the built `spanfill
// serve`: as Train's Start does, Fill is held (aria-disabled) and says why beside it; pressed,
// or Ctrl+Enter in the prompt, it takes the focus to the box and runs nothing, and the last
// fill's answers and summary stay as they were, with no refusal beside them as if it were
// theirs. "Mask and fill" meanwhile refuses with the error alone: the prompt is not masked, and
// no earlier answer stays beside the error. Fixed, Fill fills. Needs `npm run build` first.
// NOTE: page.evaluate takes expression strings because this file is type-checked without DOM types.

import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openScreen } from './navigate';
import { startSession, type E2eSession } from './session';

const prompt = 'The <extra_id_0> walks in <extra_id_1> park.';
let session: E2eSession;
let page: Page;

beforeAll(async () => {
  session = await startSession('decoding-held');
  page = session.page;
  await page.goto(session.url);
  await openScreen(page, 'playground');
  await page.getByTestId('prompt').waitFor();
});

afterAll(() => session?.close());

/** The focused element's data-testid (else its tag, lower case). */
const focused = (): Promise<string> =>
  page.evaluate<string>(
    '(document.activeElement?.dataset.testid ?? document.activeElement?.tagName.toLowerCase()) ?? "none"',
  );

/** The builtin column's decoder output. */
const output = (): Promise<string | null> => page.getByTestId('fill-column').locator('pre').textContent();

/** Fills with builtin:byt5-tiny (the one column a first visit has), 4 new tokens; waits for its answer. */
async function fill(): Promise<void> {
  await page.getByTestId('max-new-tokens').fill('4');
  await page.getByTestId('fill').click();
  await page.getByTestId('fill').filter({ hasText: 'Fill the holes' }).waitFor({ timeout: 60_000 });
  await page.getByTestId('fill-text').waitFor();
}

describe('Playground: a decoding box marked wrong', () => {
  it('holds Fill and says why beside it; a press takes the focus to the box, and the last answers stay as they were', async () => {
    await expect.poll(() => page.getByTestId('fill-column').count()).toBe(1);
    await page.getByTestId('prompt').fill(prompt);
    await fill();
    const [answered, summary] = [await output(), await page.getByTestId('fill-summary').textContent()];
    expect(summary).toBe('builtin:byt5-tiny filled the holes.');

    await page.getByTestId('max-new-tokens').fill('0');
    await expect(page.getByTestId('max-new-tokens-error').textContent()).resolves.toBe('Most new tokens must be ≥ 1');
    const button = page.getByTestId('fill');
    await expect(button.getAttribute('aria-disabled')).resolves.toBe('true');
    await expect(page.getByTestId('fill-waits').textContent()).resolves.toBe(
      'Fix the decoding settings marked above first.',
    );
    await expect(button.getAttribute('aria-describedby')).resolves.toBe('fill-waits');
    await button.click({ force: true }); // (held: Playwright would wait for it to be enabled)
    await expect.poll(focused).toBe('max-new-tokens');
    // Ctrl+Enter in the prompt, likewise.
    await page.getByTestId('prompt').focus();
    await page.keyboard.press('Control+Enter');
    await expect.poll(focused).toBe('max-new-tokens');
    // Nothing ran, and nothing is said as this press's outcome: the answer is the last fill's.
    await expect(page.getByTestId('playground-error').count()).resolves.toBe(0);
    await expect(button.textContent()).resolves.toBe('Fill the holes');
    await expect(output()).resolves.toBe(answered);
    await expect(page.getByTestId('fill-summary').textContent()).resolves.toBe(summary);
  });

  it('refuses "Mask and fill" with the error alone: nothing masked, no earlier answer beside it', async () => {
    await page.getByTestId('mask-panel').locator('summary').click();
    await page.getByTestId('mask-fill').click();
    await expect(page.getByTestId('playground-error').textContent()).resolves.toBe('Most new tokens must be ≥ 1');
    await expect(page.getByTestId('prompt').inputValue()).resolves.toBe(prompt);
    await expect(page.getByTestId('fill-text').count()).resolves.toBe(0);
    await expect(page.getByTestId('fill-summary').textContent()).resolves.toBe('');
  });

  it('fills again once the box is fixed', async () => {
    await fill();
    await expect(page.getByTestId('fill').getAttribute('aria-disabled')).resolves.toBeNull();
    await expect(page.getByTestId('fill-waits').count()).resolves.toBe(0);
    await expect(page.getByTestId('playground-error').count()).resolves.toBe(0);
    await expect(page.getByTestId('fill-summary').textContent()).resolves.toBe('builtin:byt5-tiny filled the holes.');
  });

  it('logged no errors in the page', () => {
    expect(session.pageErrors).toEqual([]);
  });
});
