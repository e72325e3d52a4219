// End-to-end at 400 % zoom (320×256 CSS px) against the built `spanfill serve`: a run's "All its
// settings" keeps each setting's code name (`datasetId`, `maxSteps`) whole on its line, broken
// nowhere inside (it broke as `dat|asetId`, `maxSt|eps`); a value may still break anywhere. The
// run is 2 steps of test/fixtures/t5/t5-tiny-spm trained with `spanfill train`.
// Needs `npm run build` first.
// NOTE: page.evaluate takes expression strings because the e2e files are type-checked without DOM types.

import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshotFailures } from './failureShot';
import { importNotes } from './notes';
import { spanfillJson } from './serve';
import { startSession, type E2eSession } from './session';

const tinySpm = path.resolve('test/fixtures/t5/t5-tiny-spm');
let session: E2eSession;
let page: Page;
let runId: string;

beforeAll(async () => {
  session = await startSession('settings-narrow', { viewport: { width: 320, height: 256 } });
  page = session.page;
  const datasetId = importNotes(session);
  const train = ['train', '--dataset', datasetId, '--model', tinySpm, '--input-length', '32', '--max-steps', '2'];
  ({ runId } = spanfillJson<{ runId: string }>(session.dataDir, train));
}, 120_000);

afterAll(() => session?.close());

screenshotFailures('settings-narrow', () => page);

/** Each setting's code name shown in the open settings, with the lines it takes (one: whole). */
const keyLines = (): Promise<{ key: string; lines: number }[]> =>
  page.evaluate(`[...document.querySelectorAll('[data-testid=run-settings] dt code')].map((code) => ({
    key: code.textContent,
    lines: new Set([...code.getClientRects()].map((rect) => Math.round(rect.top))).size,
  }))`);

describe("a run's settings at 320 CSS px", () => {
  it('shows every code name whole, broken at no letter', async () => {
    await page.goto(`${session.url}#/train/${runId}`);
    await page.getByTestId('run-view').waitFor();
    await page.getByTestId('run-settings').locator('summary').click();
    const keys = await keyLines();
    expect(keys.map((k) => k.key)).toEqual(expect.arrayContaining(['datasetId', 'maxSteps', 'model']));
    expect(keys.filter((k) => k.lines !== 1)).toEqual([]);
    expect(session.pageErrors).toEqual([]);
  });
});
