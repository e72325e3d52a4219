// End-to-end, by keyboard, against the built `spanfill serve`: a run's Resume on the Runs table
// keeps the focus while its call is out (held: aria-disabled, a press does nothing) and, once the
// run starts and Resume leaves its row, hands it to the run's name in that row, not to the page;
// the Runs screen's live region says the run resumed. The run is trained from a terminal
// (`spanfill train`) and stopped there, so that it keeps a checkpoint; serve trains it once resumed
// (until the session closes).
// Needs `npm run build` first.

import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { focusedTestid } from './keyboardFocus';
import { shortRunFlags } from './lossRuns';
import { openScreen } from './navigate';
import { importNotes } from './notes';
import { startSession, type E2eSession } from './session';
import { stoppedRun } from './terminalRun';

let session: E2eSession;
let page: Page;
let datasetId: string;
let runId: string;
/** A second stopped run, whose Resume is refused while the first trains. */
let otherId: string;

beforeAll(async () => {
  session = await startSession('keyboard-runs-table');
  page = session.page;
  datasetId = importNotes(session);
}, 120_000);

afterAll(async () => {
  await session?.close();
});

const row = () => page.getByTestId(`run-row-${runId}`);
const status = () => row().getByTestId('run-status').textContent();
/** The focused control's testid, and whether it is in the run's row. */
const focusedInRow = () =>
  page.evaluate<string>(
    `(document.activeElement?.closest('tr')?.dataset.testid === 'run-row-${runId}' ? 'in the row: ' : '') +` +
      ` (document.activeElement?.dataset.testid ?? document.activeElement?.tagName.toLowerCase())`,
  );

/** Whether Resume is held (aria-disabled, not disabled), or gone already, read at once (no wait for it). */
const isHeldOrGone = () =>
  page.evaluate<boolean>(
    `(() => { const resume = document.querySelector('[data-testid=run-row-${runId}] [data-testid=run-row-resume]');` +
      ` return resume === null || (resume.getAttribute('aria-disabled') === 'true' && !resume.disabled); })()`,
  );

describe("The Runs table's Resume, pressed by keyboard", () => {
  it("keeps the focus while its call is out, then hands it to the run's name as the run starts", async () => {
    const flags = [...shortRunFlags(datasetId), '--max-steps', '1000000', '--checkpoint-every', '4'];
    runId = await stoppedRun(session.dataDir, 'resumed by keyboard', flags, 4);
    otherId = await stoppedRun(session.dataDir, 'refused by keyboard', flags, 4);
    await page.goto(session.url);
    await openScreen(page, 'runs');
    const resume = row().getByTestId('run-row-resume');
    await expect.poll(status, { timeout: 20_000 }).toBe('stopped');
    await resume.focus();
    await page.keyboard.press('Enter');
    // Held while its call is out (unless the run already started and Resume went; it may go
    // between the two reads too: under load the run starts at once).
    const first = await focusedInRow();
    if (first === 'in the row: run-row-resume') expect(await isHeldOrGone()).toBe(true);
    else expect(first).toBe('in the row: run-open');
    await expect.poll(status, { timeout: 60_000 }).toBe('running');
    await expect.poll(focusedInRow, { timeout: 10_000 }).toBe('in the row: run-open');
    await expect(resume.count()).resolves.toBe(0);
    await expect
      .poll(() => page.getByTestId('runs-announcement').textContent(), { timeout: 10_000 })
      .toBe('Run “resumed by keyboard” resumed.');
    // The focus stays on the name while the run trains (its row's figures change at each step).
    await page.waitForTimeout(1500);
    expect(await focusedTestid(page)).toBe('run-open');
    expect(session.pageErrors).toEqual([]);
  }, 180_000);

  it('keeps the focus on Resume when the resume is refused (another run trains)', async () => {
    const other = page.getByTestId(`run-row-${otherId}`);
    const resume = other.getByTestId('run-row-resume');
    await expect.poll(() => other.getByTestId('run-status').textContent(), { timeout: 20_000 }).toBe('stopped');
    await expect.poll(status, { timeout: 20_000 }).toBe('running');
    await resume.focus();
    await page.keyboard.press('Enter');
    await expect
      .poll(() => page.getByRole('alert').allTextContents(), { timeout: 20_000 })
      .toContainEqual(expect.stringMatching(/one run trains at a time/));
    // Still its row's Resume (not the run's name: Resume stayed, and the person may press it again).
    await expect
      .poll(
        () =>
          page.evaluate<string>(
            `(document.activeElement?.closest('tr')?.dataset.testid === 'run-row-${otherId}' ? 'in the row: ' : '') +` +
              ` (document.activeElement?.dataset.testid ?? document.activeElement?.tagName.toLowerCase())`,
          ),
        { timeout: 10_000 },
      )
      .toBe('in the row: run-row-resume');
    await page.waitForTimeout(1000);
    expect(await focusedTestid(page)).toBe('run-row-resume');
    expect(session.pageErrors).toEqual([]);
  }, 120_000);
});
