// End-to-end against the built `spanfill serve`: two copies of the t5-tiny-spm fixture imported
// in a terminal, one of them damaged there since (its weights cut short). The Models screen says
// so under its name, in words, with what mends it; the Train screen's base model offers it but
// it cannot be picked, saying why; the Playground cannot tick it and says why. The whole copy
// is offered as before.
// Needs `npm run build` first.

import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessibilityViolations } from './accessibility';
import { openScreen, openTrainForm } from './navigate';
import { resultsDir, startSession, type E2eSession } from './session';

const fixture = path.resolve('test/fixtures/t5/t5-tiny-spm');
let session: E2eSession;
let page: Page;
const ids: Record<'whole' | 'cut', string> = { whole: '', cut: '' };

beforeAll(async () => {
  session = await startSession('models-damaged');
  page = session.page;
  for (const name of ['whole', 'cut'] as const) {
    const folder = path.join(session.dir, name);
    fs.cpSync(fixture, folder, { recursive: true });
    const args = [
      'bin/spanfill.mjs',
      'models',
      'import',
      folder,
      '--name',
      name,
      '--json',
      '--data-dir',
      session.dataDir,
    ];
    const { stdout } = await promisify(execFile)(process.execPath, args);
    ids[name] = (JSON.parse(stdout) as { model: { id: string } }).model.id;
  }
  const weights = path.join(session.dir, 'cut', 'model.safetensors');
  fs.truncateSync(weights, fs.statSync(weights).size - 1000);
  await page.goto(session.url);
});

afterAll(() => session?.close());

describe('a model whose folder is damaged', () => {
  it('says so on the Models screen, in words, with what mends it', async () => {
    await openScreen(page, 'models');
    const cut = page.getByTestId('model-row').filter({ hasText: 'cut' });
    const problem = cut.getByTestId('model-problem');
    await problem.waitFor();
    await expect(problem.getAttribute('role')).resolves.toBe('note');
    const text = (await problem.textContent()) ?? '';
    expect(text).toMatch(/^Damaged: filling or training with it fails\. /);
    expect(text).toContain('the file is truncated or corrupt');
    expect(text).toContain(`Mend or replace the files in ${path.join(session.dir, 'cut')}`);
    expect(text).toContain(`spanfill models rm ${ids.cut}`);
    const whole = page.getByTestId('model-row').filter({ hasText: 'whole' });
    await expect(whole.getByTestId('model-problem').count()).resolves.toBe(0);
    await page.screenshot({ path: path.join(resultsDir, 'models-damaged.png') });
    expect(await accessibilityViolations(page)).toEqual([]);
  });

  it("is offered by the Train screen's base model but cannot be picked, saying why", async () => {
    await openTrainForm(page);
    const select = page.getByTestId('train-model');
    const cut = select.locator(`option[value="${ids.cut}"]`);
    await cut.waitFor({ state: 'attached' });
    await expect(cut.isDisabled()).resolves.toBe(true);
    await expect(cut.textContent()).resolves.toMatch(
      /^cut \(t5, base\) — damaged: the Models screen says what mends it$/,
    );
    await expect(select.locator(`option[value="${ids.whole}"]`).isDisabled()).resolves.toBe(false);
  });

  it('cannot be ticked in the Playground, which says why', async () => {
    await openScreen(page, 'playground');
    const picker = page.getByTestId('model-picker');
    const cut = picker.getByRole('checkbox', { name: /^cut / });
    await cut.waitFor();
    await expect(cut.isDisabled()).resolves.toBe(true);
    const note = picker.getByTestId('picker-model-damaged');
    await expect(note.textContent()).resolves.toMatch(
      /^Damaged: filling with it fails; the\s+Models\s+screen says what mends it\.$/,
    );
    await expect(cut.getAttribute('aria-describedby')).resolves.toBe(await note.getAttribute('id'));
    await expect(picker.getByRole('checkbox', { name: /^whole / }).isEnabled()).resolves.toBe(true);
    expect(await accessibilityViolations(page)).toEqual([]);
  });
});
