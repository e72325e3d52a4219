// End-to-end for Hub downloads on the Models screen: `spanfill serve` pointed (HF_ENDPOINT) at
// the local stand-in Hub serving the t5-tiny-spm fixture. A download that stalls shows its
// progress and is cancelled; the next one (the id still in its box after another screen
// was open) resumes and registers the model; the cache lists it and deleting it there (after a
// red confirm) unregisters it. A model pulled, then removed, in a terminal on the same data
// directory joins and leaves the open screen (and the Masking screen's tokenizer picker). A
// Suggestion's download that fails says why in view, next to it, not in the banner far above;
// the boxes' placeholders read at 4.5:1 in both themes.
// Screenshots go to test-results/.
// Needs `npm run build` first.

import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, type TestHub } from '../support/hub-server';
import { openScreen } from './navigate';
import { resultsDir, startSession, type E2eSession } from './session';

const run = promisify(execFile);
const repoId = 'tiny-org/t5-tiny-spm';
const fixture = path.resolve('test/fixtures/t5/t5-tiny-spm');
let hub: TestHub;
let session: E2eSession;
let page: Page;

beforeAll(async () => {
  hub = await startTestHub({ repoId, folder: fixture });
  session = await startSession('hub', { env: { HF_ENDPOINT: hub.url, HF_TOKEN: '', HF_HUB_OFFLINE: '' } });
  page = session.page;
});

afterAll(async () => {
  await session?.close();
  await hub?.close();
});

const shot = (name: string): Promise<Buffer> => page.screenshot({ path: path.join(resultsDir, `hub-${name}.png`) });

describe('Models screen: downloads from the Hub', () => {
  it('shows a stalled download’s progress and cancels it', async () => {
    const weights = fs.statSync(path.join(fixture, 'model.safetensors')).size;
    hub.fault = { stallFileAfter: { file: 'model.safetensors', bytes: 64 * 1024 } };
    await page.goto(session.url);
    await page.getByTestId('nav-models').click();
    // Typed with its revision, as --model takes it: the progress and cancel are the repository's.
    await page.getByTestId('hub-repo').fill(`${repoId}@main`);
    await page.getByRole('button', { name: 'Download', exact: true }).click();
    const progress = page.getByTestId('pull-progress');
    // Bytes arrive (the first 64 KiB of the weights among them), then the stand-in Hub sends nothing more.
    await progress.filter({ hasText: /[\d.]+ KiB of [\d.]+ KiB/ }).waitFor({ timeout: 30_000 });
    await expect(progress.textContent()).resolves.toMatch(new RegExp(`Downloading ${repoId}, file \\d+ of \\d+`));
    await expect(
      progress.getByRole('progressbar', { name: 'Download progress' }).getAttribute('value'),
    ).resolves.toMatch(/^\d+$/);
    await progress.evaluate((el) => el.scrollIntoView({ block: 'center' }));
    await shot('01-progress');
    await page.getByTestId('pull-cancel').click();
    // Where the progress was (the screen's banner is far above).
    await page.getByTestId('pull-error').waitFor();
    await expect(page.getByTestId('pull-error').textContent()).resolves.toBe(
      `Download of ${repoId} cancelled. What arrived is kept: downloading it again resumes from there.`,
    );
    await expect(page.getByTestId('pull-progress').count()).resolves.toBe(0);
    await page.getByTestId('models-empty').waitFor();
    expect(weights).toBeGreaterThan(64 * 1024);
  });

  it('downloads again, resuming, registers the model and lists it in the cache', async () => {
    hub.fault = {};
    // The repository id typed before is still in its box after another screen was open.
    await openScreen(page, 'datasets');
    await openScreen(page, 'models');
    await expect(page.getByTestId('hub-repo').inputValue()).resolves.toBe(`${repoId}@main`);
    await page.getByRole('button', { name: 'Download', exact: true }).click();
    await page.getByTestId('pull-notice').waitFor({ timeout: 30_000 });
    await expect(page.getByTestId('pull-notice').textContent()).resolves.toMatch(
      new RegExp(`^Downloaded ${repoId}: .* \\([\\d.]+ KiB were already here from before\\)\\.$`),
    );
    const row = page.getByTestId('model-row').filter({ hasText: repoId });
    await expect(row.textContent()).resolves.toContain(`Hub: ${repoId}@main (${hub.commit.slice(0, 7)})`);
    await expect(page.getByTestId('cache-usage').textContent()).resolves.not.toContain('Nothing downloaded yet');
    await shot('02-downloaded');
    // Removing it deletes the download, which runs trained from it need to resume: the question says so.
    await row.getByRole('button', { name: `Remove ${repoId}` }).click();
    await expect(row.getByTestId('model-remove-confirm').textContent()).resolves.toMatch(
      new RegExp(
        `^Remove ${repoId} and delete its [\\d.]+ KiB download\\? Runs trained from it keep their checkpoints and ` +
          'resume from them; one with no checkpoint yet needs the model again\\. This cannot be undone\\.',
      ),
    );
    await row.getByRole('button', { name: 'Keep' }).click();
  });

  it('deletes the repository from the cache after a red confirm, and its model with it', async () => {
    await page.getByRole('button', { name: `Delete ${repoId} from the cache` }).click();
    const confirm = page.getByRole('group', { name: `Confirm deleting ${repoId}` });
    await expect(confirm.textContent()).resolves.toContain(`Delete ${repoId} (`);
    await confirm.evaluate((el) => el.scrollIntoView({ block: 'center' }));
    await shot('03-delete-confirm');
    await confirm.getByRole('button', { name: 'Yes, delete' }).click();
    const notice = page.getByTestId('models-notice').filter({ hasText: `Deleted ${repoId} from the download cache` });
    await notice.waitFor();
    await expect(notice.textContent()).resolves.toMatch(
      new RegExp(
        `^Deleted ${repoId} from the download cache \\([\\d.]+ KiB freed\\) and unregistered its model "${repoId}"\\.$`,
      ),
    );
    await page.getByTestId('models-empty').waitFor();
    await expect(page.getByTestId('cache-usage').textContent()).resolves.toContain('Nothing downloaded yet');
  });

  it('lists a model pulled in a terminal while the screen is open, its download too, and drops it from there and the Masking picker when removed there', async () => {
    // (Asynchronously: the stand-in Hub answers from this very process.)
    const env = { ...process.env, HF_ENDPOINT: hub.url, HF_TOKEN: '', HF_HUB_OFFLINE: '' };
    const cli = async <T>(args: string[]): Promise<T> => {
      const command = ['bin/spanfill.mjs', ...args, '--data-dir', session.dataDir, '--json'];
      return JSON.parse((await run(process.execPath, command, { encoding: 'utf8', env })).stdout) as T;
    };
    const pulled = (await cli<{ model: { id: string; name: string } }>(['models', 'pull', repoId])).model;
    const row = page.getByTestId('model-row').filter({ hasText: pulled.name });
    await row.waitFor({ timeout: 10_000 });
    // The download cache, emptied by the test before, lists it too.
    await page.getByRole('button', { name: `Delete ${repoId} from the cache` }).waitFor();
    await expect(page.getByTestId('cache-usage').textContent()).resolves.not.toContain('Nothing downloaded yet');
    // Removed there while picked in the Masking screen's tokenizer picker: it leaves the picker,
    // which goes blank and says why (Preview waits for another), then the Models screen.
    await openScreen(page, 'masking');
    const picker = page.getByTestId('mask-model-choice');
    const option = picker.locator(`option[value="${pulled.id}"]`);
    await option.waitFor({ state: 'attached' });
    await picker.selectOption(pulled.id);
    await cli(['models', 'rm', pulled.id]);
    await option.waitFor({ state: 'detached', timeout: 10_000 });
    await expect(picker.inputValue()).resolves.toBe('');
    const removed = page.getByTestId('mask-model-removed');
    await expect(removed.textContent()).resolves.toBe(`Model ${pulled.name} was removed: pick another tokenizer.`);
    await expect(page.getByTestId('mask-preview').isDisabled()).resolves.toBe(true);
    await expect(page.getByTestId('mask-missing').textContent()).resolves.toBe(
      'Pick a tokenizer, or type the path of a model folder.',
    );
    await page.screenshot({ path: path.join(resultsDir, 'hub-masking-model-removed.png') });
    await picker.selectOption('bytes');
    await removed.waitFor({ state: 'detached' });
    await expect(page.getByTestId('mask-preview').isEnabled()).resolves.toBe(true);
    await openScreen(page, 'models');
    await expect.poll(() => row.count()).toBe(0);
    await page.getByTestId('models-empty').waitFor();
  });

  it("says why a Suggestion's download failed where it was pressed, in view", async () => {
    // The stand-in Hub has only tiny-org/t5-tiny-spm: the suggestions are not there.
    const suggestion = page.getByRole('button', { name: 'Download google/mt5-small' });
    await suggestion.scrollIntoViewIfNeeded();
    await page.locator('main').evaluate((el) => {
      const box = el as { scrollTop: number; scrollHeight: number };
      box.scrollTop = box.scrollHeight;
    });
    await suggestion.click();
    const error = page.getByTestId('pull-error');
    await error.waitFor({ timeout: 30_000 });
    await expect(error.textContent()).resolves.toMatch(/google\/mt5-small/);
    await expect(page.getByTestId('models-error').count()).resolves.toBe(0);
    // (It was only in the banner at the top of the screen, out of view.)
    const inView = await error.evaluate((el) => {
      const box = (el as { getBoundingClientRect: () => { top: number; bottom: number } }).getBoundingClientRect();
      return box.top >= 0 && box.bottom <= (globalThis as unknown as { innerHeight: number }).innerHeight;
    });
    expect(inView).toBe(true);
    await shot('04-suggestion-failed');
  });

  it("draws the boxes' placeholders at 4.5:1 or more against their boxes, in both themes", async () => {
    // NOTE: an expression string: this file is type-checked without DOM types.
    const contrast = `(() => {
      const input = document.querySelector('main input[placeholder="main"]');
      const rgba = (css) => { const [r, g, b, a = 1] = css.match(/[\\d.]+/g).map(Number); return { r, g, b, a }; };
      const back = rgba(getComputedStyle(input).backgroundColor);
      const front = rgba(getComputedStyle(input, '::placeholder').color);
      const mix = (k) => front[k] * front.a + back[k] * (1 - front.a);
      const linear = (v) => ((v /= 255) <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
      const luminance = (c) => 0.2126 * linear(c[0]) + 0.7152 * linear(c[1]) + 0.0722 * linear(c[2]);
      const [x, y] = [luminance(['r', 'g', 'b'].map(mix)), luminance([back.r, back.g, back.b])];
      return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05);
    })()`;
    try {
      // (Chromium's own grey: 4.30 in light, 3.97 in dark.)
      for (const colorScheme of ['light', 'dark'] as const) {
        await page.emulateMedia({ colorScheme });
        expect(await page.evaluate<number>(contrast), colorScheme).toBeGreaterThanOrEqual(4.5);
      }
    } finally {
      await page.emulateMedia({ colorScheme: 'light' });
    }
  });

  it('says a download cancelled while the Hub was still being contacted brought nothing', async () => {
    hub.fault = { holdRepoInfo: true };
    try {
      await openScreen(page, 'models');
      await page.getByTestId('hub-repo').fill(repoId);
      await page.getByRole('button', { name: 'Download', exact: true }).click();
      await page.getByTestId('pull-progress').waitFor();
      await page.getByTestId('pull-cancel').click();
      await page.getByTestId('pull-error').waitFor();
      // Not "what arrived is kept … resumes": nothing had.
      await expect(page.getByTestId('pull-error').textContent()).resolves.toBe(
        `Download of ${repoId} cancelled while the Hub was being contacted; nothing was downloaded.`,
      );
    } finally {
      hub.fault = {};
    }
  });
});
