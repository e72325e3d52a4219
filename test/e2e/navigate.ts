// Opening a screen from the navigation rail. The app switches screens on the hashchange that
// follows the click, after Playwright's click() has returned, so locators that do not wait
// (count(), isVisible(), a screenshot) could still see the previous screen: wait for the new
// screen's <main> (data-testid `screen-<id>`, App.svelte) first.

import type { Locator, Page } from 'playwright-core';

/** Clicks `nav-<id>` and returns the screen's <main> once it shows. */
export async function openScreen(page: Page, id: string): Promise<Locator> {
  await page.getByTestId(`nav-${id}`).click();
  const main = page.getByTestId(`screen-${id}`);
  await main.waitFor();
  return main;
}
