// End-to-end: the commands the app shows for a terminal name the data directory `spanfill serve`
// was given (--data-dir), as the CLI's do, so pasted they reach the same one: the Runs screen's
// "From a terminal" line, and a service's message (an interrupted run's stored error, on Train).
// Needs `npm run build` first (like browser.test.ts).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resumeAdvice } from '../../src/main/services/runsFailure';
import { openScreen } from './navigate';
import { startSession, type E2eSession } from './session';
import { addStoredRun, openStoreForRuns } from './storedRuns';

let session: E2eSession;

beforeAll(async () => {
  session = await startSession('data-dir-commands');
}, 120_000);

afterAll(async () => {
  await session?.close();
});

describe('commands shown under spanfill serve --data-dir', () => {
  it("name the data directory in the Runs screen's command for a terminal", async () => {
    const { page, dataDir } = session;
    await page.goto(session.url);
    await openScreen(page, 'runs');
    const line = page.getByTestId('runs-empty').locator('code');
    await expect
      .poll(() => line.textContent())
      .toBe(`spanfill train --dataset ID --preset quick --data-dir ${dataDir}`);
  });

  it("name it in a run's stored error, which the service wrote without it", async () => {
    const { page, dataDir } = session;
    const { store, repo } = openStoreForRuns(dataDir);
    try {
      addStoredRun(repo, { id: 'r-aaaaaaaa', name: 'cut short', status: 'queued', totalSteps: 10 });
      repo.setStatus('r-aaaaaaaa', 'interrupted', { error: resumeAdvice('r-aaaaaaaa', 'step 4') });
    } finally {
      store.close();
    }
    await page.goto(`${session.url}#/train/r-aaaaaaaa`);
    const error = page.getByTestId('run-error');
    await error.waitFor({ timeout: 20_000 });
    await expect
      .poll(() => error.locator('code').textContent())
      .toBe(`spanfill runs resume r-aaaaaaaa --data-dir ${dataDir}`);
    expect(session.pageErrors).toEqual([]);
  });
});
