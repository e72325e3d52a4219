// End-to-end: the app's text follows the browser's own text size (a person who reads better with
// larger text sets it once, for every page), not a fixed 15 px: with Chromium's default font size
// set to 24 px in its profile, the text is 24 × 15/16 = 22.5 px, and the headings grow with it.
// Needs `npm run build` first.

import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './chromium';
import { startSession, type E2eSession } from './session';

let session: E2eSession;

beforeAll(async () => {
  session = await startSession('font-size');
}, 60_000);

afterAll(() => session?.close());

/** The computed font size, in px, of the first element `selector` matches. */
const fontSize = (selector: string) =>
  `parseFloat(getComputedStyle(document.querySelector(${JSON.stringify(selector)})).fontSize)`;

describe("the browser's text size", () => {
  it('scales the whole app', async () => {
    const profile = path.join(session.dir, 'profile-large-text');
    fs.mkdirSync(path.join(profile, 'Default'), { recursive: true });
    fs.writeFileSync(
      path.join(profile, 'Default', 'Preferences'),
      JSON.stringify({ webkit: { webprefs: { default_font_size: 24 } } }),
    );
    const { context, page } = await launchChromium(profile, { width: 1280, height: 800 });
    try {
      await page.goto(session.url);
      await page.locator('main h1').waitFor();
      await expect(page.evaluate<number>(fontSize('body'))).resolves.toBe(22.5);
      await expect(page.evaluate<number>(fontSize('main h1'))).resolves.toBeCloseTo(22.5 * 1.6, 1);
    } finally {
      await context.close();
    }
  }, 60_000);
});
