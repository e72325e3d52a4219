// End-to-end for the Settings screen's provider choice against the built `spanfill serve`, on
// whatever machine runs it: a provider that does not load cannot be chosen (and the screen says
// why); one saved all the same by `spanfill settings` is warned of, in the CLI's words, with what
// to do; auto says what it takes here for each preset, by the runs service's rule; and WebGPU on
// a software driver says so when chosen. Screenshots go to test-results/settings-providers-*.png.
// Needs `npm run build` first.

import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessibilityViolations } from './accessibility';
import { spanfillJson } from './serve';
import { resultsDir, startSession, type E2eSession } from './session';

let session: E2eSession;
let page: Page;

beforeAll(async () => {
  session = await startSession('settings-providers');
  page = session.page;
  await page.goto(session.url);
});

afterAll(() => session?.close());

const shot = (name: string): Promise<Buffer> =>
  page.screenshot({ path: path.join(resultsDir, `settings-providers-${name}.png`) });
/** `spanfill settings provider P` in a terminal on the same data directory: its JSON answer. */
const saveInTerminal = (provider: string): { providerNote?: string } =>
  spanfillJson(session.dataDir, ['settings', 'provider', provider]);

describe('Settings › provider', () => {
  it('warns of a saved provider that does not load here, in the words of `spanfill settings`, with what to do', async () => {
    await page.getByTestId('nav-settings').click();
    await page.getByTestId('provider-cpu').waitFor();
    // DirectML is built into onnxruntime-node for Windows only; elsewhere it never loads.
    const unavailable = page.locator('[data-testid^="provider-"][data-available="false"]').first();
    if ((await unavailable.count()) === 0) return;
    const name = (await unavailable.getAttribute('data-testid'))!.slice('provider-'.length);
    await expect(unavailable.locator('input[type=radio]').isDisabled()).resolves.toBe(true);
    await expect(page.getByTestId('providers-intro').innerText()).resolves.toContain(
      'One that does not load here cannot be chosen',
    );

    const { providerNote } = saveInTerminal(name);
    // (The screen sets a `backticked` command in the reason as code.)
    const probeWords = providerNote!.split('; saved all the same')[0].replaceAll('`', '');
    const note = page.getByTestId('saved-provider-note');
    await expect.poll(() => note.textContent()).toContain(probeWords.charAt(0).toUpperCase() + probeWords.slice(1));
    await expect(note.textContent()).resolves.toContain(
      'a new run that takes the saved provider is refused here until it loads (the list above says what loads); ' +
        'choose auto or a provider that loads above, or give one run its own provider on the Train screen.',
    );
    await expect(note.getAttribute('class')).resolves.toContain('error');
    await expect(unavailable.locator('input[type=radio]').isChecked()).resolves.toBe(true);
    await note.scrollIntoViewIfNeeded();
    await shot('01-saved-unavailable');
    expect(await accessibilityViolations(page)).toEqual([]);
    // It is the saved state, not news of a save: the screen opened afresh says it too.
    await page.reload();
    await expect.poll(() => page.getByTestId('saved-provider-note').count()).toBe(1);
  });

  it('says what auto takes here for each preset, and why the CPU where it does, as `spanfill train` does', async () => {
    await page.getByTestId('nav-settings').click();
    const webgpu = page.getByTestId('provider-webgpu');
    await webgpu.waitFor();
    const isSoftware = (await webgpu.getAttribute('data-software')) === 'true';
    const isGpu = (await webgpu.getAttribute('data-available')) === 'true' && !isSoftware;
    const reason = (await webgpu.getByTestId('provider-reason').textContent()) ?? '';
    const here =
      `quick trains on cpu, standard on ${isGpu ? 'webgpu' : 'cpu'}.` +
      (isGpu ? '' : ` Provider auto takes the CPU here, not webgpu: ${reason || 'webgpu is not available here'}.`);
    await expect.poll(() => page.getByTestId('auto-here').textContent()).toBe(`Here: ${here}`);
    // (From cpu, whatever the test before left saved: auto is the default.)
    await page.getByTestId('provider-cpu').locator('input[type=radio]').check();
    await page.getByTestId('settings-notice').filter({ hasText: 'New runs will use cpu.' }).waitFor();
    await page.getByTestId('provider-choice-auto').check();
    await page
      .getByTestId('settings-notice')
      .filter({ hasText: `New runs will take their preset's provider where it runs here: ${here}` })
      .waitFor();
    await expect(page.getByTestId('saved-provider-note').count()).resolves.toBe(0);
    await shot('02-auto');
  });

  it('says, as `spanfill settings` does, that WebGPU chosen where it runs in software trains in software', async () => {
    const webgpu = page.getByTestId('provider-webgpu');
    if ((await webgpu.getAttribute('data-available')) !== 'true') return;
    const isSoftware = (await webgpu.getAttribute('data-software')) === 'true';
    await webgpu.locator('input[type=radio]').check();
    const notice = page.getByTestId('settings-notice');
    await notice.filter({ hasText: 'New runs will use webgpu.' }).waitFor();
    await expect(page.getByTestId('saved-provider-note').count()).resolves.toBe(isSoftware ? 1 : 0);
    const { providerNote } = saveInTerminal('webgpu');
    if (!isSoftware) {
      expect(providerNote).toBeUndefined();
      return;
    }
    // The CLI's note under the list (read out as it appears), but for "saved all the same", which is no news here.
    const cliNote = providerNote!.replace('saved all the same: ', '');
    await expect(page.getByTestId('saved-provider-note').innerText()).resolves.toBe(
      `${cliNote.charAt(0).toUpperCase()}${cliNote.slice(1)}.`,
    );
    await expect(page.getByTestId('saved-provider-note').locator('xpath=..').getAttribute('role')).resolves.toBe(
      'status',
    );
    expect(cliNote).toContain('a new run that takes the saved provider trains in software here');
    await notice.scrollIntoViewIfNeeded();
    await shot('03-webgpu-software');
    expect(await accessibilityViolations(page)).toEqual([]);
    // The warning's colours read in the dark theme too.
    await page.getByTestId('theme-dark').check();
    expect(await accessibilityViolations(page)).toEqual([]);
    await page.getByTestId('theme-system').check();
  });

  it('logged no errors in the page', () => {
    expect(session.pageErrors).toEqual([]);
  });
});
