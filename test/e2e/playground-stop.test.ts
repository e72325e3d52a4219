// End-to-end for stopping a Playground fill against the built `spanfill serve`: a slow fill
// (64 beams, 512 new tokens on builtin:byt5-tiny, about a minute here) stopped by keyboard
// leaves each column saying it was stopped, no alert and nothing in the history, the engine
// host idle, and the next fill is quick and what `spanfill fill` answers; a reload mid-fill
// cancels the fill in the server too (the host goes idle; the next page's fill does not share
// it with a generation nobody waits for). An empty prompt is refused in the words `spanfill
// fill` uses. Needs `npm run build` first; Linux (the host's CPU time is read from /proc).
// NOTE: page.evaluate takes expression strings because this file is type-checked without DOM types.

import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlaygroundFillResult } from '../../src/shared/contract/playground';
import { engineHostBusyShare, engineHostCpuShare } from './engineHostCpu';
import { fieldMark, markedWith } from './fieldError';
import { focusedTestid } from './keyboardFocus';
import { openScreen } from './navigate';
import { startSession, type E2eSession } from './session';

const tinySpm = path.resolve('test/fixtures/t5/t5-tiny-spm');
const prompt = 'The <extra_id_0> walks in <extra_id_1> park.';
/** The slow fill's, which a stopped fill must leave out of the history. */
const slowPrompt = 'A <extra_id_0> fill <extra_id_1> stopped.';
/**
 * What a quick fill may take, the wait for the engine host's start included: greedy, 8 new
 * tokens on two tiny models takes about a second; the slow fill left running takes a minute.
 */
const quickMs = 20_000;
/**
 * The share of a core the engine host takes at least while the slow fill runs (a core, or less
 * while other work shares this machine's), and the part of that share it may keep once the
 * fill is stopped: a host left generating keeps all of it, an idle one next to none.
 */
const busyShare = 0.15;
const keptShare = 1 / 4;
/** How soon the engine host is seen generating once a fill starts, and quiet once it is stopped (the slow fill takes a minute). */
const quietMs = 20_000;
let session: E2eSession;
let page: Page;
/** The columns' answers to the quick fill of `prompt`. */
let quickOutputs: string[] = [];

beforeAll(async () => {
  session = await startSession('stop');
  page = session.page;
  await page.goto(session.url);
  await openScreen(page, 'playground');
  await page.getByTestId('prompt').waitFor();
  await page.locator('summary', { hasText: 'More models' }).click();
  await page.getByTestId('picker-folder').fill(tinySpm);
  await page.getByRole('button', { name: 'Add this folder' }).click();
});

afterAll(() => session?.close());

/** The focused element's data-testid (else its tag, lower case: 'body' when focus was dropped). */
const focused = (): Promise<string> =>
  page.evaluate<string>(
    '(document.activeElement?.dataset.testid ?? document.activeElement?.tagName.toLowerCase()) ?? "none"',
  );

/** Sets the decoding: 64 beams and 512 new tokens (slow), or greedy and 8 (quick). */
async function decode(speed: 'slow' | 'quick'): Promise<void> {
  if (speed === 'slow') {
    await page.getByTestId('decoding-beam').check();
    await page.getByTestId('beams').fill('64');
    await page.getByTestId('max-new-tokens').fill('512');
  } else {
    await page.getByTestId('decoding-greedy').check();
    await page.getByTestId('max-new-tokens').fill('8');
  }
}

/** Starts the slow fill and waits until the engine host is generating; its share of a core. */
async function startSlowFill(): Promise<number> {
  await page.getByTestId('prompt').fill(slowPrompt);
  await decode('slow');
  await page.getByTestId('fill').click();
  await page.getByTestId('fill-stop').waitFor();
  const busy = await engineHostBusyShare(busyShare, quietMs);
  // Still running: no column has an answer yet.
  await expect(page.getByTestId('fill-text').count()).resolves.toBe(0);
  return busy;
}

/**
 * The engine host has stopped generating: quiet within seconds (the step under way ends first,
 * later on a loaded machine, so one look at a fixed moment is a race), where a generation left
 * running keeps it busy for a minute or more.
 */
async function expectHostIdle(busy: number): Promise<void> {
  await expect.poll(() => engineHostCpuShare(2000), { timeout: quietMs, interval: 0 }).toBeLessThan(busy * keptShare);
}

/** Fills `prompt` quickly with both models; resolves with how long until both columns had an answer. */
async function quickFill(): Promise<number> {
  await page.getByTestId('prompt').fill(prompt);
  await decode('quick');
  const started = Date.now();
  await page.getByTestId('fill').click();
  await expect.poll(() => page.getByTestId('fill-text').count(), { timeout: 120_000 }).toBe(2);
  return Date.now() - started;
}

/** Each column's decoder output, in order. */
const outputs = (): Promise<string[]> => page.getByTestId('fill-column').locator('pre').allTextContents();

/** What `spanfill fill --json` answers for a folder: greedy, 8 new tokens. */
async function cliOutput(folder: string): Promise<string> {
  const args = ['bin/spanfill.mjs', 'fill', '--json', '--data-dir', session.dataDir, '--model', folder];
  const { stdout } = await promisify(execFile)(process.execPath, [...args, '--max-new-tokens', '8', prompt]);
  return (JSON.parse(stdout) as PlaygroundFillResult).output;
}

describe.runIf(process.platform === 'linux')('Playground: Stop', () => {
  it('says an empty prompt is empty, in the words of `spanfill fill`, before any model runs', async () => {
    await expect.poll(() => page.getByTestId('fill-column').count()).toBe(2); // builtin:byt5-tiny and tiny spm
    await page.getByTestId('prompt').fill('  ');
    await page.getByTestId('fill').click();
    await expect(page.getByTestId('playground-error').textContent()).resolves.toBe(
      'The prompt is empty. Write the text with <extra_id_0>, <extra_id_1>, … where spans are missing, ' +
        'e.g. "The <extra_id_0> walks in <extra_id_1> park". Insert hole (or Ctrl+I) puts the next one at the cursor.',
    );
    // No model ran.
    await expect(page.getByTestId('fill-column').first().textContent()).resolves.toContain('Press “Fill the holes”');
    await expect(page.getByTestId('fill-stop').count()).resolves.toBe(0);
    // The prompt box is marked with why and has the focus (as a decoding box marked wrong would);
    // and so for a prompt with no hole, pressed with Ctrl+Enter in the box.
    const error = page.getByTestId('playground-error');
    await expect(focusedTestid(page)).resolves.toBe('prompt');
    await expect(fieldMark(page, 'prompt')).resolves.toEqual(markedWith((await error.textContent()) ?? ''));
    await page.getByTestId('prompt').fill('no hole here');
    await expect(fieldMark(page, 'prompt')).resolves.toEqual({ invalid: 'false', description: '' });
    await page.keyboard.press('Control+Enter');
    await error.filter({ hasText: 'The prompt has no <extra_id_N> hole to fill.' }).waitFor();
    await expect(fieldMark(page, 'prompt')).resolves.toEqual(markedWith((await error.textContent()) ?? ''));
    await page.getByTestId('prompt').fill(prompt);
    await expect(fieldMark(page, 'prompt')).resolves.toEqual({ invalid: 'false', description: '' });
  });

  it('fills quickly, as `spanfill fill` does (and the engine host has started)', async () => {
    expect(await quickFill()).toBeLessThan(quickMs);
    const folders = [path.join(session.dataDir, 'models', 'builtin', 'byt5-tiny'), tinySpm];
    expect(await outputs()).toEqual([await cliOutput(folders[0]), await cliOutput(folders[1])]);
    quickOutputs = await outputs();
  });

  it('stops a slow fill by keyboard: each column says it was stopped, no alert, and the history is as it was', async () => {
    const history = await page.getByTestId('history').locator('option').allTextContents();
    const busy = await startSlowFill();
    // Fill keeps the focus while it runs; Stop is the next tab stop.
    await expect(focused()).resolves.toBe('fill');
    await page.keyboard.press('Tab');
    await expect(focused()).resolves.toBe('fill-stop');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('fill-stopped').count()).toBe(2);
    await expect(page.getByTestId('fill').textContent()).resolves.toBe('Fill the holes');
    await expect(page.getByTestId('fill-stop').count()).resolves.toBe(0);
    // The focus, on Stop as it went, is on Fill.
    await expect(focused()).resolves.toBe('fill');
    await expect(page.getByTestId('fill-stopped').first().textContent()).resolves.toBe(
      'Stopped before this model answered.',
    );
    await expect(page.getByTestId('fill-summary').textContent()).resolves.toBe('Stopped; no model filled the holes.');
    for (const alert of ['fill-error', 'fill-alert', 'playground-error'])
      await expect(page.getByTestId(alert).count(), alert).resolves.toBe(0);
    await expect(page.getByTestId('history').locator('option').allTextContents()).resolves.toEqual(history);
    expect(history.some((kept) => kept === slowPrompt)).toBe(false);
    await expectHostIdle(busy);
  });

  it('fills at once after Stop, quickly, with the answers of the fill before', async () => {
    expect(await quickFill()).toBeLessThan(quickMs);
    expect(await outputs()).toEqual(quickOutputs);
    await expect(page.getByTestId('history').locator('option').nth(1).textContent()).resolves.toBe(prompt);
  });

  it('cancels the fill in the server when the page reloads: the next fill does not wait behind it', async () => {
    const busy = await startSlowFill();
    await page.reload();
    await page.getByTestId('prompt').waitFor();
    await expect.poll(() => page.getByTestId('fill-column').count()).toBe(2);
    await expectHostIdle(busy);
    expect(await quickFill()).toBeLessThan(quickMs);
    expect(await outputs()).toEqual(quickOutputs);
  });

  it('logged no errors in the page', () => {
    expect(session.pageErrors).toEqual([]);
  });
});
