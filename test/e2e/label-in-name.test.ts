// End-to-end: a control's accessible name holds the words it shows (WCAG 2.5.3, axe's
// label-content-name-mismatch), so a speech user saying what they read reaches it. The run view's
// "Start again from step 0", offered when Resume finds no checkpoint that reads (here the
// weights cut short by hand), was named "Start <run> again from step 0", which does not hold
// its words. Needs `npm run build` first.

import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessibilityViolations } from './accessibility';
import { shortRunFlags } from './lossRuns';
import { importNotes } from './notes';
import { startSession, type E2eSession } from './session';
import { stoppedRun } from './terminalRun';

let session: E2eSession;

beforeAll(async () => {
  session = await startSession('label-in-name');
}, 60_000);

afterAll(() => session?.close());

describe("a control's name holds its visible words", () => {
  it('in the run view, "Start again from step 0" offered when no checkpoint reads', async () => {
    const { page } = session;
    const datasetId = importNotes(session, { docs: 30, words: 40, stride: 5 });
    const flags = [...shortRunFlags(datasetId), '--max-steps', '100000', '--checkpoint-every', '2'];
    const runId = await stoppedRun(session.dataDir, 'cut short', flags, 4);
    const folder = path.join(session.dataDir, 'runs', runId, 'checkpoints');
    for (const step of fs.readdirSync(folder)) {
      const weights = path.join(folder, step, 'model.safetensors');
      fs.truncateSync(weights, fs.statSync(weights).size - 2);
    }
    await page.goto(`${session.url}#/train/${runId}`);
    await page.getByTestId('run-resume').click();
    const trigger = page.getByTestId('run-start-again-trigger');
    await trigger.waitFor();

    const shown = (await trigger.textContent())?.trim() ?? '';
    expect(shown).toBe('Start again from step 0');
    await expect(trigger.getAttribute('aria-label')).resolves.toMatch(new RegExp(`^${shown}\\b.*cut short`));
    expect(await accessibilityViolations(page)).toEqual([]);
    expect(session.pageErrors).toEqual([]);
  }, 180_000);
});
