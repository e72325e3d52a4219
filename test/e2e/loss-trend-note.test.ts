// End-to-end for the note on a run whose training loss ended over twice where it started, though
// finite (src/shared/lossTrend.ts; components/LossTrendNote.svelte), on the built `spanfill
// serve`: runs written straight into the store (storedRuns.ts), none trained. A finished run that
// rose (lr 10, clipping off, as a probe's went 6.5 → 14,461 in silence) gets the note in words
// under its loss chart on Train and under the Runs comparison, naming the run there; one whose loss
// fell gets none; the run that rose, while it still trains, gets none until it ends.
// Needs `npm run build` first (like browser.test.ts).

import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/main/store/db';
import type { RunRepository } from '../../src/main/store/runs';
import { accessibilityViolations } from './accessibility';
import { openScreen } from './navigate';
import { startSession, type E2eSession } from './session';
import { addStoredRun, openStoreForRuns } from './storedRuns';

const WORSE = 'r-worse';
const FINE = 'r-fine';
const STEPS = 60;

let session: E2eSession;
let page: Page;
let store: Store;
let repo: RunRepository;

/** Run `id` with STEPS losses from `loss(step)`, as a trainer writes them. */
function addRun(id: string, status: 'completed' | 'running', loss: (step: number) => number, lr: number): void {
  addStoredRun(repo, { id, name: id, status, totalSteps: STEPS, config: { lr, clipNorm: null } });
  const steps = Array.from({ length: STEPS }, (_, i) => i + 1);
  repo.addMetrics(
    id,
    steps.map((step) => ({ step, name: 'loss', value: loss(step) })),
  );
  repo.setProgress(id, STEPS, STEPS * 40);
}

const note = () => page.getByTestId('loss-trend-note');

beforeAll(async () => {
  session = await startSession('loss-trend-note', { viewport: { width: 1280, height: 900 } });
  page = session.page;
  ({ store, repo } = openStoreForRuns(session.dataDir));
  // From 6.5 to ~14,000, rising all along (the probe's shape), and a fine-tune falling from 2.5 to 1.8.
  addRun(WORSE, 'running', (step) => 6.5 * Math.exp((Math.log(2200) * (step - 1)) / (STEPS - 1)), 10);
  addRun(FINE, 'completed', (step) => 1.8 + 0.7 * Math.exp(-step / 15), 0.001);
  await page.goto(session.url);
}, 120_000);

afterAll(async () => {
  store?.close();
  await session?.close();
});

describe('A run whose loss ended over twice where it started', () => {
  it('is said in words under its loss chart once it ends, not while it trains', async () => {
    await page.goto(`${session.url}#/train/${WORSE}`);
    await page.getByTestId('chart-loss').waitFor();
    await expect.poll(() => page.getByTestId('run-view').getAttribute('data-status')).toBe('running');
    await page.waitForTimeout(1500);
    expect(await note().count()).toBe(0);

    repo.setStatus(WORSE, 'completed', { finishedAt: new Date().toISOString() });
    await expect.poll(() => note().count(), { timeout: 10_000 }).toBe(1);
    const text = (await note().textContent())?.replace(/\s+/g, ' ').trim();
    expect(text).toMatch(
      /^Loss got worse: The training loss ended over 2× where it started: a mean of [\d,]+ over its last 10 steps against [\d.]+ over its first 10\./,
    );
    expect(text).toContain('No checkpoint of it has a validation loss to choose by.');
    expect(text).toContain('start a new run with a lower learning rate (lr, 10 in this run) and gradient clipping on');
    expect(await note().getAttribute('role')).toBe('note');
    // Below the loss chart, inside its box.
    expect(await page.getByTestId('chart-loss').locator('xpath=..').getByTestId('loss-trend-note').count()).toBe(1);
    expect(await accessibilityViolations(page)).toEqual([]);
  }, 60_000);

  it('gives a run whose loss fell no note', async () => {
    await page.goto(`${session.url}#/train/${FINE}`);
    await page.getByTestId('chart-loss').waitFor();
    await expect.poll(() => page.getByTestId('run-view').getAttribute('data-run-id')).toBe(FINE);
    await page.waitForTimeout(1000);
    expect(await note().count()).toBe(0);
  });

  it('is said under the Runs comparison, naming the run, and only for it', async () => {
    await openScreen(page, 'runs');
    for (const id of [WORSE, FINE]) await page.getByTestId(`run-row-${id}`).getByTestId('run-select').check();
    await page.getByTestId('runs-compare').waitFor();
    await expect.poll(() => note().count(), { timeout: 10_000 }).toBe(1);
    expect(await note().getAttribute('data-run-id')).toBe(WORSE);
    expect(await note().textContent()).toMatch(new RegExp(`^\\s*Loss got worse in ${WORSE}:`));
    expect(await page.getByTestId('runs-compare').getByTestId('loss-trend-note').count()).toBe(1);
    expect(session.pageErrors).toEqual([]);
  }, 60_000);
});
