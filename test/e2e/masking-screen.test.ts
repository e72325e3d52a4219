// End-to-end for the Masking screen against the built `spanfill serve`: "Use these settings for
// training" carries the dataset and tokenizer the preview used to Train, not only the numbers.
// The previews and the carrying of data-screens.test.ts and train-screens.test.ts are not
// repeated here. Screenshots go to test-results/masking-*.png. Needs `npm run build` first.
// NOTE: page.evaluate takes expression strings because this file is type-checked without DOM types.

import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshotFailures } from './failureShot';
import { openScreen } from './navigate';
import { writeNotes } from './notes';
import { spanfillJson } from './serve';
import { resultsDir, startSession, type E2eSession } from './session';

const tinySpm = path.resolve('test/fixtures/t5/t5-tiny-spm');
let session: E2eSession;
let page: Page;
/** Two datasets: the older one imported first, so the newer is the one Train starts from. */
let olderId: string;
let newerId: string;

beforeAll(async () => {
  session = await startSession('masking');
  page = session.page;
  const importFile = (name: string, stride: number): string => {
    const file = path.join(session.dir, name);
    writeNotes(file, { docs: 6, words: 40, stride });
    return spanfillJson<{ id: string }>(session.dataDir, ['import', file]).id;
  };
  olderId = importFile('older.txt', 5);
  newerId = importFile('newer.txt', 7);
  await page.goto(session.url);
});

afterAll(() => session?.close());

const shot = (name: string) => page.screenshot({ path: path.join(resultsDir, `masking-${name}.png`) });
screenshotFailures('masking', () => page);

describe('Masking screen', () => {
  it("carries the previewed example's dataset and tokenizer to Train, and says so there", async () => {
    // Train opened first keeps its form (the newest dataset): what is carried later lands in it.
    await openScreen(page, 'train');
    await expect.poll(() => page.getByTestId('train-dataset').inputValue()).toBe(newerId);
    await openScreen(page, 'masking');
    await page.getByLabel('A dataset example').check();
    await page.getByTestId('mask-dataset').selectOption(olderId);
    await page.getByTestId('mask-model-choice').selectOption('folder');
    await page.getByTestId('mask-model').fill(tinySpm);
    for (const [box, value] of Object.entries({ density: '0.3', span: '2', length: '64', seed: '11' }))
      await page.getByTestId(`mask-${box}`).fill(value);
    await page.getByTestId('mask-use').click();
    await expect(page.getByTestId('mask-carried').textContent()).resolves.toContain(
      `data seed 11, with dataset older.txt (6 documents) and the tokenizer of ${tinySpm}`,
    );
    await openScreen(page, 'train');
    await expect.poll(() => page.getByTestId('train-dataset').inputValue()).toBe(olderId);
    await expect.poll(() => page.getByTestId('train-model').inputValue()).toBe('folder');
    await expect(page.getByTestId('train-model-path').inputValue()).resolves.toBe(tinySpm);
    const note = page.getByTestId('train-carried');
    await expect(note.textContent()).resolves.toContain(
      `data seed 11, as previewed on an example of older.txt (6 documents) with the tokenizer of ${tinySpm}. ` +
        "The dataset and base model below are the preview's",
    );
    await shot('01-train-carried');
    // Another dataset picked on Train: the note says the example previewed is not what trains.
    await page.getByTestId('train-dataset').selectOption(newerId);
    await expect(note.textContent()).resolves.toContain('The dataset below is not the one previewed');

    // Typed text with the byte-level tokenizer: the numbers and builtin:byt5-tiny; Train's dataset stays.
    await openScreen(page, 'masking');
    await page.getByLabel('Typed text').check();
    await page.getByTestId('mask-model-choice').selectOption('bytes');
    await page.getByTestId('mask-use').click();
    await page.getByTestId('mask-carried').filter({ hasText: "the dataset stays Train's choice" }).waitFor();
    await openScreen(page, 'train');
    await expect.poll(() => page.getByTestId('train-model').inputValue()).toBe('builtin:byt5-tiny');
    await expect(page.getByTestId('train-dataset').inputValue()).resolves.toBe(newerId);
    await expect(note.textContent()).resolves.toMatch(
      /as previewed on typed text with the byte-level tokenizer \(bytes: no base model of that name;.*\)\. The base model below is the preview's; the dataset is this form's choice/,
    );
    expect(session.pageErrors).toEqual([]);
  });
});
