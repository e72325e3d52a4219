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
    // The calls the form makes once the timing has its answer (the estimate with the time found)
    // have their replies held until released; the one for the last edit, earlier, passes.
    let timing: number | undefined;
    let heldAfterTiming = 0;
    const estimates = await routeReplies(page, 'runs.estimate', (index, args) => {
      if ((args as { timeSteps?: boolean } | undefined)?.timeSteps === true) timing = index;
      if (timing === undefined || !estimates.isAnswered(timing)) return 'pass';
      heldAfterTiming++;
      return 'hold';
    });
    await page.goto(session.url);
    await openTrainForm(page);
    await page.getByTestId('train-dataset').selectOption(datasetId);
    await page.getByTestId('train-model').selectOption('folder');
    await page.getByTestId('train-model-path').fill(tinySpm);
    await page.getByTestId('train-length').fill('32');
    const timeSteps = page.getByTestId('estimate-time-steps');
    await timeSteps.waitFor({ timeout: 30_000 });
    await expect.poll(() => timeSteps.textContent(), { timeout: 30_000 }).toBe('Time a few steps now');
    await timeSteps.click();
    // The steps are timed; the form asks again for the estimate, whose answer is held.
    await expect.poll(() => heldAfterTiming, { timeout: 60_000 }).toBeGreaterThan(0);
    await expect(timeSteps.textContent()).resolves.toBe('Timing…');
    await expect(timeSteps.getAttribute('aria-busy')).resolves.toBe('true');
    estimates.release();
    await expect.poll(() => timeSteps.count(), { timeout: 30_000 }).toBe(0);
    await expect(page.getByTestId('estimate-time').textContent()).resolves.toMatch(/ms per step/);
  });
});
