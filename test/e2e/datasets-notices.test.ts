// End-to-end for what the Datasets screen says on top, on the built `spanfill serve`: an
// import's notice or error stays until the person does something else on the screen (a button
// pressed: Rename, Remove, a dataset opened, Count tokens) or leaves it, not for the whole visit;
// an outcome that lands after that press stays; each is read out as it appears (live regions
// that are always there). And the table's Tokens column says what its "–" means.
// Needs `npm run build` first (like browser.test.ts).

import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessibilityViolations } from './accessibility';
import { importPaths as importPathsOn } from './datasetsPage';
import { announcements, recordAnnouncements } from './liveRegions';
import { openScreen } from './navigate';
import { startSession, type E2eSession } from './session';

let session: E2eSession;
let page: Page;
let dir: string;

beforeAll(async () => {
  session = await startSession('datasets-notices', { viewport: { width: 1200, height: 900 } });
  ({ page, dir } = session);
  await page.goto(session.url);
  await openScreen(page, 'datasets');
}, 120_000);

afterAll(() => session?.close());

const notice = () => page.getByTestId('datasets-notice');
const error = () => page.getByTestId('datasets-error');
/** A text file of two documents in the session's folder. */
function writeNotes(name: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, 'The cute dog walks in the green park.\n\nA second note about the quiet river at dawn.\n');
  return file;
}
function writeBinary(): string {
  const file = path.join(dir, 'blob.txt');
  fs.writeFileSync(file, Buffer.from([0x41, 0x00, 0x42]));
  return file;
}

describe('Datasets notices', () => {
  it('reads an import notice out as it appears, and lets it go at the next button pressed on the screen', async () => {
    await recordAnnouncements(page);
    await importPathsOn(page, writeNotes('notes.txt'));
    await notice().filter({ hasText: 'Imported notes.txt' }).waitFor();
    expect(await announcements(page)).toContainEqual(
      expect.stringMatching(/^status: Imported notes\.txt: 2 documents/),
    );
    // The list's Tokens column before anything was counted: its "–" says why.
    await expect(page.getByTestId('tokens-note').textContent()).resolves.toBe(
      'Tokens: – until counted; open a dataset and press Count tokens.',
    );
    await expect(
      page.getByTestId('datasets-table').locator('td', { hasText: 'not counted yet' }).count(),
    ).resolves.toBe(1);
    expect(await accessibilityViolations(page)).toEqual([]);
    // Count tokens for it: the notice about the import is gone, the count's own text says what happened.
    await page.getByTestId('tokenize-model-choice').selectOption('bytes');
    await expect(notice().count()).resolves.toBe(1); // (a choice made is no action yet)
    await page.getByTestId('tokenize').click();
    await expect.poll(() => notice().count()).toBe(0);
    await page.getByTestId('token-stats').waitFor();
    await expect.poll(() => page.getByTestId('tokens-note').count()).toBe(0);
  });

  it("lets an import's error go at Rename, at Remove (asked), and when the screen is left", async () => {
    await importPathsOn(page, writeBinary());
    await error().filter({ hasText: 'looks like a binary file' }).waitFor();
    await page.getByRole('button', { name: 'Rename notes.txt' }).click();
    await expect.poll(() => error().count()).toBe(0);
    await page.getByRole('button', { name: 'Keep the name' }).click();

    await importPathsOn(page, writeBinary());
    await error().filter({ hasText: 'looks like a binary file' }).waitFor();
    await page.getByRole('button', { name: 'Remove notes.txt' }).click();
    await expect.poll(() => error().count()).toBe(0);
    await page.getByRole('button', { name: 'Keep', exact: true }).click();

    await importPathsOn(page, writeBinary());
    await error().filter({ hasText: 'looks like a binary file' }).waitFor();
    await openScreen(page, 'runs');
    await openScreen(page, 'datasets');
    await page.getByTestId('datasets-table').waitFor();
    await expect(error().count()).resolves.toBe(0);
  });

  it('keeps what an action says once it lands after the press that started it', async () => {
    await importPathsOn(page, writeNotes('more.txt'));
    await notice().filter({ hasText: 'Imported more.txt' }).waitFor();
    await page.getByRole('button', { name: 'Rename more.txt' }).click();
    await expect.poll(() => notice().count()).toBe(0);
    // Enter in the box presses Save: the press comes before the rename's outcome, which stays.
    await page.getByTestId('rename-input').fill('more notes');
    await page.getByTestId('rename-input').press('Enter');
    await notice().filter({ hasText: 'Renamed to more notes.' }).waitFor();
    expect(session.pageErrors).toEqual([]);
  });
});
