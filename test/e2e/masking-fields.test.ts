// End-to-end for the Masking screen's boxes against the built `spanfill serve`: the example
// number is checked under its box as the other settings are, and a number changed after an
// error about another ("Example 99999 does not exist") leaves no such error on screen; boxes
// beside one that shows an error stay in line with it; text the browser cannot read as a number
// (1e400) is said to be out of bounds, not missing; the computed lengths say what the raw length
// is. The screen's other behaviour is masking-screen.test.ts's. Screenshots go to
// test-results/masking-fields-*.png. Needs `npm run build` first.
// NOTE: page.evaluate takes expression strings because this file is type-checked without DOM types.

import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshotFailures } from './failureShot';
import { openScreen } from './navigate';
import { writeNotes } from './notes';
import { spanfillJson } from './serve';
import { resultsDir, startSession, type E2eSession } from './session';

let session: E2eSession;
let page: Page;
let datasetId: string;

beforeAll(async () => {
  session = await startSession('masking-fields');
  page = session.page;
  const file = path.join(session.dir, 'notes.txt');
  writeNotes(file, { docs: 6, words: 40, stride: 5 });
  datasetId = spanfillJson<{ id: string }>(session.dataDir, ['import', file]).id;
  await page.goto(session.url);
});

afterAll(() => session?.close());

const shot = (name: string) => page.screenshot({ path: path.join(resultsDir, `masking-fields-${name}.png`) });
screenshotFailures('masking-fields', () => page);

/** The four settings boxes at a run's defaults, with the byte-level tokenizer. */
async function defaults(): Promise<void> {
  await page.getByTestId('mask-model-choice').selectOption('bytes');
  for (const [box, value] of Object.entries({ density: '0.15', span: '3', length: '128', seed: '0' }))
    await page.getByTestId(`mask-${box}`).fill(value);
}

describe('Masking fields', () => {
  it('says a bad example number under its box, and leaves no error about another number on screen', async () => {
    await openScreen(page, 'masking');
    await page.getByLabel('A dataset example').check();
    await page.getByTestId('mask-dataset').selectOption(datasetId);
    await page.getByTestId('mask-mode').selectOption('per-document');
    await defaults();
    const box = page.getByTestId('mask-example');
    const boxError = page.getByTestId('mask-example-error');
    await box.fill('99999');
    await page.getByTestId('mask-preview').click();
    await page
      .getByTestId('mask-error')
      .filter({ hasText: /^Example 99999 does not exist/ })
      .waitFor();
    for (const [value, said] of [
      ['0', 'Example number must be ≥ 1'],
      ['-3', 'Example number must be ≥ 1'],
      ['2.5', 'Example number must be a whole number'],
    ]) {
      await box.fill(value);
      // Said at once under the box, and the error about 99999 gone.
      await expect(boxError.textContent(), value).resolves.toBe(said);
      await expect(box.getAttribute('aria-invalid')).resolves.toBe('true');
      expect(await page.getByTestId('mask-error').count(), value).toBe(0);
      if (value === '0') await shot('01-example-0');
      // Preview sends nothing (the browser's check of the form): the message stays, no error comes.
      await page.getByTestId('mask-preview').click();
      await expect(boxError.textContent(), value).resolves.toBe(said);
      expect(await page.getByTestId('mask-error').count(), value).toBe(0);
    }
    // Blank: the seed picks one, which is no error.
    await box.fill('');
    expect(await boxError.count()).toBe(0);
    await page.getByTestId('mask-preview').click();
    await page.getByTestId('mask-example-shown').waitFor();
    // A good number after a refused one: the box's message goes and it previews.
    await box.fill('99999');
    await page.getByTestId('mask-preview').click();
    await page.getByTestId('mask-error').waitFor();
    await box.fill('2');
    expect(await page.getByTestId('mask-error').count()).toBe(0);
    await page.getByTestId('mask-preview').click();
    await page
      .getByTestId('mask-example-shown')
      .filter({ hasText: /^\s*2 of/ })
      .waitFor();
    expect(await boxError.count()).toBe(0);
    expect(session.pageErrors).toEqual([]);
  });

  it('keeps the settings boxes in line when some of them show an error', async () => {
    await openScreen(page, 'masking');
    await page.getByLabel('Typed text').check();
    await defaults();
    await page.getByTestId('mask-density').fill('0');
    await page.getByTestId('mask-span').fill('-2');
    await page.getByTestId('mask-density-error').waitFor();
    await page.getByTestId('mask-span-error').waitFor();
    await page.getByTestId('mask-text').focus();
    const tops = await Promise.all(
      ['density', 'span', 'length', 'seed'].map(
        async (box) => (await page.getByTestId(`mask-${box}`).boundingBox())?.y,
      ),
    );
    await shot('02-two-errors');
    for (const top of tops) expect(Math.abs((top ?? Number.NaN) - (tops[0] ?? Number.NaN))).toBeLessThan(1);
    await defaults();
  });

  it('says text that is no number the browser can read (1e400) must be within the bounds, an empty box needs one', async () => {
    await openScreen(page, 'masking');
    await page.getByLabel('Typed text').check();
    await defaults();
    const error = page.getByTestId('mask-length-error');
    await page.getByTestId('mask-length').fill('1e400');
    await expect(error.textContent()).resolves.toBe('Input length must be a number from 4 to 65,536');
    await shot('03-length-1e400');
    await page.getByTestId('mask-length').fill('');
    await expect(error.textContent()).resolves.toBe('Input length needs a number');
    await page.getByTestId('mask-length').fill('64');
    expect(await error.count()).toBe(0);
    await defaults();
  });

  it('says the raw length is the text a full example takes, apart from this example', async () => {
    await openScreen(page, 'masking');
    await page.getByLabel('Typed text').check();
    await defaults();
    const text = 'The cute dog walks in the green park';
    await page.getByTestId('mask-text').fill(text);
    await page.getByTestId('mask-preview').click();
    await expect.poll(() => page.getByTestId('mask-stale').count()).toBe(0);
    await page.getByTestId('mask-result').waitFor();
    const cli = spanfillJson<{
      counts: { maskedTokens: number };
      lengths: { tokensLength: number; inputLength: number; targetLength: number };
    }>(session.dataDir, ['mask', '--text', text]);
    const { tokensLength, inputLength, targetLength } = cli.lengths;
    // Typed text shorter than a full example: its own count and the raw length differ.
    expect(cli.counts.maskedTokens).toBeLessThan(tokensLength);
    await expect
      .poll(async () => (await page.getByTestId('mask-lengths').textContent())?.trim())
      .toBe(`input ${inputLength} and target ${targetLength}, from ${tokensLength} tokens of text in a full example`);
  });
});
