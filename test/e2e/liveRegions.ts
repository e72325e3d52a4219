// What the live regions of an e2e page say, as a screen reader would be told: from the moment
// recording starts, each region (role status or alert, or aria-live) added with text, or whose
// text changes, once per change, as `role: text` (`live: text` for a bare aria-live).
// NOTE: page.evaluate takes expression strings because the e2e files are type-checked without DOM types.

import type { Page } from 'playwright-core';

/** Starts recording what the live regions in <main> say (afresh: an earlier recording stops). */
export const recordAnnouncements = (on: Page): Promise<unknown> =>
  on.evaluate(`(() => {
    window.announced = [];
    window.announcing?.disconnect();
    const said = new WeakMap();
    const live = '[role=status],[role=alert],[aria-live]';
    window.announcing = new MutationObserver((records) => {
      const regions = new Set();
      for (const record of records) {
        for (const node of record.addedNodes)
          if (node instanceof Element) [node, ...node.querySelectorAll(live)].forEach((e) => e.matches(live) && regions.add(e));
        const region = (record.target instanceof Element ? record.target : record.target.parentElement)?.closest(live);
        if (region) regions.add(region);
      }
      for (const region of regions) {
        const text = region.textContent.trim().replace(/\\s+/g, ' ');
        if (!region.isConnected || text === '' || said.get(region) === text) continue;
        said.set(region, text);
        window.announced.push((region.getAttribute('role') ?? 'live') + ': ' + text);
      }
    });
    window.announcing.observe(document.querySelector('main'), { childList: true, subtree: true, characterData: true });
  })()`);

/** What the live regions said since recordAnnouncements, in order. */
export const announcements = (on: Page): Promise<string[]> => on.evaluate<string[]>('window.announced');

/** Whether the element `testid` is inside a live region (or is one) now. */
export const isInLiveRegion = (on: Page, testid: string): Promise<boolean> =>
  on.evaluate<boolean>(
    `document.querySelector('[data-testid="${testid}"]').closest('[role=status],[role=alert],[aria-live]') !== null`,
  );
