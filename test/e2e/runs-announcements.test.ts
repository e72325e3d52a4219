// End-to-end, against the built `spanfill serve`: what the Runs screen's polite live region
// (runs-announcement) says. Runs are written straight into the store (storedRuns.ts): this test's
// process owns the one "training" and sets its statuses as a `spanfill train` in a terminal
// would, and the server's watcher announces each. Each change of its status is said once, with
// the run's name, as Train's run-announcement says it (lib/runAnnouncement.ts); nothing for the
// runs listed as the screen opens, again or at a step; "Deleted run “x”." after a delete, also
// twice for two runs of one name.
// Needs `npm run build` first.
// NOTE: page.evaluate takes expression strings because the e2e files are type-checked without DOM types.

import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/main/store/db';
import type { RunRepository } from '../../src/main/store/runs';
import type { RunStatusName } from '../../src/shared/contract/runs';
import { formatMetric } from '../../src/renderer/src/lib/format';
import { openScreen } from './navigate';
import { startSession, type E2eSession } from './session';
import { addStoredRun, openStoreForRuns } from './storedRuns';

const LIVE = 'r-live';

let session: E2eSession;
let page: Page;
let store: Store;
let repo: RunRepository;
let step = 0;

/** Every line the live region has said since the page loaded (recorded in the page, as a screen reader hears them). */
const said = () => page.evaluate<string[]>('window.__said ?? []');

/** Records each new text of the Runs screen's live region, across the screen's openings. */
const RECORDER = `(() => {
  window.__said = [];
  let last = '';
  const read = () => {
    const text = document.querySelector('[data-testid=runs-announcement]')?.textContent ?? '';
    if (text === last) return;
    last = text;
    if (text !== '') window.__said.push(text);
  };
  new MutationObserver(read).observe(document.body, { subtree: true, childList: true, characterData: true });
})()`;

/** A step of run LIVE as its trainer stores it (a progress event needs the loss, lr and throughput). */
function trainStep(): void {
  step++;
  const loss = 3 - step / 100;
  repo.addMetrics(LIVE, [
    { step, name: 'loss', value: loss },
    { step, name: 'lr', value: 0.001 },
    { step, name: 'tokensPerSecond', value: 5000 },
  ]);
  repo.setProgress(LIVE, step, step * 40);
}

/** Sets LIVE's status, as its process would; the region then says `words`, after what it said before. */
async function changeTo(status: RunStatusName, words: string, error: string | null = null): Promise<void> {
  const before = await said();
  repo.setStatus(LIVE, status, { error });
  await expect.poll(said, { timeout: 10_000 }).toEqual([...before, words]);
}

beforeAll(async () => {
  session = await startSession('runs-announcements');
  page = session.page;
  ({ store, repo } = openStoreForRuns(session.dataDir));
  addStoredRun(repo, { id: 'r-earlier', name: 'earlier', status: 'completed', totalSteps: 10 });
  for (const id of ['r-twin-1', 'r-twin-2'])
    addStoredRun(repo, { id, name: 'twin', status: 'stopped', totalSteps: 10 });
  await page.goto(session.url);
  await page.evaluate(RECORDER);
  await openScreen(page, 'runs');
  await page.getByTestId('run-row-r-earlier').waitFor({ timeout: 20_000 });
}, 120_000);

afterAll(async () => {
  store?.close();
  await session?.close();
});

describe("The Runs screen's live region", () => {
  it('says nothing of the runs listed as the screen opens, nor when it opens again', async () => {
    await page.waitForTimeout(1500);
    await openScreen(page, 'datasets');
    await openScreen(page, 'runs');
    await page.getByTestId('run-row-r-earlier').waitFor();
    await page.waitForTimeout(1500);
    expect(await said()).toEqual([]);
  });

  it("says each change of a run's status once, with its name, never a step", async () => {
    addStoredRun(repo, { id: LIVE, name: 'probe', status: 'running', totalSteps: 1000 });
    trainStep();
    await expect.poll(said, { timeout: 10_000 }).toEqual(['Run “probe” started.']);
    const ticker = setInterval(trainStep, 200);
    try {
      await page.waitForTimeout(3000); // (three looks of the watcher or more, each a runs.progress)
    } finally {
      clearInterval(ticker);
    }
    expect(await said()).toEqual(['Run “probe” started.']);
    await changeTo('paused', `Run “probe” paused at step ${step}.`);
    await changeTo('running', 'Run “probe” resumed.');
    await changeTo('stopped', `Run “probe” stopped at step ${step}.`);
    await changeTo('running', 'Run “probe” resumed.');
    await changeTo(
      'failed',
      'Run “probe” failed: out of memory: try --batch-size 2',
      'out of memory: try `--batch-size 2`',
    );
    await changeTo('running', 'Run “probe” resumed.');
    await changeTo('interrupted', `Run “probe” interrupted at step ${step}.`);
    await changeTo('running', 'Run “probe” resumed.');
    await changeTo('completed', `Run “probe” finished: last loss ${formatMetric(repo.lastMetric(LIVE, 'loss'))}.`);
    await page.waitForTimeout(1500);
    expect((await said()).length).toBe(10);
  }, 90_000);

  it('says a run deleted here, and again for a second run of that name', async () => {
    const deleteRun = async (id: string) => {
      await page.getByTestId(`run-row-${id}`).getByTestId('run-delete').click();
      await page.getByTestId('run-delete-confirm').click();
      await page.getByTestId(`run-row-${id}`).waitFor({ state: 'detached' });
    };
    const before = await said();
    await deleteRun('r-earlier');
    await expect.poll(said).toEqual([...before, 'Deleted run “earlier”.']);
    await deleteRun('r-twin-1');
    await deleteRun('r-twin-2');
    await expect
      .poll(said)
      .toEqual([...before, 'Deleted run “earlier”.', 'Deleted run “twin”.', 'Deleted run “twin”.']);
    expect(session.pageErrors).toEqual([]);
  });
});
