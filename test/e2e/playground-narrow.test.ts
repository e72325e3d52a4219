// End-to-end for the Playground at a phone's width (390×844) against the built `spanfill serve`:
// with a run's checkpoint a column already (a first visit opens the newest run's), "Add as a
// column" and its note "This checkpoint is a column already." sit as two whole blocks, side by
// side or one under the other, not one note wrapped around the button; nothing scrolls
// sideways. The run is 2 steps of test/fixtures/t5/t5-tiny-spm trained with `spanfill train`.
// Screenshots go to test-results/narrow-*.png. Needs `npm run build` first.
// NOTE: page.evaluate takes expression strings because this file is type-checked without DOM types.

import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openScreen } from './navigate';
import { importNotes } from './notes';
import { spanfillJson } from './serve';
import { resultsDir, startSession, type E2eSession } from './session';

const tinySpm = path.resolve('test/fixtures/t5/t5-tiny-spm');
let session: E2eSession;
let page: Page;

beforeAll(async () => {
  session = await startSession('narrow', { viewport: { width: 390, height: 844 } });
  page = session.page;
  const datasetId = importNotes(session, { docs: 30, words: 40, stride: 5 });
  const train = ['train', '--dataset', datasetId, '--model', tinySpm, '--name', 'tiny', '--input-length', '32'];
  spanfillJson(session.dataDir, [...train, '--max-steps', '2']);
}, 120_000);

afterAll(() => session?.close());

/** The client rectangles of the element with `testid`: one for a block, one per line for wrapped inline text. */
const rects = (testid: string): Promise<{ left: number; top: number; right: number; bottom: number }[]> =>
  page.evaluate(
    `[...document.querySelector('[data-testid="${testid}"]').getClientRects()].map((r) => ({ left: r.left, top: r.top, right: r.right, bottom: r.bottom }))`,
  );

describe('the Playground at 390 px', () => {
  it('keeps "Add as a column" and its note whole, beside or under each other', async () => {
    await page.goto(session.url);
    await openScreen(page, 'playground');
    const note = page.getByTestId('pick-step-added');
    await note.waitFor();
    await note.scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(resultsDir, 'narrow-playground-picker.png') });
    const [button] = await rects('pick-step-add');
    const noteRects = await rects('pick-step-added');
    // One box: the note is not wrapped around the button's line.
    expect(noteRects).toHaveLength(1);
    const [box] = noteRects;
    const isBeside = box.left >= button.right && box.top < button.bottom;
    const isUnder = box.top >= button.bottom && box.left <= button.left;
    expect(isBeside || isUnder, JSON.stringify({ button, box })).toBe(true);
    await expect(page.evaluate<number>('document.documentElement.scrollWidth')).resolves.toBe(390);
  });

  it('logged no errors in the page', () => {
    expect(session.pageErrors).toEqual([]);
  });
});
