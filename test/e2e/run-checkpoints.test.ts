// End-to-end for a run whose checkpoints cannot be read, against the built `spanfill serve`: a
// run trained and stopped by the CLI, then every trainer_state.json of its checkpoints broken by
// hand. Its view lists them as unreadable with the reason; Resume is refused, saying so, and
// offers to start again from step 0, which (once confirmed) trains it from the beginning and says
// which checkpoints it passed over. The Runs screen's Resume, refused the same way, offers the same
// way out there, so the person need not open the run to find it. Needs `npm run build` first.

import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shortRunFlags } from './lossRuns';
import { openScreen } from './navigate';
import { importNotes } from './notes';
import { spanfillJson } from './serve';
import { startSession, type E2eSession } from './session';
import { stoppedRun } from './terminalRun';

let session: E2eSession;
let page: Page;

beforeAll(async () => {
  session = await startSession('checkpoints');
  page = session.page;
}, 60_000);

afterAll(() => session?.close());

/** A run trained from a terminal and stopped, every trainer_state.json of its checkpoints then broken: its id. */
async function damagedRun(name: string): Promise<string> {
  const datasetId = importNotes(session, { docs: 30, words: 40, stride: 5 });
  const flags = [...shortRunFlags(datasetId), '--max-steps', '100000', '--checkpoint-every', '2'];
  const runId = await stoppedRun(session.dataDir, name, flags, 4);
  const folder = path.join(session.dataDir, 'runs', runId, 'checkpoints');
  for (const step of fs.readdirSync(folder))
    fs.writeFileSync(path.join(folder, step, 'trainer_state.json'), '{"step": 1, "garbage');
  return runId;
}

describe('a run none of whose checkpoints reads', () => {
  it('lists them as unreadable, refuses Resume saying so, and starts again from step 0 once confirmed', async () => {
    const runId = await damagedRun('damaged');
    await page.goto(session.url);
    await openScreen(page, 'runs');
    await page.getByTestId(`run-row-${runId}`).getByTestId('run-open').click();
    await page.getByTestId('run-view').waitFor();
    await expect(page.getByTestId('run-checkpoint-problems').textContent()).resolves.toMatch(
      /Step \d+ is unreadable: trainer_state\.json is not valid JSON/,
    );

    await page.getByTestId('run-resume').click();
    await page.getByTestId('run-action-error').waitFor();
    await expect(page.getByTestId('run-action-error').textContent()).resolves.toContain(
      `Run ${runId} has no checkpoint that can be read`,
    );
    await page.getByTestId('run-start-again-trigger').click();
    await page.getByTestId('run-start-again-confirm').click();
    await expect
      .poll(() => page.getByTestId('run-view').getAttribute('data-status'), { timeout: 30_000 })
      .toBe('running');
    await expect(page.getByTestId('run-resume-notice').textContent()).resolves.toMatch(
      /trainer_state\.json is not valid JSON .*; starting again from step 0\./,
    );
    await expect(page.getByTestId('run-action-error').count()).resolves.toBe(0);
    spanfillJson(session.dataDir, ['runs', 'stop', runId]);
    await expect
      .poll(() => page.getByTestId('run-view').getAttribute('data-status'), { timeout: 60_000 })
      .toBe('stopped');
    expect(session.pageErrors).toEqual([]);
  }, 180_000);

  it('refuses Resume on the Runs screen saying so, and starts it again from step 0 there once confirmed', async () => {
    const runId = await damagedRun('damaged in the list');
    await page.goto(session.url);
    await openScreen(page, 'runs');
    const row = page.getByTestId(`run-row-${runId}`);
    await row.getByTestId('run-row-resume').click();
    await page.getByTestId('runs-error').waitFor();
    await expect(page.getByTestId('runs-error').textContent()).resolves.toContain(
      `Run ${runId} has no checkpoint that can be read`,
    );
    await expect(page.getByTestId('run-start-again-trigger').getAttribute('aria-label')).resolves.toBe(
      'Start damaged in the list again from step 0',
    );
    await page.getByTestId('run-start-again-trigger').click();
    await page.getByTestId('run-start-again-confirm').click();
    await expect.poll(() => row.getByTestId('run-status').textContent(), { timeout: 30_000 }).toBe('running');
    await expect(page.getByTestId('run-resume-notice').textContent()).resolves.toMatch(
      /^damaged in the list: .*trainer_state\.json is not valid JSON .*; starting again from step 0\./,
    );
    await expect(page.getByTestId('runs-error').count()).resolves.toBe(0);
    await expect(page.getByTestId('run-start-again').count()).resolves.toBe(0);
    spanfillJson(session.dataDir, ['runs', 'stop', runId]);
    await expect.poll(() => row.getByTestId('run-status').textContent(), { timeout: 60_000 }).toBe('stopped');
    expect(session.pageErrors).toEqual([]);
  }, 180_000);
});
