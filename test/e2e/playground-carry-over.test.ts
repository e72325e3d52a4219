// End-to-end for the Playground's one-time carry-over, against the built `spanfill serve`: a
// browser profile holding what versions before 2026-12-02 kept in localStorage (the recent
// prompts and the screen as it was left, in their old shapes) opens the Playground with that
// prompt, its columns that still exist, and those prompts, says so once in the notice, and the
// old keys are gone. Needs `npm run build` first.

import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openScreen } from './navigate';
import { playgroundNotice } from './playgroundPage';
import { startSession, type E2eSession } from './session';

let session: E2eSession;
let page: Page;

const oldPrompts = ['Old <extra_id_0> newest.', 'Old <extra_id_0> older.'];
/** The screen as versions before 2026-12-02 kept it: a registered model and a checkpoint gone since. */
const oldScreen = {
  prompt: 'Brought <extra_id_0> over.',
  selected: ['builtin:byt5-tiny', 'model-gone-since', 'checkpoint:/nowhere/checkpoint-10'],
  folders: [],
  addedCheckpoints: [
    {
      key: 'checkpoint:/nowhere/checkpoint-10',
      label: 'run gone · step 10',
      detail: 'checkpoint',
      ref: '/nowhere/checkpoint-10',
      source: 'checkpoint',
    },
  ],
};
const oldKeys = ['spanfill.playground.history', 'spanfill.playground.session'];

/** The page's localStorage as these tests use it (they are type-checked without the DOM's types). */
interface PageStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}
type PageGlobals = { readonly localStorage: PageStorage };

const oldValues = (): Promise<(string | null)[]> =>
  page.evaluate((keys) => keys.map((key) => (globalThis as unknown as PageGlobals).localStorage.getItem(key)), oldKeys);

beforeAll(async () => {
  session = await startSession('carry-over');
  page = session.page;
  await page.goto(session.url);
  // As an older version left them in this profile; the page that reads them is the one loaded next.
  await page.evaluate(
    ([keys, history, screen]) => {
      const { localStorage } = globalThis as unknown as PageGlobals;
      localStorage.setItem(keys[0], history);
      localStorage.setItem(keys[1], screen);
    },
    [oldKeys, JSON.stringify(oldPrompts), JSON.stringify(oldScreen)] as const,
  );
  await page.reload();
  await openScreen(page, 'playground');
  await page.getByTestId('prompt').waitFor();
});

afterAll(() => session?.close());

describe('Playground: what an earlier version kept in the browser is brought over once', () => {
  it('opens with the old prompt, its columns that still exist and the old recent prompts, and says so', async () => {
    await expect(page.getByTestId('prompt').inputValue()).resolves.toBe(oldScreen.prompt);
    await expect
      .poll(() => page.getByTestId('fill-column').locator('h3').allTextContents())
      .toEqual(['builtin:byt5-tiny']);
    await expect
      .poll(() => page.getByTestId('history').locator('option').allTextContents())
      .toEqual(['2 kept in the data directory — pick one', ...oldPrompts]);
    await expect(playgroundNotice(page)).resolves.toContain(
      "Brought over the Playground's prompt and columns as they were left and 2 recent prompts, kept in this browser by an earlier version of Spanfill.",
    );
    await expect.poll(oldValues).toEqual([null, null]);
    expect(session.pageErrors).toEqual([]);
  });

  it('does it once: a reload opens the same from the data directory and says nothing of it', async () => {
    await page.reload();
    await openScreen(page, 'playground');
    await page.getByTestId('prompt').waitFor();
    await expect(page.getByTestId('prompt').inputValue()).resolves.toBe(oldScreen.prompt);
    await expect
      .poll(() => page.getByTestId('history').locator('option').allTextContents())
      .toEqual(['2 kept in the data directory — pick one', ...oldPrompts]);
    expect((await playgroundNotice(page)) ?? '').not.toContain('Brought over');
    expect(session.pageErrors).toEqual([]);
  });
});
