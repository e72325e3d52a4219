// Where the keyboard focus is, for the e2e files that press controls by keyboard: the focused
// element's testid ('body' when it fell to the page), a control pressed with Enter from its own
// focus, and whether a control is held (aria-disabled: still focusable, a press does nothing).
// NOTE: page.evaluate takes expression strings because the e2e files are type-checked without DOM types.

import type { Page } from 'playwright-core';
import { expect } from 'vitest';

/** The focused element's data-testid (else its tag, lower case: 'body' when the focus was dropped). */
export const focusedTestid = (page: Page): Promise<string> =>
  page.evaluate<string>(
    '(document.activeElement?.dataset.testid ?? document.activeElement?.tagName.toLowerCase()) ?? "none"',
  );

/** Focuses `testid` and presses Enter on it; the control still has the focus as its work starts. */
export async function pressByKeyboard(page: Page, testid: string): Promise<void> {
  await page.getByTestId(testid).focus();
  await page.keyboard.press('Enter');
  await expect(focusedTestid(page)).resolves.toBe(testid);
}

/** Whether `testid` is aria-disabled (held: focusable, ignoring presses) and not natively disabled. */
export const isHeld = async (page: Page, testid: string): Promise<boolean> => {
  const control = page.getByTestId(testid);
  return (await control.getAttribute('aria-disabled')) === 'true' && (await control.getAttribute('disabled')) === null;
};
