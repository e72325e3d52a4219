// End-to-end: the built `spanfill serve` in forced colors (Windows High Contrast; Chromium's
// emulation of it), where the page's own colours and backgrounds give way to the system's: every
// button still shows its edge (a primary button filled only with the accent colour showed as
// bare text), and the current screen's nav link stands out from the others (it was marked by
// its background alone). With a dataset listed, so its rows' buttons are on screen.
// Needs `npm run build` first.
// NOTE: page.evaluate takes expression strings because this file is type-checked without DOM types.

import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openScreen } from './navigate';
import { importNotes } from './notes';
import { startSession, type E2eSession } from './session';

let session: E2eSession;
let page: Page;

beforeAll(async () => {
  session = await startSession('forced-colors');
  page = session.page;
  importNotes(session);
  await page.goto(session.url);
  await page.emulateMedia({ forcedColors: 'active' });
}, 120_000);

afterAll(() => session?.close());

/**
 * The buttons drawn as bare text: no border and no outline to show their edge. A button that
 * reads as a link (underlined) is one by its look; a label made to look like a button counts.
 */
const edgeless = `(() => {
  const shows = (width, style) => parseFloat(width) >= 1 && style !== 'none';
  return [...document.querySelectorAll('button:not(.link), label.button')]
    .filter((b) => b.getBoundingClientRect().width > 0)
    .filter((b) => {
      const s = getComputedStyle(b);
      return !shows(s.borderTopWidth, s.borderTopStyle) && !shows(s.outlineWidth, s.outlineStyle);
    })
    .map((b) => b.textContent.trim());
})()`;

/**
 * How a nav link is drawn, all but its text: what tells the current one from the others. Its
 * background as painted (a transparent one shows the rail's).
 */
const linkLook = (testid: string) =>
  page.evaluate<string>(
    `(() => {
      const link = document.querySelector('[data-testid=${testid}]');
      const s = getComputedStyle(link);
      let painted = link;
      while (painted.parentElement && getComputedStyle(painted).backgroundColor.endsWith(', 0)'))
        painted = painted.parentElement;
      const background = getComputedStyle(painted).backgroundColor;
      return [s.color, background, s.borderLeftStyle, s.outlineStyle, s.textDecorationLine].join(' ');
    })()`,
  );

describe('forced colors', () => {
  it('draws the edge of every button on every screen', async () => {
    await expect(page.evaluate<boolean>("matchMedia('(forced-colors: active)').matches")).resolves.toBe(true);
    const found: string[] = [];
    for (const screen of ['datasets', 'masking', 'train', 'runs', 'playground', 'models', 'settings']) {
      await openScreen(page, screen);
      await page.waitForLoadState('networkidle');
      await page.evaluate("document.querySelectorAll('main details').forEach((d) => (d.open = true))");
      found.push(...(await page.evaluate<string[]>(edgeless)).map((text) => `${screen}: ${text}`));
    }
    expect(found).toEqual([]);
  });

  it('tells the current screen’s nav link from the others', async () => {
    await openScreen(page, 'train');
    const current = await linkLook('nav-train');
    for (const other of ['nav-datasets', 'nav-runs']) expect(await linkLook(other)).not.toBe(current);
  });
});
