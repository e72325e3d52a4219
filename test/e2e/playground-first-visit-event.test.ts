// End-to-end: a first visit to the Playground opens the newest run's checkpoint beside its base
// model (playground-checkpoints.test.ts) even when a run's event (here a rename in a terminal)
// comes while the screen's own listing of the runs' checkpoints is out: the listing that event
// asks for lands first and stands in for it. (It overtook the screen's, which was then dropped as
// stale, and the first visit opened nothing: the built-in model alone.) The screen's listing is
// held on the page's socket (holdReply.ts) until the event's has landed. Needs `npm run build` first.

import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSession, type E2eSession } from './session';
import { importNotes } from './notes';
import { routeReplies } from './holdReply';
import { firstVisitColumns } from './playgroundPage';
import { spanfillJson } from './serve';

const tinySpm = path.resolve('test/fixtures/t5/t5-tiny-spm');
let session: E2eSession;
let runId: string;

beforeAll(async () => {
  session = await startSession('first-visit-event');
  const datasetId = importNotes(session);
  const run = ['--dataset', datasetId, '--model', tinySpm, '--max-steps', '2', '--input-length', '32'];
  ({ runId } = spanfillJson<{ runId: string }>(session.dataDir, ['train', ...run, '--name', 'tiny']));
}, 120_000);

afterAll(() => session?.close());

describe("a Playground's first visit", () => {
  it("opens the newest run's checkpoint beside its base when a run's event comes while its listing is out", async () => {
    const page = await session.context.newPage();
    const listing = await routeReplies(page, 'runs.checkpoints', (index) => (index === 0 ? 'hold' : 'pass'));
    try {
      await page.goto(`${session.url}#/playground`);
      await expect.poll(() => listing.calls(), { timeout: 10_000 }).toBe(1);
      spanfillJson(session.dataDir, ['runs', 'rename', runId, 'renamed']);
      // The event's listing, answered and shown in the picker, while the screen's is still held.
      const picker = page.getByTestId('model-picker');
      await picker.getByText(/run renamed · step 2/).waitFor({ timeout: 10_000 });
      listing.release();
      const columns = await firstVisitColumns(page);
      await expect(columns.nth(0).textContent()).resolves.toContain('t5-tiny-spm');
      await expect(columns.nth(1).textContent()).resolves.toMatch(/run renamed · step 2 \(best/);
      await expect(picker.getByTestId('pick-builtin').isChecked()).resolves.toBe(false);
      expect(session.pageErrors).toEqual([]);
    } finally {
      await page.close();
    }
  });
});
