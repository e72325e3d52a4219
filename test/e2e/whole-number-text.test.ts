// End-to-end against the built `spanfill serve`: a whole-number box (one that steps by 1) takes a
// number written in digits only, as the CLI's whole-number flags do (--max-steps 1e3 is refused):
// the browser reads 1e3 as 1000 and 1.0 as 1, and every such box said nothing and its form sent
// them. Now the box says it must be a whole number, and its form does not send: Train's Start
// waits, Settings saves nothing, Masking's Preview makes none, the Playground's Fill waits.
// Written in digits, the same number is taken. Needs `npm run build` first.
// NOTE: page.evaluate takes expression strings because this file is type-checked without DOM types.

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
  session = await startSession('whole-number-text');
  page = session.page;
  datasetId = importNotes(session);
  await page.goto(session.url);
}, 60_000);

afterAll(() => session?.close());

screenshotFailures('whole-number-text', () => page);

const text = (testid: string) => page.getByTestId(testid).textContent({ timeout: 5000 });
const count = (testid: string) => page.getByTestId(testid).count();
/** The focused element's data-testid (else its tag, lower case). */
const focused = (): Promise<string> =>
  page.evaluate<string>(
    '(document.activeElement?.dataset.testid ?? document.activeElement?.tagName.toLowerCase()) ?? "none"',
  );

describe('a whole-number box written other than in digits', () => {
  it('Train: the box says so and Start waits, a press taking the focus to it', async () => {
    await openTrainForm(page);
    await page.getByTestId('train-dataset').selectOption(datasetId);
    const start = page.getByTestId('train-start');
    await expect.poll(() => start.getAttribute('aria-disabled')).toBe('false');
    for (const typed of ['1e3', '1.0']) {
      await page.getByTestId('train-steps').fill(typed);
      await expect(text('train-steps-error')).resolves.toBe('Steps must be a whole number');
      await expect(page.getByTestId('train-steps').getAttribute('aria-invalid')).resolves.toBe('true');
      await expect(start.getAttribute('aria-disabled')).resolves.toBe('true');
      await expect(text('train-start-waits')).resolves.toBe('Fix the settings marked above first.');
      // (the box keeps what was typed: nothing writes the number read over it)
      await expect(page.getByTestId('train-steps').inputValue()).resolves.toBe(typed);
    }
    await page.getByTestId('train-dataset').focus();
    await start.click({ force: true }); // (held: Playwright would wait for it to be enabled)
    await expect.poll(focused).toBe('train-steps');
    await expect(count('run-view')).resolves.toBe(0);

    await page.getByTestId('train-steps').fill('1000');
    await expect.poll(() => count('train-steps-error')).toBe(0);
    await expect.poll(() => start.getAttribute('aria-disabled')).toBe('false');
  });

  it('Settings: CPU threads says so and is not saved', async () => {
    await openScreen(page, 'settings');
    const box = page.getByTestId('threads-input');
    await box.fill('2e0');
    await expect(text('threads-error')).resolves.toBe('CPU threads must be a whole number');
    await expect(box.getAttribute('aria-invalid')).resolves.toBe('true');
    await page.getByTestId('threads-save').click();
    await expect(text('settings-notice')).resolves.toMatch(/^\s*$/);
    await box.fill('2');
    await expect.poll(() => count('threads-error')).toBe(0);
    await page.getByTestId('threads-save').click();
    await page.getByTestId('settings-notice').filter({ hasText: 'onnxruntime will use 2 CPU threads.' }).waitFor();
  });

  it('Masking: Input length says so and Preview makes none', async () => {
    await openScreen(page, 'masking');
    await page.getByLabel('Typed text').check();
    await page.getByTestId('mask-text').fill('The cute dog walks in the green park');
    await page.getByTestId('mask-length').fill('6.4e1');
    await expect(text('mask-length-error')).resolves.toBe('Input length must be a whole number');
    await page.getByTestId('mask-preview').click();
    // The browser's check stops it (the focus to the box), and the preview on screen (the one the
    // screen opened on) is still said to be of other settings.
    await expect.poll(focused).toBe('mask-length');
    await expect(count('mask-stale')).resolves.toBe(1);
    await page.getByTestId('mask-length').fill('64');
    await expect.poll(() => count('mask-length-error')).toBe(0);
    await page.getByTestId('mask-preview').click();
    await expect.poll(() => count('mask-stale')).toBe(0);
  });

  it('Playground: Most new tokens says so and Fill waits', async () => {
    await openScreen(page, 'playground');
    await page.getByTestId('prompt').fill('The <extra_id_0> walks in <extra_id_1> park.');
    const fill = page.getByTestId('fill');
    await page.getByTestId('max-new-tokens').fill('1e1');
    await expect(text('max-new-tokens-error')).resolves.toBe('Most new tokens must be a whole number');
    await expect(fill.getAttribute('aria-disabled')).resolves.toBe('true');
    await expect(text('fill-waits')).resolves.toBe('Fix the decoding settings marked above first.');
    await page.getByTestId('max-new-tokens').fill('10');
    await expect.poll(() => count('max-new-tokens-error')).toBe(0);
    await expect.poll(() => fill.getAttribute('aria-disabled')).not.toBe('true');
    expect(session.pageErrors).toEqual([]);
  });
});
