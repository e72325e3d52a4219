// End-to-end: importing on the Models screen a folder already registered (a retry, or a folder
// imported in a terminal) imports nothing, so the notice says "Already registered" with the
// model's name and the note naming its id, never "Imported". Needs `npm run build` first.

import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshotFailures } from './failureShot';
import { startSession, type E2eSession } from './session';

let session: E2eSession;
let page: Page;

beforeAll(async () => {
  session = await startSession('models-import-again');
  page = session.page;
}, 60_000);

afterAll(() => session?.close());

screenshotFailures('models-import-again', () => page);

/** Imports `folder` on the Models screen and resolves with the notice that follows. */
async function importFolder(folder: string, startsWith: RegExp): Promise<string | null> {
  await page.getByTestId('model-folder').fill(folder);
  await page.getByTestId('model-import').click();
  const notice = page.getByTestId('models-notice').filter({ hasText: startsWith });
  await notice.waitFor();
  return notice.textContent();
}

describe('a folder imported again on the Models screen', () => {
  it('says it is already registered and as which model, not that it was imported', async () => {
    const fixture = path.resolve('test/fixtures/t5/t5-tiny-spm');
    await page.goto(session.url);
    await page.getByTestId('nav-models').click();
    await expect(importFolder(fixture, /^Imported t5-tiny-spm/)).resolves.toMatch(/^Imported t5-tiny-spm: /);
    const again = await importFolder(fixture, /^Already registered/);
    expect(again).toMatch(
      new RegExp(
        `^Already registered: t5-tiny-spm \\(t5, .*\\)\\. ${fixture.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} ` +
          'is already registered as m-[0-9a-f]{8} \\(t5-tiny-spm\\); nothing to do\\.$',
      ),
    );
    expect(again).not.toContain('Imported');
    await expect(page.getByTestId('model-row').count()).resolves.toBe(1);
    expect(session.pageErrors).toEqual([]);
  });
});
