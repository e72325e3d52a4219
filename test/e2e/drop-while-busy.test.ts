// A drop onto another screen while an upload or import runs (probe-crash2 finding 4): the page
// goes to Datasets, as any drop does, and says there that the running one must end first,
// rather than doing nothing visible where the drop was. The running import is held by holding
// the server's reply to its datasets.import (holdReply.ts), not by timing. Needs `npm run build`.
// NOTE: page.evaluate takes expression strings because this file is type-checked without DOM types.

import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropFiles } from './dropFiles';
import { screenshotFailures } from './failureShot';
import { routeReplies } from './holdReply';
import { startSession, type E2eSession } from './session';

let session: E2eSession;
let page: Page;

beforeAll(async () => {
  session = await startSession('dropbusy');
  page = session.page;
  await page.goto(session.url);
});

afterAll(async () => {
  await session?.close();
});

screenshotFailures('drop-while-busy', () => page);

/** Drops a text file called `name` onto the page body. */
const dropText = (name: string, text: string): Promise<void> => dropFiles(page, [{ name, content: text }]);

describe('a drop while an import runs', () => {
  it('goes to Datasets and says there that the running import must end first', async () => {
    const held = await routeReplies(page, 'datasets.import', () => 'hold');
    await page.reload();
    await page.getByTestId('screen-datasets').waitFor();
    await dropText('first.txt', 'The first file, whose import is held.\n');
    await expect.poll(() => held.calls()).toBe(1);
    await page.evaluate(`location.hash = '#/train'`);
    await page.getByTestId('screen-train').waitFor();
    await dropText('second.txt', 'A second file, dropped meanwhile.\n');
    await page.getByTestId('screen-datasets').waitFor();
    await expect(page.getByTestId('datasets-error').textContent()).resolves.toBe(
      'An upload or import is still running; wait for it or cancel it, then drop again.',
    );
    held.release();
    await page.getByTestId('datasets-notice').waitFor();
    await expect(page.getByTestId('datasets-notice').textContent()).resolves.toMatch(/^Imported first\.txt/);
  });
});
