// End-to-end for the Settings screen against the built `spanfill serve` at 1280×800: the
// execution providers with their reasons, the provider and CPU threads kept in the store, which
// the Train form then starts from; and both following what `spanfill settings` saves in a
// terminal on the same data directory while they are open (a box typed into and not saved
// keeps what was typed); a note under CPU threads, there and on the Train form, when the number
// is over the machine's, and under the box on Settings what is wrong with a number it will not
// save (never that note for it); saved settings it cannot read, said on top until a save replaces them.
// Screenshots go to test-results/settings-*.png. Needs `npm run build` first.

import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/main/store/db';
import { accessibilityViolations } from './accessibility';
import { spanfillJson } from './serve';
import { resultsDir, startSession, type E2eSession } from './session';

let session: E2eSession;
let page: Page;
let dataDir: string;

beforeAll(async () => {
  session = await startSession('settings');
  ({ page, dataDir } = session);
  await page.goto(session.url);
});

afterAll(() => session?.close());

const shot = (name: string): Promise<Buffer> =>
  page.screenshot({ path: path.join(resultsDir, `settings-${name}.png`) });
/** `spanfill settings WORDS` in a terminal on the same data directory. */
const saveInTerminal = (...words: string[]): unknown => spanfillJson(dataDir, ['settings', ...words]);

describe('Settings', () => {
  it('Settings shows the providers with their reasons, keeps the provider and CPU threads in the store, and Train starts from them', async () => {
    await page.getByTestId('nav-settings').click();
    // Probing again is no primary action of the panel: a secondary button.
    await expect(page.getByTestId('probe-again').getAttribute('class')).resolves.toContain('secondary');
    const cpu = page.getByTestId('provider-cpu');
    await expect(cpu.getAttribute('data-available')).resolves.toBe('true');
    const unavailable = page.locator('[data-testid^="provider-"][data-available="false"]');
    for (let i = 0; i < (await unavailable.count()); i++) {
      await expect(unavailable.nth(i).locator('input[type=radio]').isDisabled()).resolves.toBe(true);
      expect((await unavailable.nth(i).getByTestId('provider-reason').textContent())?.length).toBeGreaterThan(10);
    }
    // Under auto (the default) the standard preset takes WebGPU only where it runs on a GPU: on a
    // software driver (no GPU found: this machine's lavapipe) or none, the CPU, and the note says why.
    const webgpu = page.getByTestId('provider-webgpu');
    const isSoftware = (await webgpu.getAttribute('data-software')) === 'true';
    const isGpu = (await webgpu.getAttribute('data-available')) === 'true' && !isSoftware;
    if (isSoftware) await expect(webgpu.locator('.badge').textContent()).resolves.toBe('software (CPU)');
    await page.getByTestId('nav-train').click();
    await page.getByTestId('train-preset-standard').check();
    await expect.poll(() => page.getByTestId('train-provider').inputValue()).toBe(isGpu ? 'webgpu' : 'cpu');
    await expect(page.getByTestId('train-machine-note').textContent()).resolves.toMatch(
      isGpu ? /^(?![\s\S]*takes the CPU here)/ : /Provider auto takes the CPU here, not webgpu: /,
    );
    // WebGPU picked by hand where it runs in software: said beside the box.
    await page.getByTestId('train-provider').selectOption('webgpu');
    await expect.poll(() => page.getByTestId('train-provider-software').count()).toBe(isSoftware ? 1 : 0);
    if (isSoftware)
      await expect(page.getByTestId('train-provider-software').textContent()).resolves.toBe(
        'No GPU found: it runs here in software, slower than CPU',
      );
    await page.getByTestId('nav-settings').click();
    await cpu.locator('input[type=radio]').check();
    await page.getByTestId('settings-notice').filter({ hasText: 'New runs will use cpu.' }).waitFor();
    // An empty box is refused in place (the browser's check on a required box), not saved as 0.
    await page.getByTestId('threads-input').fill('');
    await page.getByTestId('threads-save').click();
    const threadsBox = page.getByTestId('threads-input');
    const isMissing = (el: unknown): boolean => (el as { validity: { valueMissing: boolean } }).validity.valueMissing;
    await expect(threadsBox.evaluate(isMissing)).resolves.toBe(true);
    await expect(page.getByTestId('settings-notice').textContent()).resolves.toContain('New runs will use cpu.');
    await page.getByTestId('threads-input').fill('1');
    await page.getByTestId('threads-save').click();
    await page.getByTestId('settings-notice').filter({ hasText: 'onnxruntime will use 1 CPU thread.' }).waitFor();
    await page.getByTestId('threads-input').fill('2');
    await page.getByTestId('threads-save').click();
    await page.getByTestId('settings-notice').filter({ hasText: 'onnxruntime will use 2 CPU threads.' }).waitFor();
    await shot('01-saved');
    expect(await accessibilityViolations(page)).toEqual([]);
    // Kept by the server, not the page: a reload reads them back.
    await page.reload();
    await page.getByTestId('provider-cpu').waitFor();
    await expect.poll(() => page.getByTestId('threads-input').inputValue()).toBe('2');
    await expect(page.getByTestId('provider-cpu').locator('input[type=radio]').isChecked()).resolves.toBe(true);

    // A new run starts from them: the Train form's boxes, and the saved cpu over the standard preset's webgpu.
    await page.getByTestId('nav-train').click();
    await expect.poll(() => page.getByTestId('train-threads').inputValue()).toBe('2');
    await expect(page.getByTestId('train-provider').inputValue()).resolves.toBe('cpu');
    await page.getByTestId('train-preset-standard').check();
    await expect(page.getByTestId('train-provider').inputValue()).resolves.toBe('cpu');
    await expect(page.getByTestId('train-machine-note').textContent()).resolves.toContain(
      'From Settings: provider cpu, CPU threads 2 (0: onnxruntime picks',
    );
    await page.getByTestId('train-machine-note').scrollIntoViewIfNeeded();
    await shot('02-train-from-settings');
    await page.getByTestId('nav-settings').click();
  });

  it('follows settings saved in a terminal while open, on Settings and on the Train form', async () => {
    await page.getByTestId('nav-settings').click();
    const threadsBox = page.getByTestId('threads-input');
    await expect.poll(() => threadsBox.inputValue()).toBe('2');
    saveInTerminal('provider', 'auto', 'threads', '3');
    const notice = page.getByTestId('settings-notice');
    await notice.filter({ hasText: "Saved elsewhere: new runs use their preset's provider, 3 CPU threads." }).waitFor();
    await expect(page.getByTestId('provider-choice-auto').isChecked()).resolves.toBe(true);
    await expect(threadsBox.inputValue()).resolves.toBe('3');
    // A number typed and not saved yet stays; the choice still follows.
    await threadsBox.fill('7');
    saveInTerminal('provider', 'cpu', 'threads', '1');
    await notice.filter({ hasText: 'Saved elsewhere: new runs use cpu, 1 CPU thread.' }).waitFor();
    await expect(page.getByTestId('provider-cpu').locator('input[type=radio]').isChecked()).resolves.toBe(true);
    await expect(threadsBox.inputValue()).resolves.toBe('7');
    await shot('03-saved-elsewhere');

    await page.getByTestId('nav-train').click();
    const trainThreads = page.getByTestId('train-threads');
    await expect.poll(() => trainThreads.inputValue()).toBe('1');
    saveInTerminal('threads', '4');
    await expect.poll(() => trainThreads.inputValue()).toBe('4');
    await expect(page.getByTestId('train-machine-note').textContent()).resolves.toContain(
      'From Settings: provider cpu, CPU threads 4',
    );
    // Threads changed by hand here are this run's: a later save moves only the provider.
    await trainThreads.fill('2');
    saveInTerminal('provider', 'auto', 'threads', '5');
    await expect.poll(() => page.getByTestId('train-machine-note').textContent()).toContain('CPU threads 5');
    await expect(trainThreads.inputValue()).resolves.toBe('2');
    await expect(page.getByTestId('train-provider').inputValue()).resolves.toBe('cpu'); // quick's, under auto
  });

  it("says under CPU threads, on Settings and the Train form, when the number is more than the machine's (taken, but only taking turns)", async () => {
    await page.getByTestId('nav-settings').click();
    await expect
      .poll(async () => Number((await page.getByTestId('cpu-threads').textContent())?.trim()))
      .toBeGreaterThan(0);
    const cores = Number((await page.getByTestId('cpu-threads').textContent())?.trim());
    const box = page.getByTestId('threads-input');
    await box.fill(String(cores));
    await expect(page.getByTestId('threads-over').count()).resolves.toBe(0);
    // (1000 on a 2-core machine was taken without a word.)
    await box.fill('1000');
    await expect(page.getByTestId('threads-over').textContent()).resolves.toContain(
      `More than this machine's ${cores} CPU threads`,
    );
    await expect(box.getAttribute('aria-describedby')).resolves.toBe('threads-over');
    await shot('04-threads-over');
    expect(await accessibilityViolations(page)).toEqual([]);
    await box.fill('0');
    await expect(page.getByTestId('threads-over').count()).resolves.toBe(0);
    // The Train form says the same under its own box (a run's threads, for that run only).
    await page.getByTestId('nav-train').click();
    const trainBox = page.getByTestId('train-threads');
    await trainBox.fill('1000');
    await expect(page.getByTestId('train-threads-over').textContent()).resolves.toContain(
      `More than this machine's ${cores} CPU threads`,
    );
    await trainBox.fill(String(cores));
    await expect(page.getByTestId('train-threads-over').count()).resolves.toBe(0);
  });

  it('says under CPU threads what is wrong with a number it will not save, with no note on the machine for it', async () => {
    await page.getByTestId('nav-settings').click();
    const box = page.getByTestId('threads-input');
    const saved = (saveInTerminal() as { cpuThreads: number }).cpuThreads;
    const said = {
      '-1': 'CPU threads must be ≥ 0 (0: onnxruntime picks one per core)',
      '': 'CPU threads needs a number',
      '2.5': 'CPU threads must be a whole number',
      '99999': 'CPU threads must be ≤ 1,024',
    };
    for (const [typed, problem] of Object.entries(said)) {
      await box.fill(typed);
      await expect(page.getByTestId('threads-error').textContent(), typed).resolves.toBe(problem);
      // (2.5 and 99999 are more than this machine's threads, and were warned of as if taken.)
      await expect(page.getByTestId('threads-over').count(), typed).resolves.toBe(0);
      await expect(box.getAttribute('aria-invalid'), typed).resolves.toBe('true');
      await expect(box.getAttribute('aria-describedby'), typed).resolves.toBe('threads-error');
      await page.getByTestId('threads-save').click();
      // Still there once the browser's own bubble would have gone; nothing saved.
      await expect(page.getByTestId('threads-error').textContent(), typed).resolves.toBe(problem);
      expect((saveInTerminal() as { cpuThreads: number }).cpuThreads, typed).toBe(saved);
    }
    await shot('05-threads-refused');
    expect(await accessibilityViolations(page)).toEqual([]);
    await box.fill(String(saved));
    await expect(page.getByTestId('threads-error').count()).resolves.toBe(0);
    await expect(box.getAttribute('aria-invalid')).resolves.toBe('false');
  });

  it('says on top when the saved settings cannot be read, and a save here replaces them', async () => {
    const store = openStore(dataDir);
    try {
      store.db.prepare("UPDATE settings SET value_json = ? WHERE key = 'app'").run('{"provider":"cpu","cpuThr');
    } finally {
      store.close();
    }
    await page.reload();
    await page.getByTestId('nav-settings').click();
    const warning = page.getByTestId('settings-warning');
    await expect
      .poll(() => warning.textContent())
      .toContain(`The saved settings in ${dataDir}/spanfill.db cannot be read`);
    await expect(page.getByTestId('provider-choice-auto').isChecked()).resolves.toBe(true);
    await shot('06-unreadable');
    expect(await accessibilityViolations(page)).toEqual([]);
    await page.getByTestId('threads-input').fill('3');
    await page.getByTestId('threads-save').click();
    await page.getByTestId('settings-notice').filter({ hasText: 'onnxruntime will use 3 CPU threads.' }).waitFor();
    await expect(warning.count()).resolves.toBe(0);
    expect(saveInTerminal()).toEqual({ provider: 'auto', cpuThreads: 3 });
  });

  it('logged no errors in the page', () => {
    expect(session.pageErrors).toEqual([]);
  });
});
