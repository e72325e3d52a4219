// End-to-end for the Runs table's Resume of a run whose disk filled up, against the built
// `spanfill serve`: such a run is told to resume keeping fewer checkpoints (Checkpoints kept by
// Resume, on its view), which the table's Resume could not set, so it resumed keeping as many as
// had filled the disk. Its Resume now says "Resume…" and opens the run's view with the focus in
// Checkpoints kept, beside the view's Resume; a run stopped by hand keeps the table's plain Resume.
// Runs written straight into the store (storedRuns.ts). Needs `npm run build` first.
// NOTE: page.evaluate takes expression strings because the e2e files are type-checked without DOM types.

import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/main/store/db';
import { accessibilityViolations } from './accessibility';
import { openScreen } from './navigate';
import { startSession, type E2eSession } from './session';
import { addStoredRun, openStoreForRuns } from './storedRuns';

let session: E2eSession;
let page: Page;
let store: Store;

// As runsFailure.ts words a failed run's full disk, at the start; Node's words after it.
const DISK_FULL =
  'ENOSPC: no space left on device, write. The disk is full. Its checkpoints are kept; free space on the disk, then resume it';

beforeAll(async () => {
  session = await startSession('runs-resume-disk-full');
  page = session.page;
  let repo;
  ({ store, repo } = openStoreForRuns(session.dataDir));
  addStoredRun(repo, { id: 'r-full', name: 'filled the disk', status: 'failed', totalSteps: 100 });
  repo.setStatus('r-full', 'failed', { error: DISK_FULL });
  addStoredRun(repo, { id: 'r-stopped', name: 'stopped by hand', status: 'stopped', totalSteps: 100 });
  await page.goto(session.url);
  await openScreen(page, 'runs');
}, 60_000);

afterAll(async () => {
  store?.close();
  await session?.close();
});

/** The focused element's data-testid (else its tag, lower case). */
const focused = (): Promise<string> =>
  page.evaluate<string>(
    '(document.activeElement?.dataset.testid ?? document.activeElement?.tagName.toLowerCase()) ?? "none"',
  );
const row = (name: string) => page.getByTestId('runs-table').locator('tr', { hasText: name });

describe('Runs: Resume of a run whose disk filled up', () => {
  it('says "Resume…" and opens the run’s view with the focus in Checkpoints kept; a stopped run resumes as before', async () => {
    const resume = row('filled the disk').getByTestId('run-row-resume');
    await expect(resume.textContent()).resolves.toBe('Resume…');
    await expect(row('stopped by hand').getByTestId('run-row-resume').textContent()).resolves.toBe('Resume');
    expect(await accessibilityViolations(page)).toEqual([]);

    await resume.click();
    await page.getByTestId('run-view').waitFor();
    await expect(page.evaluate<string>('location.hash')).resolves.toBe('#/train/r-full');
    await expect.poll(focused).toBe('run-resume-keep');
    await expect(page.getByRole('spinbutton', { name: 'Checkpoints kept' }).inputValue()).resolves.toBe('3');
    // Nothing was resumed: the run is as it failed, its view offering Resume beside the box.
    await expect(page.getByTestId('run-view').getAttribute('data-status')).resolves.toBe('failed');
    await page.getByTestId('run-resume').waitFor();
    expect(session.pageErrors).toEqual([]);
  });
});
