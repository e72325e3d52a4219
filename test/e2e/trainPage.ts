// The Train screen and run view in the e2e files: a condition polled until it holds (for waits
// that expect.poll words less clearly, such as a run finishing), the run view's status, the
// estimate's Steps line, and the screen scrolled to its top before a screenshot.

import type { Page } from 'playwright-core';

/** Polls `check` every 200 ms until it holds; fails naming `what` after `timeoutMs`. */
export async function waitUntil(
  page: Page,
  what: string,
  check: () => Promise<boolean>,
  timeoutMs = 60_000,
): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await page.waitForTimeout(200);
  }
}

/** The status the run view shows (its data-status), or null when none shows. */
export const runViewStatus = (page: Page) => page.getByTestId('run-view').getAttribute('data-status');

/** Scrolls the screen's <main> to its top. */
// NOTE: an expression string, as elsewhere in the e2e files: they are type-checked without DOM types.
export const scrollMainToTop = (page: Page) => page.evaluate("document.querySelector('main').scrollTo(0, 0)");

/** The estimate's Steps line now ('' while there is none). */
export async function estimateSteps(page: Page): Promise<string> {
  return (
    (await page
      .getByTestId('estimate-steps')
      .textContent({ timeout: 1000 })
      .catch(() => '')) ?? ''
  );
}
