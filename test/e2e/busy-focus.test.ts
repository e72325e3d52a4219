// End-to-end, by keyboard, against the built `spanfill serve`: a button pressed to start work
// keeps the focus while the work runs and after (Masking's Preview, Re-roll, Use, Previous and
// Next; the Playground's Fill and Mask and fill; Settings' Probe again; the estimate's timing,
// which hands the focus to the time it found as its button goes), and ignores presses meanwhile;
// the Playground says a fill once (one polite line, one alert for models that failed, also
// when the connection is lost) and its other errors in the app's error style; Masking's source
// radios are one tab stop. Needs `npm run build` first.
// NOTE: page.evaluate takes expression strings because this file is type-checked without DOM types.

import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { holdReply } from './holdReply';
import { announcements, recordAnnouncements } from './liveRegions';
import { openScreen, openTrainForm } from './navigate';
import { importNotes } from './notes';
import { startSession, type E2eSession } from './session';

const tinySpm = path.resolve('test/fixtures/t5/t5-tiny-spm');
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
    await page.getByTestId('mask-example').fill('1'); // the first: examples are numbered from 1
    await page.getByTestId('mask-preview').click();
    const shown = page.getByTestId('mask-example-shown');
    await shown.filter({ hasText: /^\s*1 of \d+/ }).waitFor();
    await page.getByTestId('mask-example').fill('');
    const isAt = (number: number) => async () =>
      /^\s*(\d+) of/.exec((await shown.textContent()) ?? '')?.[1] === `${number}`;
    await pressAndKeepFocus('mask-next', isAt(2));
    await pressAndKeepFocus('mask-next', isAt(3));
    await pressAndKeepFocus('mask-previous', isAt(2));
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

  it('Playground: Fill keeps the focus and the fill is said once, politely, for all columns', async () => {
    await openScreen(page, 'playground');
    await page.getByTestId('prompt').waitFor();
    const more = page.locator('summary', { hasText: 'More models' });
    await more.click();
    await page.getByTestId('picker-folder').fill(tinySpm);
    await page.getByRole('button', { name: 'Add this folder' }).click();
    const columns = page.getByTestId('fill-column');
    await expect.poll(() => columns.count()).toBe(2);
    const filled = async () => (await page.getByTestId('fill-text').count()) === 2;

    await recordAnnouncements(page);
    await page.getByTestId('prompt').press('Control+Enter');
    await expect.poll(filled, { timeout: 30_000 }).toBe(true);
    await expect
      .poll(() => announcements(page))
      .toEqual(['status: Filling the holes with 2 models…', 'status: 2 models filled the holes.']);

    await pressAndKeepFocus('fill', filled);
    await page.getByTestId('mask-panel').locator('summary').click();
    await pressAndKeepFocus('mask-fill', async () => (await page.getByTestId('fill-exact').count()) === 2);
  });

  it('Playground: a fill with the connection lost raises one alert for all its columns', async () => {
    const offline = await page.context().newPage();
    try {
      let cut: (() => Promise<void>) | undefined;
      await offline.routeWebSocket(
        () => true,
        (ws) => {
          ws.connectToServer();
          cut = () => ws.close();
        },
      );
      await offline.goto(`${session.url}#/playground`);
      await offline.getByTestId('prompt').waitFor();
      await expect.poll(() => offline.getByTestId('fill-column').count()).toBe(2); // the screen as it was left
      await cut?.();
      await offline.getByText('Lost the connection to').waitFor();
      // An edit after the cut, so that keeping the screen fails here (the writes of the screen's
      // opening may all have landed before the cut, or one may still be out: a race, under load).
      await offline.getByTestId('prompt').press('End');
      await offline.getByTestId('prompt').press('Space');
      await recordAnnouncements(offline);
      await offline.getByTestId('prompt').press('Control+Enter');
      await expect.poll(() => offline.getByTestId('fill-error').count()).toBe(2);
      await offline.waitForTimeout(300);
      const alerts = (await announcements(offline)).filter((said) => said.startsWith('alert: '));
      expect(alerts).toEqual([
        `alert: builtin:byt5-tiny; t5-tiny-spm could not fill the holes: Not done: the connection to spanfill serve was lost (the note at the top says what to do).`,
      ]);

      // The screen not kept (the edit above), and the checkpoints not listed (asked again as the
      // screen opens again): red as the app's other errors, `spanfill serve` as code, not in backticks.
      await openScreen(offline, 'masking');
      await openScreen(offline, 'playground');
      const colour = (testid: string) =>
        offline.evaluate<string>(`getComputedStyle(document.querySelector('[data-testid=${testid}]')).color`);
      const errorColour = await colour('fill-error'); // a column's, in the app's error banner
      for (const testid of ['playground-memory-error', 'picker-checkpoints-error']) {
        const shown = offline.getByTestId(testid);
        await shown.waitFor();
        await expect(shown.textContent()).resolves.toContain('the connection to spanfill serve was lost');
        await expect(shown.locator('code').textContent()).resolves.toBe('spanfill serve');
        await expect(colour(testid)).resolves.toBe(errorColour);
      }
    } finally {
      await offline.close();
    }
  });

  it('Settings: Probe again keeps the focus', async () => {
    await openScreen(page, 'settings');
    await page.getByTestId('provider-cpu').waitFor();
    await pressAndKeepFocus('probe-again', async () => true);
  });

  it('Train: timing a few steps keeps the focus, then hands it to the time found as the button goes', async () => {
    await openTrainForm(page);
    await page.getByTestId('train-dataset').selectOption(datasetId);
    await page.getByTestId('train-model').selectOption('folder');
    await page.getByTestId('train-model-path').fill(tinySpm);
    await page.getByTestId('train-length').fill('32');
    const timeSteps = page.getByTestId('estimate-time-steps');
    await timeSteps.waitFor({ timeout: 30_000 });
    await timeSteps.focus();
    await page.keyboard.press('Enter');
    await expect(focused()).resolves.toBe('estimate-time-steps');
    await expect.poll(() => timeSteps.count(), { timeout: 60_000 }).toBe(0);
    await expect.poll(() => focused()).toBe('estimate-time');
    await expect(page.getByTestId('estimate-time').textContent()).resolves.toMatch(/ms per step/);
  });
});
