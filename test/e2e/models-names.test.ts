// End-to-end for model names on the Models screen of the built `spanfill serve`: a folder
// imported under a name another model has is numbered ("NAME (2)"), and the notice says so and
// which model has the name, as `spanfill models import` does. Needs `npm run build` first.

import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshotFailures } from './failureShot';
import { startSession, type E2eSession } from './session';

let session: E2eSession;
let page: Page;

beforeAll(async () => {
  session = await startSession('models-names');
  page = session.page;
}, 60_000);

afterAll(() => session?.close());

screenshotFailures('models-names', () => page);

/** Imports `folder` as `name` on the Models screen and resolves with the notice. */
async function importFolder(folder: string, name: string): Promise<string | null> {
  await page.getByTestId('model-folder').fill(folder);
  await page.getByLabel('Name (optional)').fill(name);
  await page.getByTestId('model-import').click();
  const notice = page.getByTestId('models-notice').filter({ hasText: `Imported ${name}` });
  await notice.waitFor();
  return notice.textContent();
}

describe('model names', () => {
  it('numbers a second model imported under a name one has, and the notice says so', async () => {
    const fixture = path.resolve('test/fixtures/t5/t5-tiny-spm');
    const copy = path.join(session.dir, 'copy');
    fs.cpSync(fixture, copy, { recursive: true });
    await page.goto(session.url);
    await page.getByTestId('nav-models').click();
    await expect(importFolder(fixture, 'tiny')).resolves.not.toContain('Named');
    await expect(importFolder(copy, 'tiny')).resolves.toMatch(
      new RegExp(`^Imported tiny \\(2\\): .*\\. Named "tiny \\(2\\)": model m-[0-9a-f]+ is named "tiny" already`),
    );
    await expect(page.getByTestId('model-row').filter({ hasText: 'tiny (2)' }).count()).resolves.toBe(1);
    expect(session.pageErrors).toEqual([]);
  });
});
