// End-to-end for checkpoints that cannot be used, against the built `spanfill serve`: a completed
// run written into the store (storedRuns.ts) with four checkpoint folders that read by their
// headers (nothing here loads weights), then step 10's folder deleted by hand and the model file
// of step 20, its best, cut short. The Playground's best tick says the best cannot be used and
// why, and the first visit opens the last instead; its checkpoint selector lists both disabled,
// saying why, and starts at the newest that can be used; the run selector counts them. The run's Export panel offers them disabled with why,
// best by the checkpoint it stands for, says so under the select while best is chosen and holds
// Export until another is. The Playground's ticks and the Train form's base model offer them
// disabled with why. Screenshots go to test-results/unusable-*.png. Needs `npm run build` first.

import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkpointDirName } from '../../src/main/engine/train/checkpoint';
import { fakeCheckpoint } from '../main/services/runs-support';
import { accessibilityViolations } from './accessibility';
import { screenshotFailures } from './failureShot';
import { openScreen, openTrainForm } from './navigate';
import { firstVisitColumns } from './playgroundPage';
import { resultsDir, startSession, type E2eSession } from './session';
import { addStoredRun, openStoreForRuns } from './storedRuns';

let session: E2eSession;
let page: Page;
const RUN = 'r-hurt';
const TRUNCATED = /model\.safetensors is truncated \(\d+ of \d+ bytes\)/;

beforeAll(async () => {
  session = await startSession('unusable');
  page = session.page;
  const { store, repo } = openStoreForRuns(session.dataDir);
  try {
    addStoredRun(repo, { id: RUN, name: 'hurt', status: 'completed', totalSteps: 40 });
    for (const step of [10, 20, 30, 40]) {
      const relative = path.join('runs', RUN, 'checkpoints', checkpointDirName(step));
      fakeCheckpoint(path.join(session.dataDir, relative), step, null);
      repo.addCheckpoint(RUN, { step, path: relative, eval: { loss: 5 - step / 20 }, isBest: step === 20 }, []);
    }
  } finally {
    store.close();
  }
  const folder = (step: number) => path.join(session.dataDir, 'runs', RUN, 'checkpoints', checkpointDirName(step));
  fs.rmSync(folder(10), { recursive: true }); // deleted by hand
  const model = path.join(folder(20), 'model.safetensors');
  fs.truncateSync(model, fs.statSync(model).size - 2); // the best's weights cut short
}, 60_000);

afterAll(() => session?.close());

const shot = (name: string) => page.screenshot({ path: path.join(resultsDir, `unusable-${name}.png`) });
screenshotFailures('unusable-checkpoints', () => page);

describe('checkpoints that cannot be used', () => {
  it('are marked in the Playground with why, and not offered for choosing', async () => {
    await page.goto(session.url);
    await openScreen(page, 'playground');
    const picker = page.getByTestId('model-picker');
    // The best tick says it cannot be used, and why; the last (40) is as ever.
    const best = picker.locator('label', { hasText: 'run hurt · step 20 (best)' });
    await best.waitFor();
    await expect(best.textContent()).resolves.toMatch(new RegExp(`cannot be used: ${TRUNCATED.source}`));
    await expect(picker.locator('label', { hasText: 'run hurt · step 40 (last)' }).textContent()).resolves.toContain(
      'checkpoint, eval loss',
    );
    // The first visit opens the newest run's best beside its base, or its last when the best cannot be used.
    const tick = (role: string) =>
      picker.getByRole('checkbox', { name: new RegExp(`run hurt · step \\d+ \\(${role}\\)`) });
    await firstVisitColumns(page);
    await expect(tick('last').isChecked()).resolves.toBe(true);
    await expect(tick('best').isChecked()).resolves.toBe(false);
    // The best cannot be ticked, and its tick is described by why.
    await expect(tick('best').isDisabled()).resolves.toBe(true);
    await expect(tick('last').isDisabled()).resolves.toBe(false);
    const why = await tick('best').getAttribute('aria-describedby');
    expect(why).not.toBeNull();
    await expect(page.locator(`[id="${why}"]`).textContent()).resolves.toMatch(
      new RegExp(`^cannot be used: ${TRUNCATED.source}$`),
    );
    await expect(tick('last').getAttribute('aria-describedby')).resolves.toBeNull();

    await expect(page.getByTestId('pick-run').locator('option').allTextContents()).resolves.toEqual([
      'hurt · 4 checkpoints (2 cannot be used)',
    ]);
    const steps = page.getByTestId('pick-step');
    const options = steps.locator('option');
    const texts = await options.allTextContents();
    expect(texts).toHaveLength(4);
    expect(texts[0]).toMatch(/^step 10 · .* · cannot be used: its folder was deleted outside Spanfill$/);
    expect(texts[1]).toMatch(new RegExp(`^step 20 · .* · best · cannot be used: ${TRUNCATED.source}$`));
    expect(texts[2]).not.toContain('cannot be used');
    expect(texts[3]).toMatch(/^step 40 · .* · last$/);
    const disabled = await Promise.all([0, 1, 2, 3].map((i) => options.nth(i).isDisabled()));
    expect(disabled).toEqual([true, true, false, false]);
    // Assistive technology hears them as unavailable, with their text.
    await expect(page.getByRole('option', { name: /^step 10 ·/, disabled: true }).count()).resolves.toBe(1);
    // It starts at the newest that can be used, and the keyboard passes over the others.
    await expect(steps.inputValue()).resolves.toBe(await options.nth(3).getAttribute('value'));
    await steps.focus();
    await page.keyboard.press('Home');
    await expect(steps.inputValue()).resolves.toBe(await options.nth(2).getAttribute('value'));
    await shot('playground');
    await expect(accessibilityViolations(page)).resolves.toEqual([]);
    expect(session.pageErrors).toEqual([]);
  }, 60_000);

  it("are offered disabled with why in the run's Export panel, and a best that cannot be used holds Export", async () => {
    await page.goto(`${session.url}#/train/${RUN}`);
    await page.getByTestId('run-view').waitFor();
    const select = page.getByTestId('export-checkpoint');
    await select.scrollIntoViewIfNeeded();
    const options = select.locator('option');
    const texts = await options.allTextContents();
    expect(texts).toHaveLength(6);
    expect(texts[0]).toMatch(
      new RegExp(`^best by validation loss \\(else the last\\) · step 20 cannot be used: ${TRUNCATED.source}$`),
    );
    expect(texts.slice(1)).toEqual([
      'the last (step 40)',
      'step 10 · cannot be used: its folder was deleted outside Spanfill',
      expect.stringMatching(new RegExp(`^step 20 · cannot be used: ${TRUNCATED.source}$`)),
      'step 30',
      'step 40',
    ]);
    const disabled = await Promise.all(texts.map((_, i) => options.nth(i).isDisabled()));
    expect(disabled).toEqual([true, false, true, true, false, false]);

    // best is the default choice: said under the select (and described by it), and Export waits.
    await expect(select.inputValue()).resolves.toBe('best');
    const note = page.getByTestId('export-checkpoint-unusable');
    await expect(note.textContent()).resolves.toMatch(
      new RegExp(`^The best checkpoint \\(step 20\\) cannot be used: ${TRUNCATED.source}\\. Choose another\\.$`),
    );
    await expect(select.getAttribute('aria-describedby')).resolves.toBe('export-checkpoint-unusable');
    const exportButton = page.getByTestId('export-start');
    await expect(exportButton.getAttribute('aria-disabled')).resolves.toBe('true');
    await shot('export');
    await expect(accessibilityViolations(page)).resolves.toEqual([]);

    await select.selectOption('last');
    await expect(note.count()).resolves.toBe(0);
    // Export also waits for its suggested folder (from system.info, seconds under load).
    await expect.poll(() => exportButton.getAttribute('aria-disabled'), { timeout: 30_000 }).toBeNull();
    expect(session.pageErrors).toEqual([]);
  }, 60_000);

  it("are offered disabled with why as a new run's base model", async () => {
    await page.goto(session.url);
    await openTrainForm(page);
    const options = page
      .getByTestId('train-model')
      .locator(`optgroup[label="Continue from a run's checkpoint"] option`);
    await options.first().waitFor({ state: 'attached' });
    const texts = await options.allTextContents();
    expect(texts).toHaveLength(2);
    expect(texts[0]).toMatch(new RegExp(`^run hurt · step 20 \\(best\\) — cannot be used: ${TRUNCATED.source}$`));
    expect(texts[1]).toBe('run hurt · step 40 (last)');
    await expect(Promise.all([0, 1].map((i) => options.nth(i).isDisabled()))).resolves.toEqual([true, false]);
    await shot('train');
    await expect(accessibilityViolations(page)).resolves.toEqual([]);
    expect(session.pageErrors).toEqual([]);
  }, 60_000);
});
