// How a field carries the error a sent form found in it, for the e2e files that send a form the
// service refuses: the field is marked (aria-invalid) and described by that error, as a number
// box is by the error said as it is typed (README: "a field's error is its description").
// NOTE: page.evaluate takes expression strings because the e2e files are type-checked without DOM types.

import type { Page } from 'playwright-core';

export interface FieldMark {
  /** Its aria-invalid ('' when it has none). */
  readonly invalid: string;
  /**
   * The texts of the elements its aria-describedby names, one space apart ('' when none); one not
   * shown as '(hidden)': a hidden copy of an error shown elsewhere had a screen reader read it twice.
   */
  readonly description: string;
}

/** How the field `testid` is marked now. */
export const fieldMark = (page: Page, testid: string): Promise<FieldMark> =>
  page.evaluate<FieldMark>(`(() => {
    const field = document.querySelector('[data-testid="${testid}"]');
    const ids = (field.getAttribute('aria-describedby') ?? '').split(/\\s+/).filter(Boolean);
    const textOf = (element) =>
      element === null ? '?' : element.getClientRects().length === 0 ? '(hidden)' : element.textContent.trim();
    const description = ids.map((id) => textOf(document.getElementById(id))).join(' ');
    return { invalid: field.getAttribute('aria-invalid') ?? '', description };
  })()`);

/** A field marked with the error `shown` (the text of the banner that shows it, which describes it). */
export const markedWith = (shown: string): FieldMark => ({ invalid: 'true', description: shown.trim() });

/**
 * Presses `testid` with Enter from its own focus, for a send refused at once: the focus may have
 * gone to the field before it could be seen on the button (keyboardFocus's pressByKeyboard checks it there).
 */
export async function pressRefused(page: Page, testid: string): Promise<void> {
  await page.getByTestId(testid).focus();
  await page.keyboard.press('Enter');
}
