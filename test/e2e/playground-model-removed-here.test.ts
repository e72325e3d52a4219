// End-to-end for the Playground's word on a registered model's column whose model went by this
// window's hand or while the app was closed, against the built `spanfill serve`: one removed on
// the Models screen is said to have been removed there (not "elsewhere"); one shown when the
// page was left and removed from a terminal before it opened again is named from the kept
// screen ("shown here last time, was removed since"), once: the screen kept then leaves it out.
// (playground-model-removed.test.ts has a removal from a terminal while the Playground is open.)
// Needs `npm run build` first.

import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlaygroundScreen } from '../../src/shared/contract/playground';
import { openScreen } from './navigate';
import { followKeptScreens, playgroundNotice } from './playgroundPage';
import { spanfillJson } from './serve';
import { startSession, type E2eSession } from './session';

let session: E2eSession;
let page: Page;
/** The screen of the page's latest playground.keepScreen call that the server has answered. */
let lastKept: Partial<PlaygroundScreen> | undefined;

/** Registers a copy of the t5-tiny-spm fixture as `name`, from a terminal; its id. */
function importModel(name: string): string {
  // Outside the data directory: models.import refuses a folder inside it (modelsImportPlace.ts).
  const folder = path.join(session.dir, 'my-models', name.replaceAll(' ', '-'));
  fs.cpSync(path.resolve('test/fixtures/t5/t5-tiny-spm'), folder, { recursive: true });
  const imported = spanfillJson<{ model: { id: string } }>(session.dataDir, [
    'models',
    'import',
    folder,
    '--name',
    name,
  ]);
  return imported.model.id;
}

const columnNames = (): Promise<string[]> => page.getByTestId('fill-column').locator('h3').allTextContents();
const said = (): Promise<string | null> => playgroundNotice(page);

async function openPlayground(): Promise<void> {
  await openScreen(page, 'playground');
  await page.getByTestId('prompt').waitFor();
}

beforeAll(async () => {
  session = await startSession('model-rm-here');
  page = session.page;
  followKeptScreens(page, (screen) => (lastKept = screen));
  await page.goto(session.url);
  await openPlayground();
});

afterAll(() => session?.close());

describe('Playground: a model removed here, or while the app was closed', () => {
  it('says that a model removed on the Models screen was removed there, not elsewhere', async () => {
    importModel('spm here');
    await page.getByLabel(/spm here/).check();
    await expect.poll(columnNames).toEqual(['builtin:byt5-tiny', 'spm here']);
    await openScreen(page, 'models');
    await page.getByRole('button', { name: 'Remove spm here', exact: true }).click();
    await page
      .getByRole('group', { name: 'Confirm removal of spm here', exact: true })
      .getByRole('button', { name: 'Yes, remove' })
      .click();
    await expect.poll(() => page.getByTestId('model-row').count()).toBe(0);
    await openPlayground();
    await expect.poll(columnNames).toEqual(['builtin:byt5-tiny']);
    await expect.poll(said).toBe('Model “spm here” was removed on the Models screen, so its column went.');
  });

  it('names a model shown when the page was left and removed before it opened again, once', async () => {
    const id = importModel('spm closed');
    await page.getByLabel(/spm closed/).check();
    await expect.poll(columnNames).toEqual(['builtin:byt5-tiny', 'spm closed']);
    await expect.poll(() => lastKept?.modelNames, { timeout: 10_000 }).toEqual([{ key: id, label: 'spm closed' }]);
    await page.goto('about:blank');
    spanfillJson(session.dataDir, ['models', 'rm', 'spm closed']);
    await page.goto(session.url);
    await openPlayground();
    await expect
      .poll(said)
      .toBe(
        'Model “spm closed”, shown here last time, was removed since: import or download it again on the Models screen to fill with it.',
      );
    expect(await columnNames()).toEqual(['builtin:byt5-tiny']);
    // The screen kept now leaves it out, so the next opening says nothing of it.
    await expect.poll(() => lastKept?.selected, { timeout: 10_000 }).toEqual(['builtin:byt5-tiny']);
    await page.reload();
    await openPlayground();
    await expect.poll(columnNames).toEqual(['builtin:byt5-tiny']);
    expect(await said()).toBe(null);
  });

  it('logged no errors in the page', () => {
    expect(session.pageErrors).toEqual([]);
  });
});
