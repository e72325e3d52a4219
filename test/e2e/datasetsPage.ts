// The Datasets screen in the e2e files: files imported through its folded "paths on the
// machine running Spanfill" form, as a person types them.

import type { Page } from 'playwright-core';

/** Types `file` into the (folded) paths form and imports it. */
export async function importPaths(page: Page, file: string): Promise<void> {
  const section = page.getByTestId('import-paths-section');
  if ((await section.getAttribute('open')) === null) await section.locator('summary').click();
  await page.getByTestId('import-paths').fill(file);
  await page.getByTestId('import-start').click();
}
