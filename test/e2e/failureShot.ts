// A failed e2e test's screen, kept as it was for whoever reads the failure: a full-page
// screenshot in test-results/ named after the test, taken before the next test moves on.

import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterEach } from 'vitest';
import { resultsDir } from './session';

/** After each failed test, `<prefix>-failed-<test name>.png` of the file's page (`page()`: set once its session starts). */
export function screenshotFailures(prefix: string, page: () => Page): void {
  afterEach(async (test) => {
    if (test.task.result?.state !== 'fail') return;
    const name = `${prefix}-failed-${test.task.name.replace(/\W+/g, '-')}.png`;
    await page().screenshot({ path: path.join(resultsDir, name), fullPage: true });
  });
}
