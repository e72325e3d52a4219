// Opening a screen from the navigation rail. The app switches screens on the hashchange that
// follows the click, after Playwright's click() has returned, so locators that do not wait
// (count(), isVisible(), a screenshot) could still see the previous screen: wait for the new
// screen's <main> (data-testid `screen-<id>`, App.svelte) first. Also the Train screen's form
// for a new run.

import type { Locator, Page } from 'playwright-core';

/** Clicks `nav-<id>` and returns the screen's <main> once it shows. */
export async function openScreen(page: Page, id: string): Promise<Locator> {
  await page.getByTestId(`nav-${id}`).click();
  const main = page.getByTestId(`screen-${id}`);
  await main.waitFor();
  return main;
}

/** Opens the Train screen's form for a new run (its "Configure a new run" when a run shows). */
export async function openTrainForm(page: Page): Promise<void> {
  await openScreen(page, 'train');
  if (await page.getByTestId('train-new').isVisible()) await page.getByTestId('train-new').click();
  // The form itself, shown: a failure then says that the form never came, not what it lacked.
  await page.getByTestId('train-form').waitFor();
}
