// End-to-end: the Datasets screen's import notice carries the import's notes (files skipped, a
// name numbered), kept short: a short lone note said whole, longer ones counted, and each read in
// the dataset's details that open under it. Needs `npm run build` first.

import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importPaths } from './datasetsPage';
import { openScreen } from './navigate';
import { startSession, type E2eSession } from './session';

let session: E2eSession;
let page: Page;

beforeAll(async () => {
  session = await startSession('datasets-import-notes');
  page = session.page;
  await page.goto(session.url);
  await openScreen(page, 'datasets');
}, 120_000);

afterAll(() => session?.close());

/** The notice after importing `file`, once it says "Imported `name`". */
async function noticeAfter(file: string, name: string): Promise<string | null> {
  await importPaths(page, file);
  const notice = page.getByTestId('datasets-notice').filter({ hasText: `Imported ${name}:` });
  await notice.waitFor();
  return notice.textContent();
}

describe('an import notice with notes', () => {
  it('counts a long note and says where it is, and says a short one whole', async () => {
    const folder = path.join(session.dir, 'corpus');
    fs.mkdirSync(folder);
    fs.writeFileSync(path.join(folder, 'notes.txt'), 'The cute dog walks in the park.\n\nA quiet river at dawn.\n');
    fs.writeFileSync(path.join(folder, 'pic.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0]));
    expect(await noticeAfter(folder, 'corpus')).toMatch(/\)\. 1 note on the import, in its details below\.$/);
    const details = page.getByTestId('dataset-detail');
    await details.filter({ hasText: 'corpus' }).waitFor();
    await expect(details.getByText(`Note: Skipped 1 file in ${folder}`).count()).resolves.toBe(1);

    const short = path.join(session.dir, 'short');
    fs.mkdirSync(short);
    fs.writeFileSync(path.join(short, 'other.txt'), 'Another text, about hills.\n\nAnd one about the sea.\n');
    fs.writeFileSync(path.join(short, 'empty.txt'), '');
    const empty = path.join(short, 'empty.txt').replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    expect(await noticeAfter(short, 'short')).toMatch(new RegExp(`\\)\\. Note: Skipped ${empty}: it is empty\\.$`));
    expect(session.pageErrors).toEqual([]);
  });
});
