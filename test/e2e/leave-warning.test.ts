// Closing the tab while its upload or import runs asks first (probe 74, finding 3): the browser's
// own "Leave site?" (a beforeunload dialog), and a person who stays keeps the work going; once
// it has ended, the tab closes without a question. The upload is kept running by slowing each
// request (network.ts), the import by holding the server's reply to its datasets.import
// (holdReply.ts), not by timing. Needs `npm run build`.

import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshotFailures } from './failureShot';
import { holdReply, type HeldReply } from './holdReply';
import { slowLargeUpload, slowRequests } from './network';
import { startSession, type E2eSession } from './session';

let session: E2eSession;
let page: Page;
let heldImport: HeldReply;

beforeAll(async () => {
  session = await startSession('leave');
  page = session.page;
  heldImport = await holdReply(page, 'datasets.import');
  await page.goto(session.url);
  // A person's click: browsers ask before leaving only a page a person has used.
  await page.getByTestId('nav-datasets').click();
  await page.getByTestId('screen-datasets').waitFor();
});

afterAll(async () => {
  heldImport?.release();
  await session?.close();
});

screenshotFailures('leave-warning', () => page);

/** Closes the tab as a person does (beforeunload runs); the kind of the dialog it asked with, which is answered "stay". */
async function closeAndStay(): Promise<string> {
  const asked = page.waitForEvent('dialog', { timeout: 10_000 });
  await page.close({ runBeforeUnload: true });
  const dialog = await asked;
  await dialog.dismiss();
  return dialog.type();
}

describe('closing the tab while its work runs', () => {
  it('asks first during an upload; staying keeps the upload going', async () => {
    const { file: large, cdp } = await slowLargeUpload(session.context, page, session.dir);
    try {
      await page.getByTestId('pick-files').setInputFiles(large);
      await page.getByTestId('upload-progress').waitFor();
      expect(await closeAndStay()).toBe('beforeunload');
      expect(page.isClosed()).toBe(false);
      await expect(page.getByTestId('upload-progress').textContent()).resolves.toMatch(/Uploading long-book\.txt/);
      await page.getByTestId('upload-cancel').click();
    } finally {
      await slowRequests(cdp, 0);
    }
    await page.getByTestId('datasets-notice').filter({ hasText: 'cancelled' }).waitFor();
  });

  it('asks first during an import; staying sees it end', async () => {
    const file = path.join(session.dir, 'river-notes.txt');
    fs.writeFileSync(file, 'The quiet river at dawn.\n\nA heron waits by the reeds.\n');
    await page.getByTestId('pick-files').setInputFiles(file);
    await expect.poll(() => heldImport.calls()).toBe(1);
    await page.getByTestId('import-progress').waitFor();
    expect(await closeAndStay()).toBe('beforeunload');
    expect(page.isClosed()).toBe(false);
    heldImport.release();
    await page.getByTestId('datasets-notice').filter({ hasText: 'Imported river-notes.txt' }).waitFor();
    // The notice comes as the dataset opens, before the import is over on the page.
    await page.getByTestId('import-progress').waitFor({ state: 'detached' });
  });

  it('closes without a question once nothing runs', async () => {
    const asked: string[] = [];
    page.on('dialog', (dialog) => {
      asked.push(dialog.type());
      void dialog.dismiss();
    });
    const closed = page.waitForEvent('close', { timeout: 10_000 });
    await page.close({ runBeforeUnload: true });
    await closed;
    expect(asked).toEqual([]);
  });
});
