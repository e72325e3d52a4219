// End-to-end, by keyboard, against the built `spanfill serve` and the local stand-in Hub
// (test/support/hub-server.ts, serving the t5-tiny-spm fixture as the Suggestion
// google-t5/t5-small): the Models screen's controls keep the focus as they are pressed. Import
// keeps it while the loaders check the folder and after; the Hub form's Download keeps it while
// it downloads (held: aria-busy) and after, its progress's Cancel hands it to what the download
// says of how it ended; a Suggestion's Download keeps it when the download fails, and, once it
// succeeds and the button gives way to "downloaded", hands it to what the download says. Save
// token keeps it as its box empties (held: nothing to save), Forget the saved token, as it
// goes, hands it to the token's box.
// Needs `npm run build` first.

import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, type TestHub } from '../support/hub-server';
import { fieldMark, markedWith, pressRefused } from './fieldError';
import { focusedTestid, isHeld, pressByKeyboard } from './keyboardFocus';
import { openScreen } from './navigate';
import { startSession, type E2eSession } from './session';

const tinySpm = path.resolve('test/fixtures/t5/t5-tiny-spm');
const served = 'google-t5/t5-small';
let hub: TestHub;
let session: E2eSession;
let page: Page;

beforeAll(async () => {
  hub = await startTestHub({ repoId: served, folder: tinySpm });
  session = await startSession('keyboard-models', { env: { HF_ENDPOINT: hub.url, HF_TOKEN: '', HF_HUB_OFFLINE: '' } });
  page = session.page;
  await page.goto(session.url);
  await openScreen(page, 'models');
});

afterAll(async () => {
  await session?.close();
  await hub?.close();
});

/** Presses a Suggestion's Download (no testid: one per repository) with Enter from its own focus. */
async function pressSuggestion(repoId: string): Promise<void> {
  const download = page.getByRole('button', { name: `Download ${repoId}` });
  await download.focus();
  await page.keyboard.press('Enter');
}

/** The accessible name of the focused element, for a control without a testid. */
const focusedName = (): Promise<string | null> =>
  page.evaluate<string | null>("document.activeElement?.getAttribute('aria-label') ?? null");

describe('the Models screen, pressed by keyboard, keeps the focus', () => {
  it('Import, refused for the folder (none, relative, missing), hands it to the folder box marked with why', async () => {
    const error = page.getByTestId('models-error');
    for (const [typed, said] of [
      ['', 'Give the path of a model folder'],
      ['relative/dir', 'relative/dir'],
      [path.join(session.dir, 'missing'), path.join(session.dir, 'missing')],
    ]) {
      await page.getByTestId('model-folder').fill(typed);
      await pressRefused(page, 'model-import');
      await error.filter({ hasText: said }).waitFor();
      await expect(focusedTestid(page)).resolves.toBe('model-folder');
      await expect(fieldMark(page, 'model-folder')).resolves.toEqual(markedWith((await error.textContent()) ?? ''));
    }
  });

  it('Import keeps it while the folder is checked and after', async () => {
    await page.getByTestId('model-folder').fill(tinySpm);
    await expect(fieldMark(page, 'model-folder')).resolves.toEqual({ invalid: 'false', description: '' });
    await pressByKeyboard(page, 'model-import');
    await page.getByTestId('models-notice').filter({ hasText: 'Imported t5-tiny-spm' }).waitFor({ timeout: 30_000 });
    await expect(focusedTestid(page)).resolves.toBe('model-import');
  });

  it("the Hub form's Download keeps it while it downloads; Cancel hands it to what the download says", async () => {
    hub.fault = { stallFileAfter: { file: 'model.safetensors', bytes: 64 * 1024 } };
    await page.getByTestId('hub-repo').fill(served);
    await pressByKeyboard(page, 'hub-download');
    await page.getByTestId('pull-progress').waitFor();
    await expect.poll(() => page.getByTestId('hub-download').getAttribute('aria-busy')).toBe('true');
    await expect(focusedTestid(page)).resolves.toBe('hub-download');
    await page.getByTestId('pull-cancel').focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('pull-error').waitFor();
    await expect.poll(() => focusedTestid(page)).toBe('pull-error');
  });

  it("a Suggestion's Download keeps it when the download fails", async () => {
    hub.fault = {};
    await pressSuggestion('google/flan-t5-small'); // not on the stand-in Hub
    await page.getByTestId('pull-error').filter({ hasText: 'google/flan-t5-small' }).waitFor({ timeout: 30_000 });
    await expect(focusedName()).resolves.toBe('Download google/flan-t5-small');
  });

  it('a Suggestion downloaded hands it to what the download says as its button goes', async () => {
    await pressSuggestion(served);
    await page.getByTestId('pull-notice').waitFor({ timeout: 30_000 });
    await expect.poll(() => page.getByRole('button', { name: `Download ${served}` }).count()).toBe(0);
    await expect.poll(() => focusedTestid(page)).toBe('pull-notice');
  });

  it('Save token keeps it as its box empties; Forget hands it to the box as it goes', async () => {
    await page.getByTestId('token-input').fill('hf_not_a_real_token');
    await pressByKeyboard(page, 'token-save');
    await page.getByTestId('models-notice').filter({ hasText: 'Saved the Hub token.' }).waitFor();
    await expect(focusedTestid(page)).resolves.toBe('token-save');
    await expect(isHeld(page, 'token-save')).resolves.toBe(true); // (nothing to save now)
    await page.getByTestId('token-forget').focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('models-notice').filter({ hasText: 'Forgot the saved Hub token.' }).waitFor();
    await expect.poll(() => focusedTestid(page)).toBe('token-input');
    expect(session.pageErrors).toEqual([]);
  });
});
