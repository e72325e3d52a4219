// End-to-end, by keyboard, against the built `spanfill serve`: a button pressed to start work
// keeps the focus while the work runs and after (Masking's Preview, Re-roll, Use, Previous and
// Next), and ignores presses meanwhile; Masking's source radios are one tab stop.
// Needs `npm run build` first.
// NOTE: page.evaluate takes expression strings because this file is type-checked without DOM types.

import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { holdReply } from './holdReply';
import { openScreen } from './navigate';
import { importNotes } from './notes';
import { startSession, type E2eSession } from './session';

let session: E2eSession;
let page: Page;
let datasetId: string;

beforeAll(async () => {
  session = await startSession('busy-focus');
  page = session.page;
  datasetId = importNotes(session);
  await page.goto(session.url);
});

afterAll(() => session?.close());

/** The focused element's data-testid (else its tag, lower case: 'body' when focus was dropped). */
const focused = (on: Page = page): Promise<string> =>
  on.evaluate<string>(
    '(document.activeElement?.dataset.testid ?? document.activeElement?.tagName.toLowerCase()) ?? "none"',
  );

/** Whether the button is idle again: neither disabled nor marked busy. */
const isIdle = async (testid: string): Promise<boolean> => {
  const button = page.getByTestId(testid);
  return (await button.isEnabled()) && (await button.getAttribute('aria-busy')) === null;
};

/** Focuses the button, presses Enter, waits for `done`; the button must keep the focus throughout. */
async function pressAndKeepFocus(testid: string, done: () => Promise<boolean>): Promise<void> {
  await page.getByTestId(testid).focus();
  await page.keyboard.press('Enter');
  await expect(focused()).resolves.toBe(testid);
  await expect.poll(done, { timeout: 30_000 }).toBe(true);
  await expect.poll(() => isIdle(testid)).toBe(true);
  await expect(focused()).resolves.toBe(testid);
}

describe('busy buttons, what a fill says, one tab stop per radio group', () => {
  it('Masking: Preview, Re-roll and Use keep the focus, and Re-roll ignores a press while it runs', async () => {
    await openScreen(page, 'masking');
    await page.getByTestId('mask-result').waitFor();
    await pressAndKeepFocus('mask-preview', async () => true);
    const seedShown = () => page.getByTestId('mask-seed-used').textContent();
    const before = await seedShown();
    await pressAndKeepFocus('mask-reroll', async () => (await seedShown()) !== before);
    await page.getByTestId('mask-length').fill('48');
    await page.getByTestId('mask-stale').waitFor();
    await pressAndKeepFocus('mask-use', async () => (await page.getByTestId('mask-carried').count()) === 1);
    await page.getByTestId('mask-length').fill('32');

    // While a preview is out the button says it is busy, keeps the focus, and a press does nothing.
    const held = await page.context().newPage();
    try {
      const reply = await holdReply(held, 'masking.preview', 1); // the first is the screen's own, as it opens
      await held.goto(`${session.url}#/masking`);
      await held.getByTestId('mask-result').waitFor();
      const reroll = held.getByTestId('mask-reroll');
      await reroll.focus();
      await held.keyboard.press('Enter');
      await expect.poll(() => reroll.getAttribute('aria-busy')).toBe('true');
      await expect(reroll.getAttribute('aria-disabled')).resolves.toBe('true');
      await expect(focused(held)).resolves.toBe('mask-reroll');
      // Presses meanwhile draw no other seed.
      const seedWhileBusy = await held.getByTestId('mask-seed').inputValue();
      await held.keyboard.press('Enter');
      await held.keyboard.press('Space');
      await reroll.click({ force: true });
      await expect(held.getByTestId('mask-seed').inputValue()).resolves.toBe(seedWhileBusy);
      reply.release();
      await expect.poll(() => reroll.getAttribute('aria-busy')).toBeNull();
      await expect(reroll.getAttribute('aria-disabled')).resolves.toBeNull();
      await expect(focused(held)).resolves.toBe('mask-reroll');
      await expect(held.getByTestId('mask-seed-used').textContent()).resolves.toContain(`seed ${seedWhileBusy}`);
    } finally {
      await held.close();
    }
  });

  it("Masking: a dataset example's Next and Previous keep the focus", async () => {
    await page.getByLabel('A dataset example').check();
    await page.getByTestId('mask-dataset').selectOption(datasetId);
    await page.getByTestId('mask-example').fill('0');
    await page.getByTestId('mask-preview').click();
    const shown = page.getByTestId('mask-example-shown');
    await shown.filter({ hasText: /^\s*0 of \d+/ }).waitFor();
    await page.getByTestId('mask-example').fill('');
    const isAt = (index: number) => async () =>
      /^\s*(\d+) of/.exec((await shown.textContent()) ?? '')?.[1] === `${index}`;
    await pressAndKeepFocus('mask-next', isAt(1));
    await pressAndKeepFocus('mask-next', isAt(2));
    await pressAndKeepFocus('mask-previous', isAt(1));
    await page.getByLabel('Typed text').check();
  });

  it('Masking: the source radios are one tab stop, their choice moved by arrow keys', async () => {
    const typed = page.getByLabel('Typed text');
    await typed.check();
    await typed.focus();
    await page.keyboard.press('Tab');
    await expect(focused()).resolves.toBe('mask-text');
    await typed.focus();
    await page.keyboard.press('ArrowDown');
    await expect(page.getByLabel('A dataset example').isChecked()).resolves.toBe(true);
    await typed.check();
  });
});
