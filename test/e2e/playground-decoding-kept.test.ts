// End-to-end for the Playground's decoding options kept with the screen, against the built
// `spanfill serve`: the method and every method's settings come back after a reload; a setting
// typed out of bounds, or a box left empty, comes back as its default, and the others as they
// were. Each reload waits until the page's last keepScreen call has its answer, so that the
// screen read back is the one written. Needs `npm run build` first.

import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlaygroundDecoding } from '../../src/shared/contract/playground';
import { openScreen } from './navigate';
import { followKeptScreens } from './playgroundPage';
import { startSession, type E2eSession } from './session';

let session: E2eSession;
let page: Page;
/** The decoding options of the page's latest playground.keepScreen call that the server has answered. */
let lastKept: Partial<PlaygroundDecoding> | undefined;

/** Waits until the options kept last are `expected` (as the page sent them), then reloads the page. */
async function reloadOnceKept(expected: Partial<PlaygroundDecoding>): Promise<void> {
  await expect.poll(() => lastKept, { timeout: 10_000 }).toMatchObject(expected);
  await page.reload();
  await page.getByTestId('prompt').waitFor();
}

const valueOf = (testid: string): Promise<string> => page.getByTestId(testid).inputValue();

beforeAll(async () => {
  session = await startSession('decoding');
  page = session.page;
  followKeptScreens(page, (screen) => (lastKept = screen.decoding ?? {}));
  await page.goto(session.url);
  await openScreen(page, 'playground');
  await page.getByTestId('prompt').waitFor();
});

afterAll(() => session?.close());

describe('Playground: the decoding options kept with the screen', () => {
  it('opens after a reload with the method and every method’s settings as they were set', async () => {
    await expect(page.getByTestId('decoding-greedy').isChecked()).resolves.toBe(true);
    await page.getByTestId('decoding-beam').check();
    await page.getByTestId('beams').fill('8');
    await page.getByTestId('decoding-sample').check();
    await page.getByTestId('temperature').fill('0.7');
    await page.getByTestId('top-k').fill('40');
    await page.getByTestId('top-p').fill('0.9');
    await page.getByTestId('sample-seed').fill('123');
    await page.getByTestId('max-new-tokens').fill('64');
    await reloadOnceKept({
      kind: 'sample',
      numBeams: 8,
      temperature: 0.7,
      topK: 40,
      topP: 0.9,
      seed: 123,
      maxNewTokens: 64,
    });

    await expect(page.getByTestId('decoding-sample').isChecked()).resolves.toBe(true);
    await expect(valueOf('temperature')).resolves.toBe('0.7');
    await expect(valueOf('top-k')).resolves.toBe('40');
    await expect(valueOf('top-p')).resolves.toBe('0.9');
    await expect(valueOf('sample-seed')).resolves.toBe('123');
    await expect(valueOf('max-new-tokens')).resolves.toBe('64');
    await page.getByTestId('decoding-beam').check();
    await expect(valueOf('beams')).resolves.toBe('8');
    expect(session.pageErrors).toEqual([]);
  });

  it('brings back a setting typed out of bounds, or left empty, as its default and the others as they were', async () => {
    await page.getByTestId('decoding-sample').check();
    await page.getByTestId('temperature').fill('500');
    await page.getByTestId('temperature-error').waitFor(); // said under the box as it is typed
    await page.getByTestId('top-k').fill('');
    await reloadOnceKept({ kind: 'sample', temperature: 500, topK: null as unknown as number, seed: 123 });

    await expect(page.getByTestId('decoding-sample').isChecked()).resolves.toBe(true);
    await expect(valueOf('temperature')).resolves.toBe('1');
    await expect(valueOf('top-k')).resolves.toBe('50');
    await expect(valueOf('top-p')).resolves.toBe('0.9');
    await expect(valueOf('sample-seed')).resolves.toBe('123');
    await expect(page.getByTestId('temperature-error').count()).resolves.toBe(0);
    expect(session.pageErrors).toEqual([]);
  });
});
