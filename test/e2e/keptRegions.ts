// Whether what is said appears in a live region that was already in the page, as a screen reader
// needs: it may say nothing of a region inserted with its text already in it. keepLiveRegions
// notes the live regions in <main> now; regionSaying finds the one whose text holds some words
// and tells whether it is one of those noted (the same element, not a new one put in its place).
// NOTE: page.evaluate takes expression strings because the e2e files are type-checked without DOM types.

import type { Page } from 'playwright-core';

const LIVE = '[role=status],[role=alert],[aria-live]';

/** Notes the live regions in <main> now (afresh), for regionSaying to tell whether one was there before. */
export const keepLiveRegions = (page: Page): Promise<unknown> =>
  page.evaluate(`(() => { window.__keptRegions = new Set(document.querySelectorAll('main :is(${LIVE})')); })()`);

/**
 * The live region in <main> whose text holds `words` (undefined while there is none): its role,
 * its text with spaces collapsed, and whether keepLiveRegions noted it.
 */
export const regionSaying = async (
  page: Page,
  words: string,
): Promise<{ role: string | null; text: string; wasKept: boolean } | undefined> =>
  (await page.evaluate<{ role: string | null; text: string; wasKept: boolean } | null>(`(() => {
    const region = [...document.querySelectorAll('main :is(${LIVE})')].find((r) => r.textContent.includes(${JSON.stringify(words)}));
    if (!region) return null;
    return {
      role: region.getAttribute('role'),
      text: region.textContent.trim().replace(/\\s+/g, ' '),
      wasKept: window.__keptRegions?.has(region) ?? false,
    };
  })()`)) ?? undefined;
