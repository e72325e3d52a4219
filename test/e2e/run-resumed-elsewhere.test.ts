// End-to-end, against the built `spanfill serve`: a run's view and the Runs table while the run is
// resumed elsewhere. This test's process plays the other window or terminal: it marks the run
// running in the store, owned by itself, as `spanfill runs resume` would, and the server's watcher
// says so to the page. Calls the page makes are held on their way (holdReply.ts), so the run starts
// elsewhere while they are out. An export begun on the view stays, then its outcome, with no new
// export offered; a Resume that lost the race says the run was resumed elsewhere, not an error
// (while it trains: the notice goes as it stops); a Delete… question asked before closes, and Delete… says why it waits.
// Needs `npm run build` first.
// NOTE: page.evaluate takes expression strings because the e2e files are type-checked without DOM types.

import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkpointDirName } from '../../src/main/engine/train/checkpoint';
import { thisProcessAsOwner } from '../../src/main/services/runsLock';
import type { Store } from '../../src/main/store/db';
import type { RunRepository } from '../../src/main/store/runs';
import { fakeCheckpoint } from '../main/services/runs-support';
import { holdCalls } from './holdReply';
import { openScreen } from './navigate';
import { startSession, type E2eSession } from './session';
import { addStoredRun, openStoreForRuns } from './storedRuns';

let session: E2eSession;
let store: Store;
let repo: RunRepository;
const pages: Page[] = [];

/** A tab of its own: its socket is routed before it connects. */
async function newTab(): Promise<Page> {
  const page = await session.context.newPage();
  pages.push(page);
  return page;
}

/** Run `id` resumed elsewhere: running, owned by this test's process, as a terminal's resume leaves it. */
function resumeElsewhere(id: string): void {
  repo.setStatus(id, 'running', thisProcessAsOwner());
}

/** The run's view shows `id` with `status`. */
function viewShows(page: Page, id: string, status: string): Promise<void> {
  return page.locator(`[data-testid=run-view][data-run-id=${id}][data-status=${status}]`).waitFor({ timeout: 20_000 });
}

beforeAll(async () => {
  session = await startSession('resumed-elsewhere');
  ({ store, repo } = openStoreForRuns(session.dataDir));
  for (const [id, name] of [
    ['r-export', 'exported'],
    ['r-race', 'raced'],
    ['r-delete', 'deleted'],
  ])
    addStoredRun(repo, { id, name, status: 'stopped', totalSteps: 10 });
  const relative = path.join('runs', 'r-export', 'checkpoints', checkpointDirName(10));
  fakeCheckpoint(path.join(session.dataDir, relative), 10, null);
  repo.addCheckpoint('r-export', { step: 10, path: relative, eval: { loss: 4 }, isBest: true }, []);
}, 120_000);

afterAll(async () => {
  for (const page of pages) await page.close();
  store?.close();
  await session?.close();
});

describe('a run resumed elsewhere', () => {
  it("keeps an export begun on its view, then the export's outcome, offering no new export while it trains", async () => {
    const page = await newTab();
    const exports = await holdCalls(page, 'export.run');
    await page.goto(`${session.url}#/train/r-export`);
    await viewShows(page, 'r-export', 'stopped');
    await expect.poll(() => page.getByTestId('export-out').inputValue(), { timeout: 10_000 }).not.toBe('');
    const out = await page.getByTestId('export-out').inputValue();
    exports.hold();
    await page.getByTestId('export-start').click();
    await expect.poll(() => exports.held()).toBe(1);
    resumeElsewhere('r-export');
    await viewShows(page, 'r-export', 'running');
    const note = page.getByTestId('export-while-training');
    await expect(note.textContent()).resolves.toBe(
      `It trains now; the export begun before goes on into ${out}. Another can be made once it is paused or stopped.`,
    );
    expect(await page.getByTestId('export-start').count(), 'no new export offered').toBe(0);
    exports.release();
    // (the checkpoint's weights are a stand-in: done or refused, what became of it is shown)
    const outcome = page.locator('[data-testid=export-done], [data-testid=export-error]');
    await expect.poll(() => outcome.count(), { timeout: 20_000 }).toBe(1);
    await expect(note.textContent()).resolves.toBe(
      'It trains now: another export can be made once it is paused or stopped.',
    );
    repo.setStatus('r-export', 'stopped', { ownerPid: null });
    await viewShows(page, 'r-export', 'stopped');
    await page.getByTestId('export-start').waitFor({ timeout: 10_000 });
  });

  it('says a Resume that lost the race was resumed elsewhere, not an error', async () => {
    const page = await newTab();
    const resumes = await holdCalls(page, 'runs.resume');
    await page.goto(`${session.url}#/train/r-race`);
    await viewShows(page, 'r-race', 'stopped');
    resumes.hold();
    await page.getByTestId('run-resume').click();
    await expect.poll(() => resumes.held()).toBe(1);
    resumeElsewhere('r-race');
    await viewShows(page, 'r-race', 'running');
    const answered = resumes.answered();
    resumes.release();
    await expect.poll(() => resumes.answered(), { timeout: 10_000 }).toBe(answered + 1);
    const notice = page.getByTestId('run-resume-notice');
    await expect
      .poll(async () => (await notice.count()) === 1 && (await notice.textContent())?.trim())
      .toBe('Resumed elsewhere (another window or a terminal) before this Resume reached it: it trains now.');
    expect(await page.getByTestId('run-action-error').count(), 'no error banner').toBe(0);
    // Stopped elsewhere: the notice said it trains now, so it goes.
    repo.setStatus('r-race', 'stopped', { ownerPid: null });
    await viewShows(page, 'r-race', 'stopped');
    await expect.poll(() => notice.count(), { timeout: 10_000 }).toBe(0);
  });

  it('closes a Delete… question asked before; Delete… then says why it waits', async () => {
    const page = await newTab();
    await page.goto(session.url);
    await openScreen(page, 'runs');
    const row = page.getByTestId('run-row-r-delete');
    await row.waitFor({ timeout: 20_000 });
    await row.getByTestId('run-delete').click();
    await row.getByTestId('run-delete-question').waitFor();
    resumeElsewhere('r-delete');
    await expect.poll(() => row.getByTestId('run-delete-question').count(), { timeout: 10_000 }).toBe(0);
    await expect(row.getByTestId('run-delete').getAttribute('aria-label')).resolves.toBe(
      'Delete deleted: It trains: stop it first',
    );
    // The focus, on Keep as the question went, is on the run's name (it opens the run to watch it).
    await expect
      .poll(() => page.evaluate<string | undefined>('document.activeElement?.dataset.testid'))
      .toBe('run-open');
  });
});
