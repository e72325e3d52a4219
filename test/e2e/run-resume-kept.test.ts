// End-to-end for Resume with fewer checkpoints kept, against the built `spanfill serve`: a run
// trained and stopped by the CLI keeping 5 shows "Checkpoints kept" by its Resume, prefilled with
// 5, named for a screen reader; a value the run cannot keep is said under the box and not sent;
// 1 is sent with the resume, stored in the run's configuration (`runs show`, the run's view) and
// the run prunes to it. What a run whose disk filled up is told to do (runsFailure.ts). Needs
// `npm run build` first.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { RunDetail } from '../../src/shared/contract/runs';
import { accessibilityViolations } from './accessibility';
import { shortRunFlags } from './lossRuns';
import { importNotes } from './notes';
import { spanfillJson } from './serve';
import { startSession, type E2eSession } from './session';
import { stoppedRun } from './terminalRun';
import { runViewStatus } from './trainPage';

let session: E2eSession;
let page: Page;

beforeAll(async () => {
  session = await startSession('resume-kept');
  page = session.page;
}, 60_000);

afterAll(() => session?.close());

const shown = (runId: string) => spanfillJson<{ run: RunDetail }>(session.dataDir, ['runs', 'show', runId]).run;

describe('Resume with fewer checkpoints kept', () => {
  it('offers the run’s Checkpoints kept by Resume, refuses a bad one there, and sends and stores a new one', async () => {
    const datasetId = importNotes(session, { docs: 30, words: 40, stride: 5 });
    const flags = [...shortRunFlags(datasetId), '--max-steps', '100000', '--checkpoint-every', '2', '--keep-last', '5'];
    const runId = await stoppedRun(session.dataDir, 'kept fewer', flags, 8);
    expect(shown(runId).checkpoints.length).toBeGreaterThan(1);
    await page.goto(`${session.url}#/train/${runId}`);
    const box = page.getByRole('spinbutton', { name: 'Checkpoints kept' });
    await box.waitFor();
    await expect(box.inputValue()).resolves.toBe('5');
    expect(await accessibilityViolations(page)).toEqual([]);

    await box.fill('0');
    await expect(page.getByTestId('run-resume-keep-error').textContent()).resolves.toBe('Checkpoints kept must be ≥ 1');
    await expect(box.getAttribute('aria-invalid')).resolves.toBe('true');
    await page.getByTestId('run-resume').click();
    await expect(runViewStatus(page)).resolves.toBe('stopped');

    // 1e3 (the browser reads 1000) is refused as --keep-last refuses it: digits only.
    await box.fill('1e3');
    await expect(page.getByTestId('run-resume-keep-error').textContent()).resolves.toBe(
      'Checkpoints kept must be a whole number',
    );
    await page.getByTestId('run-resume').click();
    await expect(runViewStatus(page)).resolves.toBe('stopped');

    await box.fill('1');
    await expect(page.getByTestId('run-resume-keep-error').count()).resolves.toBe(0);
    await page.getByTestId('run-resume').click();
    await expect.poll(() => runViewStatus(page), { timeout: 30_000 }).toBe('running');
    expect(shown(runId).config.keepLast).toBe(1);
    spanfillJson(session.dataDir, ['runs', 'stop', runId]);
    await expect.poll(() => runViewStatus(page), { timeout: 60_000 }).toBe('stopped');
    // Pruned to the one it saved as it stopped; the view says what it keeps, and offers that again.
    const stopped = shown(runId);
    expect(stopped.checkpoints.map((c) => c.step)).toEqual([stopped.step]);
    await expect(page.getByTestId('run-disk').textContent()).resolves.toMatch(
      /keeps the last 1 checkpoint and the best/,
    );
    await expect(box.inputValue()).resolves.toBe('1');
    expect(session.pageErrors).toEqual([]);
  }, 180_000);
});
