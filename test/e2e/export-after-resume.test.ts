// End-to-end, against the built `spanfill serve`: what a run's Export panel keeps of an export made
// before the run trains again. This test's process plays the terminal: it marks the run running in
// the store, owned by itself, as `spanfill runs resume` leaves it, and the server's watcher says so
// to the page (run-resumed-elsewhere.test.ts does the same). A refusal, or the confirm to replace
// an earlier export, was about the attempt before: it goes as the run trains and does not come
// back with the form once it stops. What a finished export wrote stays, naming the step it wrote.
// Each run's checkpoint is test/fixtures/t5/t5-tiny-spm's files, so an export of it is real.
// Needs `npm run build` first.

import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkpointDirName } from '../../src/main/engine/train/checkpoint';
import { thisProcessAsOwner } from '../../src/main/services/runsLock';
import type { Store } from '../../src/main/store/db';
import type { RunRepository } from '../../src/main/store/runs';
import { fakeCheckpoint } from '../main/services/runs-support';
import { screenshotFailures } from './failureShot';
import { tinySpm } from './lossRuns';
import { startSession, type E2eSession } from './session';
import { addStoredRun, openStoreForRuns } from './storedRuns';

const STEP = 10;
let session: E2eSession;
let store: Store;
let repo: RunRepository;
let page: Page;

beforeAll(async () => {
  session = await startSession('export-after-resume');
  ({ store, repo } = openStoreForRuns(session.dataDir));
  for (const id of ['r-refused', 'r-done', 'r-taken']) {
    addStoredRun(repo, { id, name: id, status: 'stopped', totalSteps: 20 });
    const relative = path.join('runs', id, 'checkpoints', checkpointDirName(STEP));
    const dir = path.join(session.dataDir, relative);
    fakeCheckpoint(dir, STEP, 4);
    fs.cpSync(tinySpm, dir, { recursive: true }); // (its model and tokenizer over the stand-in weights)
    repo.addCheckpoint(id, { step: STEP, path: relative, eval: { loss: 4 }, isBest: true }, []);
  }
}, 120_000);

afterAll(async () => {
  store?.close();
  await session?.close();
});

screenshotFailures('export-after-resume', () => page);

/** A tab of its own on run `id`'s view, once it shows the run stopped with its Export form. */
async function openStopped(id: string): Promise<void> {
  page = await session.context.newPage();
  await page.goto(`${session.url}#/train/${id}`);
  await viewShows(id, 'stopped');
  await expect.poll(() => page.getByTestId('export-out').inputValue(), { timeout: 10_000 }).not.toBe('');
}

/** The run's view shows `id` with `status`. */
function viewShows(id: string, status: string): Promise<void> {
  return page.locator(`[data-testid=run-view][data-run-id=${id}][data-status=${status}]`).waitFor({ timeout: 20_000 });
}

/** Run `id` resumed in a terminal, then (once the view says it trains) stopped there. */
async function trainsAgainThenStops(id: string, whileTraining: () => Promise<void>): Promise<void> {
  repo.setStatus(id, 'running', thisProcessAsOwner());
  await viewShows(id, 'running');
  await whileTraining();
  repo.setStatus(id, 'stopped', { ownerPid: null });
  await viewShows(id, 'stopped');
  await page.getByTestId('export-start').waitFor({ timeout: 10_000 });
}

/** What the panel says an export wrote (without the code that loads it). */
const exportSaid = () => page.getByTestId('export-done-said').textContent();

describe('an export made before the run trains again', () => {
  it('drops a refusal as the run trains, and the form comes back without it once it stops', async () => {
    await openStopped('r-refused');
    const out = path.join(session.dataDir, 'exports', 'has-other-files');
    fs.mkdirSync(out, { recursive: true });
    fs.writeFileSync(path.join(out, 'notes.txt'), 'not an export');
    await page.getByTestId('export-out').fill(out);
    await page.getByTestId('export-start').click();
    const refusal = page.getByTestId('export-error');
    await expect.poll(() => refusal.textContent(), { timeout: 30_000 }).toContain(out);
    await trainsAgainThenStops('r-refused', async () => {
      await expect.poll(() => refusal.count(), { timeout: 10_000 }).toBe(0);
      expect(await page.getByTestId('export-start').count(), 'no new export offered').toBe(0);
    });
    expect(await refusal.count(), 'the refusal of the attempt before the run trained').toBe(0);
    await expect(page.getByTestId('export-out').getAttribute('aria-invalid')).resolves.toBe('false');
  });

  it('keeps what a finished export wrote, naming its step, while the run trains and once it stops', async () => {
    await openStopped('r-done');
    const out = await page.getByTestId('export-out').inputValue();
    await page.getByTestId('export-start').click();
    await page.getByTestId('export-done').waitFor({ timeout: 60_000 });
    const said = `Step ${STEP} exported to ${out}:`;
    await expect(exportSaid()).resolves.toContain(said);
    await trainsAgainThenStops('r-done', async () => {
      await expect(page.getByTestId('export-while-training').textContent()).resolves.toBe(
        'It trains now: another export can be made once it is paused or stopped.',
      );
      await expect(exportSaid()).resolves.toContain(said);
    });
    await expect(exportSaid()).resolves.toContain(said);
  });

  it('drops the confirm to replace an earlier export as the run trains: once it stops, Export asks again', async () => {
    await openStopped('r-taken');
    for (const exported of ['export-done', 'export-taken']) {
      await page.getByTestId('export-start').click();
      await page.getByTestId(exported).waitFor({ timeout: 60_000 });
    }
    const confirm = page.getByTestId('export-taken');
    await trainsAgainThenStops('r-taken', async () => {
      await expect.poll(() => confirm.count(), { timeout: 10_000 }).toBe(0);
    });
    expect(await confirm.count(), 'the confirm offered before the run trained').toBe(0);
    expect(await page.getByTestId('export-error').count()).toBe(0);
    // A new attempt into that folder is asked about afresh.
    await page.getByTestId('export-start').click();
    await confirm.waitFor({ timeout: 60_000 });
    expect(session.pageErrors).toEqual([]);
  });
});
