// End-to-end: every screen of the built `spanfill serve` reflows at 320×256 CSS px (a 1280×1024
// window at 400 % zoom, WCAG 1.4.10) with a dataset, a run and its checkpoints listed and every
// folded part open: <main> never scrolls sideways (a table may, in its own box), the page itself
// does not scroll around <main> (one scroll bar, not two nested ones), and every nav link can be
// reached, the rail scrolling to it; a dataset opened and a run's view too.
// Needs `npm run build` first.
// NOTE: page.evaluate takes expression strings because this file is type-checked without DOM types.

import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openScreen } from './navigate';
import { importNotes } from './notes';
import { mainScrollsSideways, pageScrolls, spill } from './overflow';
import { spanfillJson } from './serve';
import { startSession, type E2eSession } from './session';

const tinySpm = path.resolve('test/fixtures/t5/t5-tiny-spm');
let session: E2eSession;
let page: Page;

beforeAll(async () => {
  session = await startSession('reflow', { viewport: { width: 320, height: 256 } });
  page = session.page;
  const datasetId = importNotes(session);
  const run = ['--dataset', datasetId, '--model', tinySpm, '--max-steps', '4', '--input-length', '32'];
  spanfillJson(session.dataDir, ['train', ...run, '--batch-size', '2', '--checkpoint-every', '2']);
  await page.goto(session.url);
}, 120_000);

afterAll(() => session?.close());

/** The nav links' test ids, in order. */
const navLinks = (): Promise<string[]> =>
  page
    .locator('nav a')
    .evaluateAll((links: unknown[]) =>
      links.map((link) => String((link as { dataset: { testid: string } }).dataset.testid)),
    );

/** What runs out of the screen now: past <main>'s right edge (tables' own scroll aside), <main> or the page scrolling. */
async function outOfScreen(): Promise<string[]> {
  await page.evaluate("document.querySelectorAll('main details').forEach((d) => (d.open = true))");
  await page.waitForTimeout(300);
  const found = (await page.evaluate<string[]>(spill)).filter((what) => !what.endsWith('scrolls sideways'));
  if (await page.evaluate<boolean>(mainScrollsSideways)) found.push('<main> scrolls sideways');
  const scrolls = await page.evaluate<string>(pageScrolls);
  if (scrolls !== '') found.push(`the page scrolls ${scrolls}`);
  return found;
}

describe('the screens at 320 CSS px (400 % zoom)', () => {
  it('scrolls no screen sideways, and only <main> down', async () => {
    const found: string[] = [];
    for (const link of await navLinks()) {
      const screen = link.slice('nav-'.length);
      await openScreen(page, screen);
      await page.waitForLoadState('networkidle');
      found.push(...(await outOfScreen()).map((what) => `${screen}: ${what}`));
    }
    // A dataset opened under the list.
    await openScreen(page, 'datasets');
    await page.getByTestId('datasets-table').locator('button.link').first().click();
    await page.getByTestId('dataset-detail').waitFor();
    found.push(...(await outOfScreen()).map((what) => `a dataset: ${what}`));
    // A run's view, its settings open (outOfScreen opens every <details>).
    await openScreen(page, 'runs');
    await page.getByTestId('run-open').first().click();
    await page.getByTestId('run-view').waitFor();
    found.push(...(await outOfScreen()).map((what) => `a run: ${what}`));
    expect(found).toEqual([]);
  });

  it('reaches every nav link: focused, each is in the window, the rail scrolled to it and not the page', async () => {
    const found: string[] = [];
    for (const link of await navLinks()) {
      await page.getByTestId(link).focus();
      const box = await page.evaluate<{ top: number; bottom: number; height: number }>(
        `(() => { const b = document.activeElement.getBoundingClientRect(); return { top: b.top, bottom: b.bottom, height: innerHeight }; })()`,
      );
      // (within a pixel: a link scrolled to its edge may stand a fraction of one out)
      if (box.top < -1 || box.bottom > box.height + 1)
        found.push(`${link} out of the window: ${box.top} to ${box.bottom}`);
      const scrolls = await page.evaluate<string>(pageScrolls);
      if (scrolls !== '') found.push(`${link}: the page scrolls ${scrolls}`);
    }
    expect(found).toEqual([]);
  });
});
