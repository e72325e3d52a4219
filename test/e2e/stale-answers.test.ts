// End-to-end, against the built `spanfill serve`: an answer that comes back after the person
// has moved on writes nothing over what they did meanwhile. Each case holds one call's reply
// (holdReply.ts) on a page of its own, acts while it is out, then lets it through. Needs
// `npm run build` first.

import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importPaths } from './datasetsPage';
import { holdReply, type HeldReply } from './holdReply';
import { writeNotes } from './notes';
import { startSession, type E2eSession } from './session';

let session: E2eSession;

beforeAll(async () => {
  session = await startSession('stale');
});

afterAll(() => session?.close());

/** A page of its own on `screen`, whose first reply to `call` waits for release(). */
async function pageHolding(call: string, screen: string): Promise<{ page: Page; reply: HeldReply }> {
  const page = await session.context.newPage();
  const reply = await holdReply(page, call);
  await page.goto(`${session.url}#/${screen}`);
  await page.getByTestId(`screen-${screen}`).waitFor();
  return { page, reply };
}

describe('answers that land after the person moved on', () => {
  it('Datasets: paths typed while an import runs stay in the box once it lands', async () => {
    const notes = path.join(session.dir, 'notes.txt');
    writeNotes(notes, { docs: 6, words: 12, stride: 5 });
    const { page, reply } = await pageHolding('datasets.import', 'datasets');
    try {
      await importPaths(page, notes);
      await page.getByTestId('import-start').and(page.locator('[aria-busy=true]')).waitFor();
      // The next file, typed while the import is still out (an import can take minutes).
      await page.getByTestId('import-paths').fill('/data/next.txt');
      reply.release();
      await page.getByTestId('datasets-notice').getByText('Imported notes.txt').waitFor();
      await expect(page.getByTestId('import-paths').inputValue()).resolves.toBe('/data/next.txt');
    } finally {
      await page.close();
    }
  });

  it('Models: a folder typed while an import checks its folder stays in the box once it lands', async () => {
    const modelDir = path.join(session.dir, 't5-tiny-spm');
    fs.cpSync(path.resolve('test/fixtures/t5/t5-tiny-spm'), modelDir, { recursive: true });
    const { page, reply } = await pageHolding('models.import', 'models');
    try {
      await page.getByTestId('model-folder').fill(modelDir);
      await page.getByTestId('model-import').click();
      await page.getByTestId('model-import').and(page.locator('[aria-busy=true]')).waitFor();
      // The next folder, typed while the loaders check this one (every weight is decoded).
      await page.getByTestId('model-folder').fill('/models/next');
      await page.getByLabel('Name (optional)').fill('next one');
      reply.release();
      await page.getByTestId('models-notice').getByText('Imported t5-tiny-spm').waitFor();
      await expect(page.getByTestId('model-folder').inputValue()).resolves.toBe('/models/next');
      await expect(page.getByLabel('Name (optional)').inputValue()).resolves.toBe('next one');
    } finally {
      await page.close();
    }
  });
});
