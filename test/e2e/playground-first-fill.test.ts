// End-to-end: a first visit to the Playground opens the newest run's checkpoint beside its base
// model once the runs' checkpoints are listed; a Fill pressed before that list came (on a slow or
// busy machine the screen shows a moment earlier, with the built-in model ticked) keeps the
// columns it began on and their answers: the opening does not replace them and drop the answer
// the person asked for (the opening itself: playground-checkpoints.test.ts). The list is held on the page's socket (holdReply.ts) until the fill has
// answered. Needs `npm run build` first.

import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSession, type E2eSession } from './session';
import { importNotes } from './notes';
import { routeReplies } from './holdReply';
import { spanfillJson } from './serve';

const tinySpm = path.resolve('test/fixtures/t5/t5-tiny-spm');
let session: E2eSession;

beforeAll(async () => {
  session = await startSession('first-fill');
  const datasetId = importNotes(session);
  const run = [
    '--dataset',
    datasetId,
    '--model',
    tinySpm,
    '--max-steps',
    '2',
    '--input-length',
    '32',
    '--name',
    'tiny',
  ];
  spanfillJson(session.dataDir, ['train', ...run]);
}, 120_000);

afterAll(() => session?.close());

describe("a Playground's first visit", () => {
  it('keeps the columns a fill began on before the runs were listed, and their answers', async () => {
    const page = await session.context.newPage();
    const listing = await routeReplies(page, 'runs.checkpoints', () => 'hold');
    try {
      await page.goto(`${session.url}#/playground`);
      await page.getByTestId('prompt').fill('The cute dog <extra_id_0> in the park.');
      await expect.poll(() => listing.calls()).toBeGreaterThan(0);
      await page.getByTestId('fill').click();
      await page.getByTestId('fill-text').first().waitFor();
      listing.release();
      // The run's checkpoint is listed in the picker, offered, not opened over the fill.
      const picker = page.getByTestId('model-picker');
      await picker.getByText(/run tiny · step 2/).waitFor();
      await expect(picker.getByTestId('pick-builtin').isChecked()).resolves.toBe(true);
      const columns = page.getByTestId('results').getByTestId('fill-column');
      await expect(columns.count()).resolves.toBe(1);
      await expect(columns.getByTestId('fill-text').count()).resolves.toBe(1);
      expect(session.pageErrors).toEqual([]);
    } finally {
      await page.close();
    }
  });
});
