// End-to-end against the built `spanfill serve`: the screens' polite notices are said in a live
// region that was in the page before their text came (a screen reader may say nothing of a region
// inserted with its text already in it), the same element before and after, on the Models screen
// (a Hub token saved), the Train screen and the Playground (the run they show removed in a
// terminal: two pages, one on each) and the Masking screen (a preview gone stale, then its
// settings carried to Train). The run is 2 steps of test/fixtures/t5/t5-tiny-spm trained with
// `spanfill train`. Needs `npm run build` first.

import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshotFailures } from './failureShot';
import { keepLiveRegions, regionSaying } from './keptRegions';
import { openScreen } from './navigate';
import { importNotes } from './notes';
import { firstVisitColumns } from './playgroundPage';
import { spanfillJson } from './serve';
import { startSession, type E2eSession } from './session';

const tinySpm = path.resolve('test/fixtures/t5/t5-tiny-spm');
let session: E2eSession;
let page: Page;
let runId: string;

beforeAll(async () => {
  session = await startSession('notice-live', { env: { HF_TOKEN: '' } });
  page = session.page;
  const datasetId = importNotes(session);
  const train = ['train', '--dataset', datasetId, '--model', tinySpm, '--input-length', '32', '--max-steps', '2'];
  ({ runId } = spanfillJson<{ runId: string }>(session.dataDir, [...train, '--name', 'heard']));
  await page.goto(session.url);
}, 120_000);

afterAll(() => session?.close());

screenshotFailures('notice-live', () => page);

/** Waits until a live region on `on` says `words`; expects it polite and noted by keepLiveRegions. */
async function expectSaidInKeptRegion(on: Page, words: string): Promise<void> {
  await expect.poll(async () => (await regionSaying(on, words))?.text, { timeout: 30_000 }).toContain(words);
  const said = await regionSaying(on, words);
  expect(said?.role, words).toBe('status');
  expect(said?.wasKept, `"${words}" is said in a region that was in the page before`).toBe(true);
}

describe('notices, said in a live region that was there before', () => {
  it("says the Models screen's notice in its lasting region", async () => {
    await openScreen(page, 'models');
    await page.getByTestId('token-input').fill('hf_not_a_real_token');
    await keepLiveRegions(page);
    await page.getByTestId('token-save').click();
    await expectSaidInKeptRegion(page, 'Saved the Hub token.');
    await expect(page.getByTestId('models-notice').textContent()).resolves.toBe('Saved the Hub token.');
  });

  it('says on Train and in the Playground that the run they show was removed, each in its lasting region', async () => {
    const playground = await session.context.newPage();
    await playground.goto(`${session.url}#/playground`);
    // A first visit opens the run's checkpoint beside its base model.
    await firstVisitColumns(playground);
    await page.goto(`${session.url}#/train/${runId}`);
    await page.getByTestId('run-view').waitFor();
    await keepLiveRegions(page);
    await keepLiveRegions(playground);
    spanfillJson(session.dataDir, ['runs', 'rm', runId]);
    await expectSaidInKeptRegion(page, `Run heard (${runId}) was removed, with its checkpoints.`);
    await expectSaidInKeptRegion(playground, 'went: its run was removed, or that checkpoint deleted.');
    await expect(playground.getByTestId('playground-notice').textContent()).resolves.toMatch(/^The column run heard/);
    await playground.close();
  });

  it('says on the Masking screen that the preview is stale, then that Train will start from it', async () => {
    await openScreen(page, 'masking');
    await page.getByLabel('Typed text').check();
    await page.getByTestId('mask-model-choice').selectOption('bytes');
    await page.getByTestId('mask-text').fill('The cute dog walks in the green park by the quiet river.');
    await page.getByTestId('mask-preview').click();
    await expect.poll(() => page.getByTestId('mask-preview').getAttribute('aria-busy')).toBeNull();
    await page.getByTestId('mask-seed-used').waitFor();
    await keepLiveRegions(page);
    await page.getByTestId('mask-density').fill('0.3');
    await expectSaidInKeptRegion(page, 'The preview below was made before the settings or text above changed');
    await keepLiveRegions(page);
    await page.getByTestId('mask-use').click();
    await expectSaidInKeptRegion(page, 'Train will start from');
    expect(session.pageErrors).toEqual([]);
  });
});
