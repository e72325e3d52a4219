// An automated accessibility audit of what the page shows now: axe-core's rules (WCAG 2 A and
// AA, contrast included, and its best practices, and label-content-name-mismatch, which axe keeps
// off as experimental: a control whose name does not hold its visible words, WCAG 2.5.3, cannot
// be called by what a speech user reads on it) run in the page, each violation returned as
// one line naming the rule, the element and what to fix, so a failing test reads as a to-do.
// NOTE: page.evaluate takes expression strings because the e2e files are type-checked without DOM types.

import fs from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

const axeSource = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

const audit = `(async () => {
  const result = await axe.run(document, {
    resultTypes: ['violations'],
    rules: { 'label-content-name-mismatch': { enabled: true } },
  });
  return result.violations.flatMap((rule) =>
    rule.nodes.map((node) => rule.id + ' (' + rule.impact + '): ' + rule.help + ' — ' + node.target.join(' ') +
      ' — ' + (node.failureSummary ?? '').replace(/\\s+/g, ' ')));
})()`;

/** The page's accessibility violations now, one line each; [] when it passes. */
export async function accessibilityViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate("typeof axe !== 'undefined'"))) await page.evaluate(axeSource);
  return page.evaluate<string[]>(audit);
}
