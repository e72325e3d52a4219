// End-to-end: in a narrow window (under 1000 CSS px: about 130 % zoom of a 1280 px window, up to
// 320 px at 400 %) the rail shows only its glyphs (▤ ▧ ▶ …), and each link's name showed only in
// its title, which never shows on keyboard focus. Now the name shows beside the link it belongs
// to while the link has the keyboard focus or the pointer, whole, in the window, not hidden by
// the rail's edge, and the page does not scroll sideways for it. Needs `npm run build` first.

import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routes } from '../../src/renderer/src/lib/routes';
import { startSession, type E2eSession } from './session';

let session: E2eSession;
let page: Page;

beforeAll(async () => {
  session = await startSession('nav-names');
  page = session.page;
}, 60_000);

afterAll(() => session?.close());

/** Whether the link's name shows now: its words laid out whole, in the window and on top at their middle. */
async function nameShows(link: Locator, name: string): Promise<string> {
  return link.locator('.rail-label').evaluate((label: unknown, words: string) => {
    const element = label as {
      textContent: string;
      scrollWidth: number;
      getBoundingClientRect(): { left: number; right: number; top: number; bottom: number; width: number };
      contains(other: unknown): boolean;
      ownerDocument: {
        elementFromPoint(x: number, y: number): unknown;
        defaultView: { innerWidth: number; innerHeight: number };
        scrollingElement: { scrollWidth: number };
      };
    };
    const box = element.getBoundingClientRect();
    const view = element.ownerDocument.defaultView;
    const { scrollWidth } = element.ownerDocument.scrollingElement;
    const onTop = element.contains(
      element.ownerDocument.elementFromPoint((box.left + box.right) / 2, (box.top + box.bottom) / 2),
    );
    if (element.textContent.trim() !== words) return `says ${element.textContent}`;
    if (box.width < element.scrollWidth || box.width < 8) return `is ${box.width}px wide`;
    if (box.left < 0 || box.right > view.innerWidth || box.top < 0 || box.bottom > view.innerHeight)
      return 'is out of the window';
    if (!onTop) return 'is hidden';
    if (scrollWidth > view.innerWidth) return 'makes the page scroll sideways';
    return 'shows';
  }, name);
}

describe("the rail's names in a narrow window", () => {
  for (const viewport of [
    { width: 980, height: 620 },
    { width: 320, height: 256 },
  ]) {
    it(`show on keyboard focus and on hover at ${viewport.width} px`, async () => {
      await page.setViewportSize(viewport);
      await page.goto(session.url);
      const found: string[] = [];
      // Keyboard focus: the last link, then ↓ through the rail from the first.
      await page.getByTestId(`nav-${routes.at(-1)?.id}`).focus();
      for (const route of routes) {
        await page.keyboard.press('ArrowDown');
        const link = page.getByTestId(`nav-${route.id}`);
        await expect(
          link.evaluate(
            (a: unknown) => a === (a as { ownerDocument: { activeElement: unknown } }).ownerDocument.activeElement,
          ),
        ).resolves.toBe(true);
        found.push(`focused ${route.id}: ${await nameShows(link, route.label)}`);
      }
      await page.getByTestId('nav-datasets').blur();
      for (const route of routes) {
        const link = page.getByTestId(`nav-${route.id}`);
        await link.hover();
        found.push(`hovered ${route.id}: ${await nameShows(link, route.label)}`);
      }
      expect(found).toEqual([
        ...routes.map((route) => `focused ${route.id}: shows`),
        ...routes.map((route) => `hovered ${route.id}: shows`),
      ]);
    }, 60_000);
  }
});
