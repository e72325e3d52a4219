// End-to-end against the built `spanfill serve`: a box whose error is said in place is named by
// its label only and described by the error, and marked invalid (the error sat inside the
// <label>, so it joined the box's name: "New name for notes.txt A name cannot be empty." with no
// description). The Datasets table's rename box (components/RenameForm, as Runs' is) emptied, and
// the Masking screen's tokenizer picker (components/TokenizerField, as the Datasets detail's is)
// whose picked model is removed in a terminal. Needs `npm run build` first.

import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axField } from './axField';
import { screenshotFailures } from './failureShot';
import { openScreen } from './navigate';
import { importNotes } from './notes';
import { spanfillJson } from './serve';
import { resultsDir, startSession, type E2eSession } from './session';

let session: E2eSession;
let page: Page;

beforeAll(async () => {
  session = await startSession('field-names');
  page = session.page;
  importNotes(session);
  await page.goto(session.url);
}, 120_000);

afterAll(() => session?.close());

screenshotFailures('field-names', () => page);

describe('a box with an error said in place', () => {
  it("is the Datasets rename box emptied: named 'New name for …', described by the rule, invalid", async () => {
    await openScreen(page, 'datasets');
    await page.getByRole('button', { name: 'Rename notes.txt' }).click();
    const box = page.getByTestId('rename-input');
    await box.fill('  ');
    await page.getByTestId('rename-empty').waitFor();
    await page.screenshot({ path: path.join(resultsDir, 'field-names-rename-empty.png') });
    await expect(axField(page, '[data-testid="rename-input"]')).resolves.toEqual({
      role: 'textbox',
      name: 'New name for notes.txt',
      description: 'A name cannot be empty.',
      invalid: 'true',
    });
    await box.fill('notes again');
    await expect(axField(page, '[data-testid="rename-input"]')).resolves.toMatchObject({
      name: 'New name for notes.txt',
      description: '',
      invalid: 'false',
    });
    await page.keyboard.press('Escape');
    await box.waitFor({ state: 'detached' });
  });

  it('is the Masking tokenizer picker whose model was removed: named Tokenizer, described by why, invalid', async () => {
    // Imported through this server (the Models screen), as a person would before picking it.
    await openScreen(page, 'models');
    await page.getByTestId('model-folder').fill(path.resolve('test/fixtures/t5/t5-tiny-spm'));
    await page.getByTestId('model-import').click();
    await page.getByTestId('models-notice').waitFor();
    const { models } = spanfillJson<{ models: { id: string; name: string }[] }>(session.dataDir, ['models', 'list']);
    expect(models).toHaveLength(1);
    const [model] = models;
    await openScreen(page, 'masking');
    const picker = page.getByTestId('mask-model-choice');
    const option = picker.locator(`option[value="${model.id}"]`);
    await option.waitFor({ state: 'attached', timeout: 10_000 });
    await picker.selectOption(model.id);
    await expect(axField(page, '[data-testid="mask-model-choice"]')).resolves.toMatchObject({
      name: 'Tokenizer',
      description: '',
      invalid: 'false',
    });
    spanfillJson(session.dataDir, ['models', 'rm', model.id]);
    await page.getByTestId('mask-model-removed').waitFor({ timeout: 10_000 });
    await page.screenshot({ path: path.join(resultsDir, 'field-names-tokenizer-removed.png') });
    await expect(axField(page, '[data-testid="mask-model-choice"]')).resolves.toEqual({
      role: 'combobox',
      name: 'Tokenizer',
      description: `Model ${model.name} was removed: pick another tokenizer.`,
      invalid: 'true',
    });
    expect(session.pageErrors).toEqual([]);
  });
});
