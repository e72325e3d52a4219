// End-to-end, by keyboard, against the built `spanfill serve`: where the focus goes when what
// had it goes away. A rename form closed (Escape, "Keep the name", a save) gives it back to
// Rename (Runs, Datasets); a row deleted after its confirm hands it to the next row's same
// action, else the row before's, else the heading over the list, and a delete that fails gives
// it back to Delete…; a new screen's title has it. On Train, Start moves it to the run's title
// and a polite live region says the run started and, once, that it finished with its last loss;
// "New run with these settings" and "Configure a new run" move it to the form's heading; Start
// waiting stays in the tab order and says why beside it. The checkpoints' columns say they are
// on the validation split. Needs `npm run build` first.
// NOTE: page.evaluate takes expression strings because this file is type-checked without DOM types.

import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wsPath } from '../../src/shared/ws-protocol';
import { openScreen, openTrainForm } from './navigate';
import { importNotes, writeNotes } from './notes';
import { spanfillJson } from './serve';
import { startSession, type E2eSession } from './session';
import { runViewStatus, waitUntil } from './trainPage';

const tinySpm = path.resolve('test/fixtures/t5/t5-tiny-spm');
let session: E2eSession;
let page: Page;
let datasetId: string;
/** One-step runs trained by the CLI, oldest first (the Runs screen lists them newest first). */
let runIds: string[];

beforeAll(async () => {
  session = await startSession('focus');
  page = session.page;
  datasetId = importNotes(session);
  runIds = ['one', 'two', 'three', 'four'].map(
    (name) =>
      spanfillJson<{ runId: string }>(session.dataDir, [
        'train',
        ...['--dataset', datasetId, '--model', tinySpm, '--input-length', '32', '--batch-size', '4'],
        ...['--max-steps', '1', '--name', name],
      ]).runId,
  );
  await page.goto(session.url);
}, 120_000);

afterAll(() => session?.close());

/** The focused element's test id (else its id, else its tag: 'body' when the focus was dropped) and its row's. */
const focused = (on: Page = page) =>
  on.evaluate<[string, string | undefined]>(
    '(() => { const e = document.activeElement; return [e?.dataset.testid ?? (e?.id || e?.tagName.toLowerCase()), ' +
      'e?.closest("tr")?.dataset.testid]; })()',
  );

/** Focuses `testid` in run `id`'s row and presses Enter there, as a keyboard would. */
async function pressInRow(id: string, testid: string): Promise<void> {
  await page.getByTestId(`run-row-${id}`).getByTestId(testid).focus();
  await page.keyboard.press('Enter');
}

describe('the focus after a rename form closes', () => {
  it('goes back to Rename on the Runs screen: on Escape, on "Keep the name" and after a save', async () => {
    await openScreen(page, 'runs');
    const row = `run-row-${runIds[1]}`;
    await pressInRow(runIds[1], 'run-rename');
    await expect.poll(() => focused()).toEqual(['run-rename-input', row]);
    await page.keyboard.press('Escape');
    await expect.poll(() => focused()).toEqual(['run-rename', row]);

    await page.keyboard.press('Enter');
    await expect.poll(() => focused()).toEqual(['run-rename-input', row]);
    await page.getByTestId(row).getByRole('button', { name: 'Keep the name' }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => focused()).toEqual(['run-rename', row]);

    await page.keyboard.press('Enter');
    await page.keyboard.press('End');
    await page.keyboard.type(' renamed');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId(row).getByTestId('run-open').textContent()).toBe('two renamed');
    await expect.poll(() => focused()).toEqual(['run-rename', row]);
  });

  it('goes back to Rename on the Datasets screen: on Escape and after a save', async () => {
    await openScreen(page, 'datasets');
    const rename = page.getByRole('button', { name: 'Rename notes.txt' });
    await rename.focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => focused()).toEqual(['rename-input', undefined]);
    await page.keyboard.press('Escape');
    await expect
      .poll(() => page.evaluate('document.activeElement?.getAttribute("aria-label")'))
      .toBe('Rename notes.txt');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Control+A');
    await page.keyboard.type('field notes');
    await page.keyboard.press('Enter');
    await page.getByTestId('datasets-notice').filter({ hasText: 'Renamed to field notes.' }).waitFor();
    await expect
      .poll(() => page.evaluate('document.activeElement?.getAttribute("aria-label")'))
      .toBe('Rename field notes');
  });
});

describe('the focus after a confirmed delete', () => {
  it('goes back to Delete… when the delete fails', async () => {
    // Another tab whose runs.remove is answered with a refusal (the server never sees it).
    const other = await session.context.newPage();
    try {
      await other.routeWebSocket(
        (url) => url.pathname === wsPath,
        (ws) => {
          const server = ws.connectToServer();
          ws.onMessage((message) => {
            const frame = JSON.parse(String(message)) as { id?: number; call?: string };
            if (frame.call !== 'runs.remove') return server.send(message);
            const error = { code: 'conflict', message: 'Refused for the test.' };
            ws.send(JSON.stringify({ kind: 'response', id: frame.id, response: { ok: false, error } }));
          });
          server.onMessage((message) => ws.send(message));
        },
      );
      await other.goto(new URL('#/runs', session.url).href);
      const row = other.getByTestId(`run-row-${runIds[2]}`);
      await row.getByTestId('run-delete').focus();
      await other.keyboard.press('Enter');
      await expect.poll(() => focused(other)).toEqual(['run-delete-keep', `run-row-${runIds[2]}`]);
      await row.getByTestId('run-delete-confirm').focus();
      await other.keyboard.press('Enter');
      await other.getByTestId('runs-error').filter({ hasText: 'Refused for the test.' }).waitFor();
      await expect.poll(() => focused(other)).toEqual(['run-delete', `run-row-${runIds[2]}`]);
    } finally {
      await other.close();
    }
  });

  it("moves to the next row's Delete…, else the row before's, else the screen's title", async () => {
    await openScreen(page, 'runs');
    // Newest first: four, three, two, one. "three" goes: the focus moves down to "two".
    const deleteRun = async (id: string) => {
      await pressInRow(id, 'run-delete');
      await expect.poll(() => focused()).toEqual(['run-delete-keep', `run-row-${id}`]);
      await page.getByTestId(`run-row-${id}`).getByTestId('run-delete-confirm').focus();
      await page.keyboard.press('Enter');
      await page.getByTestId(`run-row-${id}`).waitFor({ state: 'detached' });
    };
    await deleteRun(runIds[2]);
    await expect.poll(() => focused()).toEqual(['run-delete', `run-row-${runIds[1]}`]);
    // "one" is the last row: the focus moves up to "two".
    await deleteRun(runIds[0]);
    await expect.poll(() => focused()).toEqual(['run-delete', `run-row-${runIds[1]}`]);
    await deleteRun(runIds[1]);
    await expect.poll(() => focused()).toEqual(['run-delete', `run-row-${runIds[3]}`]);
    // The last run: the list goes, and the screen's title has the focus.
    await deleteRun(runIds[3]);
    await page.getByTestId('runs-empty').waitFor();
    await expect.poll(() => focused()).toEqual(['screen-title', undefined]);
  });

  it("moves to the next dataset's Remove when the row goes after the confirm settled", async () => {
    // (Datasets' Remove does not wait for its removal: the row goes after the question has.)
    for (const name of ['a.txt', 'b.txt']) {
      const file = path.join(session.dir, name);
      writeNotes(file, { docs: 4, words: 10, stride: 3 });
      spanfillJson(session.dataDir, ['import', file]);
    }
    await openScreen(page, 'datasets');
    // Newest first: b.txt, a.txt, field notes.
    await page.getByRole('button', { name: 'Remove b.txt' }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: 'Yes, remove' }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: 'Remove b.txt' }).waitFor({ state: 'detached' });
    await expect.poll(() => page.evaluate('document.activeElement?.getAttribute("aria-label")')).toBe('Remove a.txt');
  });
});

describe('the focus on a new screen', () => {
  it("goes to the screen's title when a screen opens from the navigation", async () => {
    await page.getByTestId('nav-settings').focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('screen-settings').waitFor();
    await expect.poll(() => focused()).toEqual(['screen-title', undefined]);
    await expect(page.evaluate('document.activeElement?.textContent')).resolves.toBe('Settings');
  });
});

describe('the Train screen by keyboard', () => {
  /** What the Train screen's live region says now. */
  const announced = () => page.getByTestId('run-announcement').textContent();

  /** From now on, each text the live region takes goes to window.announced, in order. */
  const recordAnnouncements = () =>
    page.evaluate(`(() => {
      const region = document.querySelector('[data-testid=run-announcement]');
      window.announced = [];
      new MutationObserver(() => {
        const text = region.textContent;
        if (text && window.announced.at(-1) !== text) window.announced.push(text);
      }).observe(region, { childList: true, characterData: true, subtree: true });
    })()`);

  it('keeps Start in the tab order while it waits, and says why beside it', async () => {
    await openTrainForm(page);
    await page.getByTestId('train-dataset').selectOption(datasetId);
    await page.getByTestId('train-model').selectOption('folder');
    await page.getByTestId('train-model-path').fill(tinySpm);
    await page.getByTestId('train-steps').fill('0');
    const start = page.getByTestId('train-start');
    await expect.poll(() => start.getAttribute('aria-disabled')).toBe('true');
    const why = await start.getAttribute('aria-describedby');
    await expect(page.locator(`[id="${why}"]`).textContent()).resolves.toBe('Fix the settings marked above first.');
    await expect(page.locator(`[id="${why}"]`).isVisible()).resolves.toBe(true);
    // Reached by Tab, and Enter on it starts nothing.
    await start.focus();
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Tab');
    await expect.poll(() => focused()).toEqual(['train-start', undefined]);
    await page.keyboard.press('Enter');
    await page.waitForTimeout(500);
    await expect(page.getByTestId('run-view').count()).resolves.toBe(0);
  });

  it('moves the focus to the run on Start and says it started and finished', async () => {
    await page.getByTestId('train-length').fill('32');
    await page.getByTestId('train-steps').fill('20');
    await page.getByTestId('train-eval-every').fill('10');
    await page.getByTestId('train-checkpoint-every').fill('10');
    await page.getByTestId('train-threads').fill('2');
    const start = page.getByTestId('train-start');
    await expect.poll(() => start.getAttribute('aria-disabled'), { timeout: 30_000 }).toBe('false');
    await expect(start.getAttribute('aria-describedby')).resolves.toBeNull();
    await expect(page.getByTestId('run-announcement').getAttribute('role')).resolves.toBe('status');
    await recordAnnouncements();
    await start.focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('run-view').waitFor();
    await expect.poll(() => focused()).toEqual(['run-title', undefined]);
    await waitUntil(page, 'the run to complete', async () => (await runViewStatus(page)) === 'completed');
    // Said: the start with its steps, a quarter of them reached at most once each, then the end
    // with the loss the step line shows; nothing per step.
    const loss = /last loss ([\d.e+-]+)/.exec((await page.getByTestId('run-step').textContent()) ?? '')?.[1];
    expect(loss).toBeDefined();
    await expect.poll(() => page.evaluate<string[]>('window.announced')).toContain(`Finished: last loss ${loss}.`);
    const said = await page.evaluate<string[]>('window.announced');
    const quarters = said.filter((line) => line.startsWith('Training: '));
    expect(said.filter((line) => !quarters.includes(line))).toEqual([
      'Training started: 20 steps.',
      `Finished: last loss ${loss}.`,
    ]);
    expect(quarters.map((line) => /^Training: (\d+) % \(step \d+ of 20\)\.$/.exec(line)?.[1])).toEqual(
      ['25', '50', '75'].filter((percent) => quarters.some((line) => line.startsWith(`Training: ${percent} %`))),
    );
    await expect(announced()).resolves.toBe(`Finished: last loss ${loss}.`);
    await expect.poll(() => focused()).toEqual(['run-title', undefined]);
    await expect(page.getByTestId('run-checkpoints').locator('th').allTextContents()).resolves.toContain(
      'Spans exactly right (validation)',
    );
  });

  it('moves the focus to the form\'s heading on "New run with these settings" and "Configure a new run"', async () => {
    await page.getByTestId('run-again').focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('train-form').waitFor();
    await expect.poll(() => focused()).toEqual(['what-title', undefined]);
    await expect(page.getByTestId('run-announcement').textContent()).resolves.toBe('');

    await openScreen(page, 'runs');
    await page.getByTestId('run-open').first().click();
    await page.getByTestId('run-view').waitFor();
    await page.getByTestId('train-new').focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('train-form').waitFor();
    await expect.poll(() => focused()).toEqual(['what-title', undefined]);
  });
});
