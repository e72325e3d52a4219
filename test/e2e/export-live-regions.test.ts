// End-to-end against the built `spanfill serve`: what an export says is said in a live region
// that was in the page before the export ended, its text changing to the outcome (a screen reader
// may say nothing of a region inserted with its text already in it), and the code that loads the
// export stays on screen outside every live region. On the Export panel the region waits empty
// from before Export is pressed; on the Train screen, for an export whose run is removed while
// it is out, the region that said it was being exported says what it wrote. The run is 4 steps
// of test/fixtures/t5/t5-tiny-spm trained with `spanfill train`.
// Needs `npm run build` first.
// NOTE: page.evaluate takes expression strings because the e2e files are type-checked without DOM types.

import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshotFailures } from './failureShot';
import { holdReply } from './holdReply';
import { importNotes } from './notes';
import { spanfillJson } from './serve';
import { startSession, type E2eSession } from './session';

const tinySpm = path.resolve('test/fixtures/t5/t5-tiny-spm');
const LIVE = '[role=status],[role=alert],[aria-live]';
let session: E2eSession;
let page: Page;
let runId: string;

beforeAll(async () => {
  session = await startSession('export-live');
  page = session.page;
  const datasetId = importNotes(session);
  const train = ['train', '--dataset', datasetId, '--model', tinySpm, '--input-length', '32', '--max-steps', '4'];
  ({ runId } = spanfillJson<{ runId: string }>(session.dataDir, train));
}, 120_000);

afterAll(() => session?.close());

screenshotFailures('export-live', () => page);

/** Opens the run's view with its export's folder suggested (once system.info has answered). */
async function openRun(): Promise<void> {
  await page.goto(`${session.url}#/train/${runId}`);
  await page.getByTestId('run-view').waitFor();
  await page.getByTestId('run-export').scrollIntoViewIfNeeded();
  await expect.poll(() => page.getByTestId('export-out').inputValue(), { timeout: 30_000 }).toContain(runId);
}

/** Keeps the live regions in <main> now, to tell later whether a region was already in the page. */
const keepLiveRegions = () =>
  page.evaluate(`(() => { window.__kept = new Set(document.querySelectorAll('main :is(${LIVE})')); })()`);

/**
 * The live region in <main> whose text holds `words`: its text, whether it was kept by
 * keepLiveRegions (in the page before), and whether each element showing `code` lies outside
 * every live region.
 */
const regionSaying = (words: string, code: string) =>
  page.evaluate<{ text: string; wasKept: boolean; isCodeUnsaid: boolean } | null>(`(() => {
    const region = [...document.querySelectorAll('main :is(${LIVE})')].find((r) => r.textContent.includes(${JSON.stringify(words)}));
    if (!region) return null;
    const showing = [...document.querySelectorAll('main *')].filter(
      (e) => e.children.length === 0 && e.textContent.includes(${JSON.stringify(code)}),
    );
    return {
      text: region.textContent.trim().replace(/\\s+/g, ' '),
      wasKept: window.__kept.has(region),
      isCodeUnsaid: showing.length > 0 && showing.every((e) => e.closest(':is(${LIVE})') === null),
    };
  })()`);

describe("an export's outcome, said in a live region that was there before", () => {
  it('says what the Export panel wrote in a region waiting since before Export was pressed, without the code', async () => {
    await openRun();
    await keepLiveRegions();
    await page.getByTestId('export-start').click();
    await page.getByTestId('export-done').waitFor({ timeout: 60_000 });
    const said = await regionSaying(' exported to ', 'from_pretrained');
    expect(said?.text).toMatch(/^Step \d+ exported to \S+: \d+ files, [\d.]+ [KM]iB\.$/);
    expect(said?.wasKept, 'the region was in the page before Export').toBe(true);
    expect(said?.isCodeUnsaid, 'the code shows outside every live region').toBe(true);
    // Another export: the same region says it (emptied as it starts, so the same words are heard again).
    await keepLiveRegions();
    await page.getByTestId('export-format-transformers.js').check();
    await page.getByTestId('export-start').click();
    await expect
      .poll(async () => (await regionSaying(' exported to ', 'pipeline('))?.text, { timeout: 60_000 })
      .toContain('-web');
    await expect(regionSaying(' exported to ', 'pipeline(')).resolves.toMatchObject({
      wasKept: true,
      isCodeUnsaid: true,
    });
  });

  it('says what an export whose run was removed wrote in the region that said it was being exported', async () => {
    page = await session.context.newPage();
    const reply = await holdReply(page, 'export.run');
    await openRun();
    await page.getByTestId('export-checkpoint').selectOption('last');
    const out = path.join(session.dataDir, 'exports', `${runId}-last-hf`);
    await expect(page.getByTestId('export-out').inputValue()).resolves.toBe(out);
    await page.getByTestId('export-start').click();
    await expect.poll(() => fs.existsSync(path.join(out, 'spanfill-export.json')), { timeout: 60_000 }).toBe(true);
    spanfillJson(session.dataDir, ['runs', 'rm', runId]);
    const told = page.getByTestId('export-of-removed');
    await expect.poll(() => told.textContent(), { timeout: 30_000 }).toContain('being exported');
    await keepLiveRegions();
    const busy = await regionSaying('being exported', 'from_pretrained');
    expect(busy?.text).toContain(`was removed while it was being exported to ${out}`);
    reply.release();
    await expect.poll(() => told.textContent()).toContain(`exported to ${out}`);
    const said = await regionSaying(`exported to ${out}`, 'from_pretrained');
    expect(said?.text).toMatch(/, removed since, finished\. Step 4 exported to \S+: \d+ files, [\d.]+ [KM]iB\.$/);
    expect(said?.wasKept, 'the region that said it was being exported says the outcome').toBe(true);
    expect(said?.isCodeUnsaid, 'the code shows outside every live region').toBe(true);
    expect(session.pageErrors).toEqual([]);
  });
});
