// End-to-end, by keyboard, against the built `spanfill serve`: a run's controls keep the focus
// as they are pressed. Pause, then Resume, then Stop each keep it while their call is out and
// hand it to the control that takes their place (Pause to Resume, Resume to Pause); Export keeps
// it, when refused at once and when done, and has it back after "Yes, replace" over an earlier
// export, while that runs and after (not the Export heading); the Playground's "Add as a column" keeps it as it
// is held once the checkpoint is a column (aria-disabled, said beside it; a press adds nothing). At 200 % zoom (a window
// of 640 × 360 CSS pixels) the checkpoints table scrolls sideways in a box the keyboard reaches.
// The run is trained from a terminal (`spanfill train`), then by serve once resumed.
// Needs `npm run build` first.

import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessibilityViolations } from './accessibility';
import { fieldMark, markedWith, pressRefused } from './fieldError';
import { focusedTestid, isHeld, pressByKeyboard } from './keyboardFocus';
import { shortRunFlags } from './lossRuns';
import { openScreen } from './navigate';
import { importNotes } from './notes';
import { firstVisitColumns } from './playgroundPage';
import { startSession, type E2eSession } from './session';
import { startTerminalRun, type TerminalRun } from './terminalRun';
import { runViewStatus } from './trainPage';

let session: E2eSession;
let page: Page;
let datasetId: string;
let terminal: TerminalRun | undefined;

beforeAll(async () => {
  session = await startSession('keyboard-runs');
  page = session.page;
  datasetId = importNotes(session);
});

afterAll(async () => {
  terminal?.kill();
  await session?.close();
});

/**
 * Presses `testid` with Enter: it keeps the focus while its call is out (or has already given it
 * to `next`), the run comes to `status`, and `next` has the focus and, once the call is done, takes
 * presses. (The status can change before the call's reply and reloads are in: until then `next`
 * is held, as a person sees it, and a press on it does nothing.)
 */
async function pressUntil(testid: string, status: string, next: string): Promise<void> {
  await page.getByTestId(testid).focus();
  await page.keyboard.press('Enter');
  expect([testid, next]).toContain(await focusedTestid(page));
  await expect.poll(() => runViewStatus(page), { timeout: 60_000 }).toBe(status);
  await expect.poll(() => focusedTestid(page)).toBe(next);
  await expect.poll(() => isHeld(page, next), { timeout: 30_000 }).toBe(false);
}

describe("a run's controls, pressed by keyboard, keep the focus", () => {
  it('Pause hands it to Resume, Resume to Pause, Stop to Resume', async () => {
    const flags = [
      ...shortRunFlags(datasetId),
      '--max-steps',
      '1000000',
      '--eval-every',
      '2',
      '--checkpoint-every',
      '4',
    ];
    // Paused from the view, its terminal is done with it: serve trains it once resumed. Past step
    // 8 it has kept two checkpoints (4 and 8), so one is not the best ("Add as a column" below).
    terminal = await startTerminalRun(session.dataDir, 'pressed by keyboard', flags, 8);
    await page.goto(`${session.url}#/train/${terminal.id}`);
    await expect.poll(() => runViewStatus(page), { timeout: 30_000 }).toBe('running');
    await pressUntil('run-pause', 'paused', 'run-resume');
    await pressUntil('run-resume', 'running', 'run-pause');
    await pressUntil('run-stop', 'stopped', 'run-resume');
    expect(session.pageErrors).toEqual([]);
  }, 180_000);

  it('at 200 % zoom the checkpoints scroll sideways in a box the keyboard reaches', async () => {
    await page.setViewportSize({ width: 640, height: 360 });
    try {
      const box = page.getByTestId('run-checkpoints-scroll');
      await box.scrollIntoViewIfNeeded();
      const violations = await accessibilityViolations(page);
      expect(violations.filter((line) => line.startsWith('scrollable-region-focusable'))).toEqual([]);
      await expect.poll(() => page.getByRole('region', { name: 'Checkpoints' }).count()).toBe(1);
      await expect(box.getAttribute('tabindex')).resolves.toBe('0');
      await box.focus();
      await page.keyboard.press('ArrowRight');
      await expect.poll(() => box.evaluate((element) => element.scrollLeft)).toBeGreaterThan(0);
    } finally {
      await page.setViewportSize({ width: 1280, height: 800 });
    }
    // As wide as its table again: no tab stop of its own, once the focus has gone elsewhere.
    await page.getByTestId('run-title').focus();
    await expect.poll(() => page.getByTestId('run-checkpoints-scroll').getAttribute('tabindex')).toBeNull();
  });

  it('Export, refused for its folder, hands it to the folder box marked with why; keeps it when done', async () => {
    const out = page.getByTestId('export-out');
    await out.fill('relative/folder');
    await pressRefused(page, 'export-start');
    const error = page.getByTestId('export-error');
    await error.waitFor();
    await expect(error.textContent()).resolves.toContain('relative/folder is not a full path');
    await expect(focusedTestid(page)).resolves.toBe('export-out');
    await expect(fieldMark(page, 'export-out')).resolves.toEqual(markedWith((await error.textContent()) ?? ''));
    expect(await accessibilityViolations(page)).toEqual([]);
    await out.fill(path.join(session.dir, 'exported'));
    await expect(fieldMark(page, 'export-out')).resolves.toEqual({ invalid: 'false', description: '' });
    await pressByKeyboard(page, 'export-start');
    await page.getByTestId('export-done').waitFor({ timeout: 60_000 });
    await expect(focusedTestid(page)).resolves.toBe('export-start');
  }, 90_000);

  it('"Yes, replace" over an earlier export hands it back to Export, which keeps it until done', async () => {
    await pressByKeyboard(page, 'export-start'); // the same folder again: it holds that export
    const taken = page.getByTestId('export-taken');
    await taken.waitFor();
    await taken.locator('[data-confirm-trigger]').focus();
    await page.keyboard.press('Enter');
    const yes = page.getByRole('button', { name: 'Yes, replace' });
    await yes.focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => focusedTestid(page)).toBe('export-start');
    await page.getByTestId('export-done').waitFor({ timeout: 60_000 });
    await expect(focusedTestid(page)).resolves.toBe('export-start');
    expect(session.pageErrors).toEqual([]);
  }, 90_000);

  it('"Add as a column" keeps it as it is held (a column already), and a press then adds nothing', async () => {
    await openScreen(page, 'playground');
    const add = page.getByTestId('pick-step-add');
    await add.waitFor();
    // The first visit opens the run's best checkpoint beside its base model: once it has, a
    // checkpoint not the best is no column yet (which is best turns on the losses the run had).
    const columns = await firstVisitColumns(page);
    await expect(columns.nth(1).textContent()).resolves.toMatch(/run pressed by keyboard · step \d+ \(best/);
    const steps = page.getByTestId('pick-step');
    const notBest = steps.locator('option').filter({ hasNotText: 'best' }).first();
    await steps.selectOption((await notBest.getAttribute('value')) ?? '');
    await expect(isHeld(page, 'pick-step-add')).resolves.toBe(false);
    const before = await columns.count();
    await pressByKeyboard(page, 'pick-step-add');
    await page.getByTestId('pick-step-added').waitFor();
    await expect(focusedTestid(page)).resolves.toBe('pick-step-add');
    await expect(isHeld(page, 'pick-step-add')).resolves.toBe(true);
    await expect.poll(() => columns.count()).toBe(before + 1);
    await page.keyboard.press('Enter');
    await page.waitForTimeout(300);
    await expect(columns.count()).resolves.toBe(before + 1);
    expect(session.pageErrors).toEqual([]);
  });
});
