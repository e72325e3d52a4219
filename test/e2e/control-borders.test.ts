// End-to-end: every form control's edge shows (WCAG 1.4.11, non-text contrast 3:1): text boxes,
// number boxes, selects, text areas and secondary buttons are told apart from what they sit on
// only by their border, which was the light grey of the dividers (1.3 to 1.5:1). On every screen,
// in the light and the dark theme, each visible control has a border whose colour is 3:1 or more
// against the background around it; the Train form's "Train for" select, which had none, among
// them. Needs `npm run build` first.

import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routes } from '../../src/renderer/src/lib/routes';
import { openScreen, openTrainForm } from './navigate';
import { importNotes } from './notes';
import { startSession, type E2eSession } from './session';

let session: E2eSession;

beforeAll(async () => {
  session = await startSession('control-borders');
  importNotes(session, { docs: 12, words: 30, stride: 4 });
}, 60_000);

afterAll(() => session?.close());

interface Edge {
  readonly control: string;
  readonly testid: string | null;
  readonly width: number;
  readonly contrast: number;
}

// Each visible control's top border: its width and its colour's contrast (WCAG's relative
// luminance) against the first background behind it that is not transparent.
const edges = `(() => {
  const rgb = (text) => (text.match(/[\\d.]+/g) ?? []).map(Number);
  const luminance = ([r, g, b]) => {
    const lin = (v) => (v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
  };
  const behind = (element) => {
    for (let at = element.parentElement; at; at = at.parentElement) {
      const colour = rgb(getComputedStyle(at).backgroundColor);
      if (colour.length === 3 || colour[3] > 0) return colour;
    }
    return rgb(getComputedStyle(document.documentElement).backgroundColor);
  };
  const controls = document.querySelectorAll(
    "input:not([type=radio], [type=checkbox], [type=range], [type=file], [type=hidden]), select, textarea, button.secondary, label.secondary-look",
  );
  return [...controls].filter((c) => c.checkVisibility({ visibilityProperty: true })).map((c) => {
    const style = getComputedStyle(c);
    const [a, b] = [luminance(rgb(style.borderTopColor)), luminance(behind(c))];
    return {
      control: c.tagName.toLowerCase() + (c.className ? '.' + c.className.split(' ').join('.') : ''),
      testid: c.getAttribute('data-testid'),
      width: parseFloat(style.borderTopWidth),
      contrast: (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05),
    };
  });
})()`;

async function screenEdges(page: Page, screen: string): Promise<Edge[]> {
  if (screen === 'train') await openTrainForm(page);
  else await openScreen(page, screen);
  await page.waitForLoadState('networkidle');
  return page.evaluate<Edge[]>(edges);
}

describe('form controls', () => {
  it('have a border 3:1 or more against what they sit on, on every screen in both themes', async () => {
    const { page } = session;
    await page.goto(session.url);
    const weak: string[] = [];
    const seen = new Set<string | null>();
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      for (const { id } of routes) {
        for (const edge of await screenEdges(page, id)) {
          seen.add(edge.testid);
          if (edge.width < 1 || edge.contrast < 3)
            weak.push(
              `${scheme} ${id}: ${edge.control} [${edge.testid}] ${edge.width}px ${edge.contrast.toFixed(2)}:1`,
            );
        }
      }
    }
    await page.emulateMedia({ colorScheme: 'light' });
    expect(seen).toContain('train-length-by');
    expect(weak).toEqual([]);
  }, 120_000);
});
