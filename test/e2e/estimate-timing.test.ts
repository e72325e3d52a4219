// End-to-end against the built `spanfill serve`: the estimate's "Time a few steps now" says
// "Timing…" until the estimate with the time found is shown, not back to its label beside the old
// estimate while the form asks for the new one (it looked as if nothing had happened). Needs
// `npm run build` first.
// NOTE: page.evaluate takes expression strings because this file is type-checked without DOM types.

import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routeReplies } from './holdReply';
import { openTrainForm } from './navigate';
import { importNotes } from './notes';
import { startSession, type E2eSession } from './session';

const tinySpm = path.resolve('test/fixtures/t5/t5-tiny-spm');
let session: E2eSession;
let page: Page;
let datasetId: string;

beforeAll(async () => {
  session = await startSession('estimate-timing');
  page = session.page;
  datasetId = importNotes(session);
});

afterAll(() => session?.close());

describe('Train: timing a few steps', () => {
  it('says "Timing…" until the timed estimate is shown', async () => {
    // From the call after the timing's own (the form's new estimate), replies are held until released.
    let holdFrom = Number.POSITIVE_INFINITY;
    const estimates = await routeReplies(page, 'runs.estimate', (index) => (index >= holdFrom ? 'hold' : 'pass'));
    await page.goto(session.url);
    await openTrainForm(page);
    await page.getByTestId('train-dataset').selectOption(datasetId);
    await page.getByTestId('train-model').selectOption('folder');
    await page.getByTestId('train-model-path').fill(tinySpm);
    await page.getByTestId('train-length').fill('32');
    const timeSteps = page.getByTestId('estimate-time-steps');
    await timeSteps.waitFor({ timeout: 30_000 });
    await expect.poll(() => timeSteps.textContent(), { timeout: 30_000 }).toBe('Time a few steps now');
    const settled = estimates.calls();
    await timeSteps.click();
    holdFrom = settled + 1;
    // The steps are timed; the form asks again for the estimate, whose answer is held.
    await expect.poll(() => estimates.calls(), { timeout: 60_000 }).toBe(settled + 2);
    await expect(timeSteps.textContent()).resolves.toBe('Timing…');
    await expect(timeSteps.getAttribute('aria-busy')).resolves.toBe('true');
    estimates.release();
    await expect.poll(() => timeSteps.count(), { timeout: 30_000 }).toBe(0);
    await expect(page.getByTestId('estimate-time').textContent()).resolves.toMatch(/ms per step/);
  });
});
