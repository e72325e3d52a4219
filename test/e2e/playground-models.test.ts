// End-to-end for the Models, Playground and Settings screens against the built `spanfill serve`
// at 1280×800: import the t5-tiny-spm fixture (copied into the temp folder) as a model, fill a
// prompt with it and builtin:byt5-tiny side by side (checked against `spanfill fill --json` on
// the same folders), insert a hole with Ctrl+I, a prompt error in place, mask a text and fill
// it, the history and the screen as it was left (read back by a server on another port; no
// default prompt shows while they are on the way), and remove the model after a red confirm.
// Screenshots go to test-results/. Needs `npm run build` first.
// NOTE: page.evaluate takes expression strings because this file is type-checked without DOM types.

import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlaygroundFillResult } from '../../src/shared/contract/playground';
import { accessibilityViolations } from './accessibility';
import { holdReply } from './holdReply';
import { isCutShort, shownFill } from '../../src/renderer/src/lib/prompts';
import { openScreen } from './navigate';
import { followKeptScreens } from './playgroundPage';
import { startServe } from './serve';
import { resultsDir, startSession, type E2eSession } from './session';

const prompt = 'The <extra_id_0> walks in <extra_id_1> park.';
let session: E2eSession;
let page: Page;
let url: string;
let dataDir: string;
let modelDir: string;
/** The prompt of the page's latest playground.keepScreen call that the server has answered. */
let lastKeptPrompt: string | undefined;

beforeAll(async () => {
  session = await startSession('play');
  ({ page, url, dataDir } = session);
  followKeptScreens(page, (screen) => (lastKeptPrompt = screen.prompt));
  // Outside the data directory: models.import refuses a folder inside it (modelsImportPlace.ts).
  modelDir = path.join(session.dir, 'my-models', 't5-tiny-spm');
  fs.cpSync(path.resolve('test/fixtures/t5/t5-tiny-spm'), modelDir, { recursive: true });
});

afterAll(() => session?.close());

const shot = (name: string): Promise<Buffer> => page.screenshot({ path: path.join(resultsDir, `play-${name}.png`) });

/** What `spanfill fill --json` answers for this folder and prompt (greedy, 32 new tokens, as the UI defaults; or `flags`). */
async function cliFill(folder: string, text: string, flags: string[] = []): Promise<PlaygroundFillResult> {
  const args = ['bin/spanfill.mjs', 'fill', '--json', '--data-dir', dataDir, '--model', folder, ...flags, text];
  const { stdout } = await promisify(execFile)(process.execPath, args);
  return JSON.parse(stdout) as PlaygroundFillResult;
}

/** The filled spans a column shows: [sentinel, text] in order ("(nothing)" for an empty one). */
async function shownSpans(column: ReturnType<Page['getByTestId']>): Promise<[string, string][]> {
  const marks = column.getByTestId('fill-span');
  const shown: [string, string][] = [];
  for (let i = 0; i < (await marks.count()); i++) {
    const mark = marks.nth(i);
    const label = (await mark.locator('sup').textContent()) ?? '';
    shown.push([
      (await mark.getAttribute('data-sentinel')) ?? '',
      ((await mark.textContent()) ?? '').slice(label.length),
    ]);
  }
  return shown;
}

describe('Models, Playground and Settings screens', () => {
  it('imports a model folder on the Models screen and lists it with its type and size', async () => {
    await page.goto(url);
    await page.getByTestId('nav-models').click();
    await page.getByTestId('models-empty').waitFor();
    await expect(page.getByTestId('models-empty').textContent()).resolves.toContain('Import a model folder below');
    // Fine-tuned models are not listed here: the screen says where they are.
    const lead = page.getByTestId('screen-lead');
    await expect(lead.getByRole('link', { name: 'Runs' }).getAttribute('href')).resolves.toBe('#/runs');
    await page.getByTestId('model-folder').fill(modelDir);
    await page.getByLabel('Name (optional)').fill('tiny spm');
    await page.getByTestId('model-import').click();
    await page.getByTestId('models-notice').waitFor();
    await expect(page.getByTestId('models-notice').textContent()).resolves.toMatch(/^Imported tiny spm: t5, /);
    const row = page.getByTestId('model-row').filter({ hasText: 'tiny spm' });
    const bytes = fs.readdirSync(modelDir).reduce((sum, f) => sum + fs.statSync(path.join(modelDir, f)).size, 0);
    await expect(row.textContent()).resolves.toContain(modelDir);
    await expect(row.locator('td').nth(2).textContent()).resolves.toBe('t5');
    await expect(row.locator('td').nth(4).textContent()).resolves.toBe(`${(bytes / 1024).toFixed(1)} KiB`);
    // The path box is emptied for the next one.
    await expect(page.getByTestId('model-folder').inputValue()).resolves.toBe('');
    await shot('01-models-imported');
    expect(await accessibilityViolations(page)).toEqual([]);
    // The Hub part: suggestions with their sizes, the empty cache, the token.
    await expect(page.getByTestId('cache-usage').textContent()).resolves.toContain('Nothing downloaded yet');
    await expect(page.getByTestId('token-status').textContent()).resolves.toMatch(
      /Token: (none|from HF_TOKEN|a saved)/,
    );
    expect(await page.getByTestId('hub-catalog').locator('li').count()).toBeGreaterThan(2);
    await page.getByTestId('token-status').evaluate((el) => el.scrollIntoView({ block: 'end' }));
    await shot('01b-models-hub');
  });

  it("offers the imported model by name in the Masking screen's tokenizer picker, which masks with its tokenizer", async () => {
    await openScreen(page, 'masking');
    const picker = page.getByTestId('mask-model-choice');
    await picker.selectOption({ label: 'tiny spm (t5, base)' });
    await page.getByTestId('mask-preview').click();
    // Named as the picker names the model, not by its folder (t5-tiny-spm): one tokenizer, one name.
    await page.getByTestId('mask-seed-used').filter({ hasText: 'tiny spm, seed' }).waitFor();
    expect(await page.getByTestId('mask-model').count()).toBe(0); // no folder box for a registered model
    // Kept while another screen opens: back on Masking it is still that model, not a folder named by its id.
    const picked = await picker.inputValue();
    await openScreen(page, 'datasets');
    await openScreen(page, 'masking');
    await expect.poll(() => picker.inputValue()).toBe(picked);
    expect(await page.getByTestId('mask-model').count()).toBe(0);
  });

  it('fills a prompt with two models side by side, as `spanfill fill` does with each', async () => {
    await page.getByTestId('nav-playground').click();
    await page.getByLabel(/tiny spm/).check();
    await page.getByTestId('prompt').fill(prompt);
    await page.getByTestId('fill').click();
    const columns = page.getByTestId('fill-column');
    await expect.poll(() => columns.count()).toBe(2);
    await columns.nth(1).getByTestId('fill-text').waitFor({ timeout: 60_000 });
    await columns.nth(0).getByTestId('fill-text').waitFor();
    // Columns in the order the models were ticked: the built-in one first.
    await expect(columns.nth(0).locator('h3').textContent()).resolves.toBe('builtin:byt5-tiny');
    await expect(columns.nth(1).locator('h3').textContent()).resolves.toBe('tiny spm');
    const folders = [path.join(dataDir, 'models', 'builtin', 'byt5-tiny'), modelDir];
    for (const [index, folder] of folders.entries()) {
      const cli = await cliFill(folder, prompt);
      const expected = cli.spans.map((s): [string, string] => [
        String(s.sentinel),
        shownFill(s.text, s, isCutShort(s, cli)),
      ]);
      expect(expected.map(([n]) => n)).toEqual(['0', '1']);
      await expect(shownSpans(columns.nth(index))).resolves.toEqual(expected);
      await expect(columns.nth(index).locator('pre').textContent()).resolves.toBe(cli.output);
    }
    await expect(page.getByTestId('prompt-note').count()).resolves.toBe(0);
    await page.getByTestId('results').evaluate((el) => el.scrollIntoView({ block: 'end' }));
    await shot('02-side-by-side');
    expect(await accessibilityViolations(page)).toEqual([]);
  });

  it('inserts the next hole at the cursor with Ctrl+I, renumbering the later ones', async () => {
    const box = page.getByTestId('prompt');
    await box.fill('A <extra_id_0> day');
    await box.press('Control+Home');
    await box.press('Control+i');
    await expect(box.inputValue()).resolves.toBe('<extra_id_0>A <extra_id_1> day');
    await page.getByTestId('insert-hole').click(); // the cursor stayed after the new hole
    await expect(box.inputValue()).resolves.toBe('<extra_id_0><extra_id_1>A <extra_id_2> day');
  });

  it('notes holes numbered out of the order T5 was trained on, once above the columns', async () => {
    await page.getByTestId('prompt').fill('A <extra_id_1> day in <extra_id_0> park');
    await page.getByTestId('prompt').press('Control+Enter');
    const columns = page.getByTestId('fill-column');
    for (let i = 0; i < 2; i++) await columns.nth(i).getByTestId('fill-text').waitFor({ timeout: 60_000 });
    await expect(page.getByTestId('prompt-note').allTextContents()).resolves.toEqual([
      expect.stringMatching(/^Note: The holes are numbered <extra_id_1>, <extra_id_0> from left to right;/),
    ]);
  });

  it('says once that a prompt has no hole, before any model runs, and keeps it out of the recent prompts', async () => {
    const history = await page.getByTestId('history').locator('option').count();
    await page.getByTestId('prompt').fill('A prompt without any hole.');
    await page.getByTestId('prompt').press('Control+Enter');
    await expect(page.getByTestId('playground-error').textContent()).resolves.toContain(
      'The prompt has no <extra_id_N> hole to fill',
    );
    await expect(page.getByTestId('fill-error').count()).resolves.toBe(0);
    await expect(page.getByTestId('history').locator('option').count()).resolves.toBe(history);
  });

  it("shows a model's refusal of a prompt in its own column, with the engine message", async () => {
    // tiny spm has 100 sentinels, builtin:byt5-tiny 125: only tiny spm refuses <extra_id_110>.
    await page.getByTestId('prompt').fill('A <extra_id_110> day');
    await page.getByTestId('prompt').press('Control+Enter');
    const columns = page.getByTestId('fill-column');
    await columns.nth(1).getByTestId('fill-error').waitFor({ timeout: 30_000 });
    await expect(columns.nth(1).getByTestId('fill-error').textContent()).resolves.toContain(
      '<extra_id_110> in the prompt is beyond the 100 sentinels of',
    );
    await columns.nth(0).getByTestId('fill-text').waitFor({ timeout: 30_000 });
    await expect(page.getByTestId('playground-error').count()).resolves.toBe(0);
    await page.getByTestId('results').evaluate((el) => el.scrollIntoView({ block: 'end' }));
    await shot('03-prompt-error');
  });

  it('masks a typed text with the first model’s tokenizer, fills it and says which spans came back exactly', async () => {
    await page.getByTestId('mask-panel').locator('summary').click();
    await page.getByTestId('mask-text').fill('The cute dog walks in the green park with a red ball.');
    await page.getByTestId('mask-fill').click();
    const columns = page.getByTestId('fill-column');
    await columns.nth(1).getByTestId('fill-exact').waitFor({ timeout: 60_000 });
    const masked = await page.getByTestId('prompt').inputValue();
    const holes = [...masked.matchAll(/<extra_id_(\d+)>/g)].map((m) => Number(m[1]));
    expect(holes.length).toBeGreaterThan(0);
    expect(holes).toEqual(holes.map((_, i) => i));
    // Outside its holes the masked prompt is the typed text.
    const kept = masked.split(/<extra_id_\d+>/);
    let at = 0;
    for (const piece of kept) {
      at = 'The cute dog walks in the green park with a red ball.'.indexOf(piece, at);
      expect(at).toBeGreaterThanOrEqual(0);
    }
    for (let i = 0; i < 2; i++) {
      await expect(columns.nth(i).getByTestId('fill-exact').textContent()).resolves.toMatch(
        new RegExp(`^\\s*\\d+ of ${holes.length} hidden spans? came back exactly\\.\\s*$`),
      );
    }
    await expect(page.getByTestId('mask-note').first().textContent()).resolves.toContain('byt5');
    await page.getByTestId('results').evaluate((el) => el.scrollIntoView({ block: 'end' }));
    await shot('04-mask-and-fill');
  });

  it('decodes with beams and with seeded sampling, and keeps the prompts in the history', async () => {
    await page.getByTestId('prompt').fill(prompt);
    await page.getByTestId('decoding-beam').check();
    await page.getByTestId('beams').fill('2');
    await page.getByTestId('fill').click();
    await page.getByTestId('fill-column').nth(1).getByTestId('fill-text').waitFor({ timeout: 60_000 });
    await page.getByTestId('decoding-sample').check();
    await page.getByTestId('sample-seed').fill('7');
    const outputs: (string | null)[] = [];
    for (let run = 0; run < 2; run++) {
      await page.getByTestId('fill').click();
      await page.getByTestId('fill').filter({ hasText: 'Fill the holes' }).waitFor({ timeout: 60_000 });
      outputs.push(await page.getByTestId('fill-column').nth(0).locator('pre').textContent());
    }
    expect(outputs[1]).toBe(outputs[0]); // the same seed samples the same answer
    // With the settings left as they open, the same sample as `spanfill fill --sample --seed 7`.
    await expect(page.getByTestId('top-k').inputValue()).resolves.toBe('50');
    await expect(page.getByTestId('top-p').inputValue()).resolves.toBe('1');
    const builtinFolder = path.join(dataDir, 'models', 'builtin', 'byt5-tiny');
    expect(outputs[0]).toBe((await cliFill(builtinFolder, prompt, ['--sample', '--seed', '7'])).output);
    // A decoding box the contract refuses is said under the box, in its words, and Fill waits
    // (saying why beside it, as Train's Start does): pressed, it runs nothing.
    await page.getByTestId('temperature').fill('0');
    await expect(page.getByTestId('temperature-error').textContent()).resolves.toBe('Temperature must be ≥ 0.0001');
    await expect(page.getByTestId('fill-waits').textContent()).resolves.toBe(
      'Fix the decoding settings marked above first.',
    );
    await page.getByTestId('fill').click({ force: true }); // (held: Playwright would wait for it to be enabled)
    await page.getByTestId('temperature').fill('1');
    await page.getByTestId('max-new-tokens').fill('');
    await expect(page.getByTestId('max-new-tokens-error').textContent()).resolves.toBe(
      'Most new tokens needs a number',
    );
    await page.getByTestId('fill').click({ force: true });
    await expect(page.getByTestId('playground-error').count()).resolves.toBe(0);
    await expect(page.getByTestId('fill-column').nth(0).locator('pre').textContent()).resolves.toBe(outputs[0]);
    // An answer cut off by the limit says so (greedy: the random model writes no </s> in one token).
    await page.getByTestId('decoding-greedy').check();
    await page.getByTestId('max-new-tokens').fill('1');
    await page.getByTestId('fill').click();
    await page.getByTestId('fill').filter({ hasText: 'Fill the holes' }).waitFor({ timeout: 60_000 });
    await expect(page.getByTestId('fill-column').nth(0).getByTestId('fill-cut-off').textContent()).resolves.toBe(
      'Generation stopped at the limit of 1 new token before the model wrote </s>: 2 holes have no output. ' +
        'Raise “Most new tokens” (up to 512) to let the model finish.',
    );
    expect(await page.getByTestId('fill-nothing').count()).toBe(0);
    // Each hole the limit left empty says so in words (it said "(nothing)", README: "(cut off)").
    const cutSpans = page.getByTestId('fill-column').nth(0).getByTestId('fill-span');
    await expect(cutSpans.allTextContents()).resolves.toEqual(['<extra_id_0>(cut off)', '<extra_id_1>(cut off)']);
    // A prompt every model refuses is not kept among the recent prompts (it was: "the last 30 filled").
    await page.getByTestId('prompt').fill('too far <extra_id_300> hole');
    await page.getByTestId('fill').click();
    await page.getByTestId('fill-column').nth(1).getByTestId('fill-error').waitFor({ timeout: 60_000 });
    await page.getByTestId('fill').filter({ hasText: 'Fill the holes' }).waitFor({ timeout: 60_000 });
    await page.getByTestId('prompt').fill(prompt);
    await page.getByTestId('decoding-sample').check();
    await page.getByTestId('max-new-tokens').fill('32');
    const history = await page.getByTestId('history').locator('option').allTextContents();
    expect(history.slice(1, 3)).toEqual([prompt, expect.stringContaining('<extra_id_0>')]);
    expect(history).not.toContain('too far <extra_id_300> hole');
    await page.getByTestId('results').evaluate((el) => el.scrollIntoView({ block: 'end' }));
    await shot('05-sampling');
    expect(await accessibilityViolations(page)).toEqual([]);
    // Clearing the history asks first; Keep keeps it, Yes empties it.
    const kept = history.length - 1;
    await page.getByRole('button', { name: 'Clear history of the prompts' }).click();
    await expect(page.getByTestId('history-clear-question').textContent()).resolves.toContain(
      `Forget the ${kept} prompts kept in the data directory?`,
    );
    await page.getByTestId('history-clear-question').getByRole('button', { name: 'Keep' }).click();
    await expect(page.getByTestId('history').locator('option').count()).resolves.toBe(kept + 1);
    await page.getByRole('button', { name: 'Clear history of the prompts' }).click();
    await page.getByRole('button', { name: 'Yes, clear' }).click();
    await expect
      .poll(() => page.getByTestId('history').locator('option').allTextContents())
      .toEqual(['None yet: each prompt you fill is kept here']);
  });

  it('opens as it was left after a reload: the prompt and the same columns', async () => {
    await page.getByTestId('prompt').fill('Kept <extra_id_0> a reload.');
    const columns = () => page.getByTestId('fill-column').locator('h3').allTextContents();
    const before = await columns();
    expect(before.length).toBeGreaterThanOrEqual(2);
    // The reload reads back the screen last written: wait until the prompt typed is kept.
    await expect.poll(() => lastKeptPrompt, { timeout: 10_000 }).toBe('Kept <extra_id_0> a reload.');
    await page.reload();
    await page.getByTestId('prompt').waitFor();
    await expect(page.getByTestId('prompt').inputValue()).resolves.toBe('Kept <extra_id_0> a reload.');
    await expect.poll(columns).toEqual(before);
  });

  it('keeps the history and the screen in the data directory: a server on another port opens them as they were', async () => {
    const kept = 'Kept <extra_id_0> in the data directory.';
    await page.getByTestId('prompt').fill(kept);
    await page.getByTestId('fill').click();
    await page.getByTestId('fill').filter({ hasText: 'Fill the holes' }).waitFor({ timeout: 60_000 });
    await expect.poll(() => page.getByTestId('history').locator('option').nth(1).textContent()).toBe(kept);
    const columns = (on: Page) => on.getByTestId('fill-column').locator('h3').allTextContents();
    const before = await columns(page);
    // Another launch of `spanfill serve` listens on another port: another origin, whose
    // localStorage in this browser profile is empty. Only the store can bring them back.
    const other = await startServe(dataDir);
    const second = await session.context.newPage();
    const held = await holdReply(second, 'playground.saved');
    try {
      expect(new URL(other.url).origin).not.toBe(new URL(url).origin);
      await second.goto(other.url);
      await openScreen(second, 'playground');
      // While what was kept is on its way, no default prompt or columns show, only a word why.
      await expect(second.getByTestId('prompt').count()).resolves.toBe(0);
      await expect(second.getByTestId('fill-column').count()).resolves.toBe(0);
      await expect(second.getByTestId('playground-opening').textContent()).resolves.toContain('as it was left');
      held.release();
      await expect(second.getByTestId('prompt').inputValue()).resolves.toBe(kept);
      await expect.poll(() => columns(second)).toEqual(before);
      await expect(second.getByTestId('history').locator('option').allTextContents()).resolves.toEqual([
        '1 kept in the data directory — pick one',
        kept,
      ]);
    } finally {
      await second.close();
      other.child.kill('SIGINT');
    }
  });

  it('removes the model after a red confirm that says the folder stays', async () => {
    await page.getByTestId('nav-models').click();
    const row = page.getByTestId('model-row').filter({ hasText: 'tiny spm' });
    await row.getByRole('button', { name: 'Remove tiny spm' }).click();
    const confirm = row.getByTestId('model-remove-confirm');
    await expect(confirm.textContent()).resolves.toContain(
      'Remove tiny spm from Spanfill? The folder itself stays on disk.',
    );
    const red = await confirm
      .getByRole('button', { name: 'Yes, remove' })
      .evaluate((button) => (globalThis as unknown as WithStyles).getComputedStyle(button).backgroundColor);
    // The theme's --bad as a colour (the variable holds a light-dark() pair).
    const bad = await page.evaluate(
      "(() => { const s = document.createElement('span'); s.style.color = 'var(--bad)'; document.body.append(s); " +
        'const c = getComputedStyle(s).color; s.remove(); return c; })()',
    );
    expect(bad).toMatch(/^rgb\(/);
    expect(red).toBe(bad);
    await shot('06-remove-confirm');
    await confirm.getByRole('button', { name: 'Yes, remove' }).click();
    await row.waitFor({ state: 'detached' });
    await expect(page.getByTestId('models-notice').textContent()).resolves.toContain('its folder was left where it is');
    expect(fs.existsSync(path.join(modelDir, 'model.safetensors'))).toBe(true);
    await page.getByTestId('models-empty').waitFor();
  });

  it('reads well in the dark theme', async () => {
    await page.getByTestId('nav-settings').click();
    await page.getByTestId('theme-dark').check();
    await page.getByTestId('nav-playground').click();
    await page.getByTestId('prompt').fill(prompt);
    await page.getByTestId('fill').click();
    await page.getByTestId('fill-column').first().getByTestId('fill-text').waitFor({ timeout: 60_000 });
    await page.getByTestId('results').evaluate((el) => el.scrollIntoView({ block: 'end' }));
    await shot('08-playground-dark');
    expect(await accessibilityViolations(page)).toEqual([]);
    await page.getByTestId('nav-settings').click();
    await page.getByTestId('theme-system').check();
  });

  it('logged no errors in the page', () => {
    expect(session.pageErrors).toEqual([]);
  });
});

/** The one DOM call used inside the page, typed here (this file is compiled without DOM types). */
interface WithStyles {
  getComputedStyle(element: unknown): { backgroundColor: string };
}
