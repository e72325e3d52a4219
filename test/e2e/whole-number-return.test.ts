// End-to-end against the built `spanfill serve`: a whole-number box refused text not written in
// digits (1e3: whole-number-text.test.ts), and a person who left its screen and came back found
// the box empty under "Steps must be a whole number": the form kept the refused value (NaN) but
// not the text. A form kept for the app session (Train, Masking) now shows the text as typed with
// its message, as it was left (it was never sent); Settings keeps nothing unsaved, a number or
// not: it shows the saved threads again, with no message. Needs `npm run build` first.

import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshotFailures } from './failureShot';
import { openScreen, openTrainForm } from './navigate';
import { importNotes } from './notes';
import { startSession, type E2eSession } from './session';

let session: E2eSession;
let page: Page;
let datasetId: string;

beforeAll(async () => {
  session = await startSession('whole-number-return');
  page = session.page;
  datasetId = importNotes(session);
  await page.goto(session.url);
}, 60_000);

afterAll(() => session?.close());

screenshotFailures('whole-number-return', () => page);

const text = (testid: string) => page.getByTestId(testid).textContent({ timeout: 5000 });
const count = (testid: string) => page.getByTestId(testid).count();
const boxText = (testid: string) => page.getByTestId(testid).inputValue();

describe('a whole-number box left holding text not in digits', () => {
  it('Train: back on the form, Steps shows the text as typed, with its message, and Start still waits', async () => {
    await openTrainForm(page);
    await page.getByTestId('train-dataset').selectOption(datasetId);
    await page.getByTestId('train-steps').fill('1e3');
    await expect(text('train-steps-error')).resolves.toBe('Steps must be a whole number');
    await openScreen(page, 'datasets');
    await openTrainForm(page);
    await expect(boxText('train-steps')).resolves.toBe('1e3');
    await expect(text('train-steps-error')).resolves.toBe('Steps must be a whole number');
    await expect(page.getByTestId('train-start').getAttribute('aria-disabled')).resolves.toBe('true');
    // Written in digits now, and left again: the number comes back, with nothing said.
    await page.getByTestId('train-steps').fill('1000');
    await expect.poll(() => count('train-steps-error')).toBe(0);
    await openScreen(page, 'datasets');
    await openTrainForm(page);
    await expect(boxText('train-steps')).resolves.toBe('1000');
    await expect(count('train-steps-error')).resolves.toBe(0);
  });

  it('Masking: back on the screen, Input length shows the text as typed, with its message', async () => {
    await openScreen(page, 'masking');
    await page.getByTestId('mask-length').fill('6.4e1');
    await expect(text('mask-length-error')).resolves.toBe('Input length must be a whole number');
    await openScreen(page, 'datasets');
    await openScreen(page, 'masking');
    await expect(boxText('mask-length')).resolves.toBe('6.4e1');
    await expect(text('mask-length-error')).resolves.toBe('Input length must be a whole number');
  });

  it('Settings: back on the screen, CPU threads shows the saved number again, with no message', async () => {
    await openScreen(page, 'settings');
    const saved = await boxText('threads-input');
    for (const typed of ['2e0', '3']) {
      await page.getByTestId('threads-input').fill(typed);
      await openScreen(page, 'datasets');
      await openScreen(page, 'settings');
      await expect.poll(() => boxText('threads-input')).toBe(saved);
      await expect(count('threads-error')).resolves.toBe(0);
    }
    expect(session.pageErrors).toEqual([]);
  });
});
