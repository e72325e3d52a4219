// End-to-end against the built `spanfill serve`, as a screen reader hears it (liveRegions.ts): a
// run that fails, its engine host killed (as the OS's out-of-memory killer would) while it trains
// test/fixtures/t5/t5-tiny-spm with a checkpoint kept. On the Train screen the run's view says
// why and what to do (Resume, its command) once, in its alert, and the screen's live line only
// that it failed at its step: it said the whole of it again, so the person heard it twice. On the
// Runs screen, with no alert, its live line says it by name with why and what to do.
// Needs `npm run build` first.

import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storedRunHostPid } from '../support/store-peek';
import { screenshotFailures } from './failureShot';
import { announcements, recordAnnouncements } from './liveRegions';
import { openScreen, openTrainForm } from './navigate';
import { importNotes } from './notes';
import { startSession, type E2eSession } from './session';
import { runViewStatus, waitUntil } from './trainPage';

const tinySpm = path.resolve('test/fixtures/t5/t5-tiny-spm');
let session: E2eSession;
let page: Page;
let datasetId: string;

beforeAll(async () => {
  session = await startSession('run-failed');
  page = session.page;
  datasetId = importNotes(session);
  await page.goto(session.url);
}, 120_000);

afterAll(() => session?.close());

screenshotFailures('run-failed', () => page);

/** Starts a long run named `name` from the Train form; its id once it has a checkpoint. */
async function startRun(name: string): Promise<string> {
  await openTrainForm(page);
  await page.getByTestId('train-dataset').selectOption(datasetId);
  await page.getByTestId('train-model').selectOption('folder');
  await page.getByTestId('train-model-path').fill(tinySpm);
  await page.getByTestId('train-length').fill('32');
  await page.getByTestId('train-steps').fill('3000');
  await page.getByTestId('train-eval-every').fill('0');
  await page.getByTestId('train-checkpoint-every').fill('20');
  await page.locator('details summary').click();
  await page.getByTestId('train-name').fill(name);
  await page.getByTestId('train-start').click();
  await page.getByTestId('run-view').waitFor();
  await waitUntil(page, 'a checkpoint', async () => (await page.getByTestId('run-checkpoints').count()) > 0);
  return (await page.getByTestId('run-view').getAttribute('data-run-id')) ?? '';
}

/** Kills the engine host training run `runId`. */
const killHost = (runId: string) => process.kill(storedRunHostPid(session.dataDir, runId) as number, 'SIGKILL');

/** What the live regions said since recording began that names `words`, after a second more for any late line. */
async function saidWith(words: string): Promise<string[]> {
  await page.waitForTimeout(1500);
  return (await announcements(page)).filter((line) => line.includes(words));
}

describe('a run that fails, as a screen reader hears it', () => {
  it('on the Train screen: why and what to do once, in the alert, and the live line says it failed at its step', async () => {
    const runId = await startRun('failed here');
    await recordAnnouncements(page);
    killHost(runId);
    await waitUntil(page, 'the run to fail', async () => (await runViewStatus(page)) === 'failed');
    const resume = `spanfill runs resume ${runId}`;
    const why = await saidWith(resume);
    expect(why, 'why and what to do, said once').toHaveLength(1);
    expect(why[0]).toMatch(
      /^alert: Failed: The engine host was killed by SIGKILL\. .*Its checkpoints are kept; Resume/,
    );
    const line = (await announcements(page)).filter((said) => said.startsWith('status: '));
    expect(line).toEqual([expect.stringMatching(/^status: Failed at step \d+\.$/)]);
  });

  it('on the Runs screen: by name, with why and what to do', async () => {
    const runId = await startRun('failed elsewhere');
    await openScreen(page, 'runs');
    const row = page.getByTestId(`run-row-${runId}`);
    await row.waitFor();
    await recordAnnouncements(page);
    killHost(runId);
    await expect.poll(() => row.getByTestId('run-status').textContent(), { timeout: 60_000 }).toBe('failed');
    const said = await saidWith(`spanfill runs resume ${runId}`);
    expect(said).toEqual([
      expect.stringMatching(/^status: Run “failed elsewhere” failed: The engine host was killed by SIGKILL\. .*Resume/),
    ]);
    expect(session.pageErrors).toEqual([]);
  });
});
