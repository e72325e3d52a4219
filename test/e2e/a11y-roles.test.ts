// End-to-end: what a screen reader is told of the charts, the confirmations and the tables,
// against the built `spanfill serve` with two short runs trained by the CLI:
// - a chart's plot takes ←/→/Home/End itself, which a screen reader in browse mode keeps for its
//   own reading unless the plot is an application (still called a chart, with its name and words);
// - the smoothing slider says its value itself (aria-valuetext): the value shown beside it is not
//   said a second time as a live region on each key;
// - the legend's keys are pictures inside named buttons and its rows layout: neither is read out
//   (an unnamed image, a stray row group);
// - a confirmation's question is Keep's description, so it is heard as the focus lands on Keep;
// - the tables have names.
// Needs `npm run build` first.

import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trainTwoRuns } from './lossRuns';
import { openScreen } from './navigate';
import { startSession, type E2eSession } from './session';

let session: E2eSession;
let page: Page;
let runIds: string[];

beforeAll(async () => {
  session = await startSession('a11y-roles');
  page = session.page;
  runIds = trainTwoRuns(session).runIds;
  await page.goto(session.url);
}, 180_000);

afterAll(() => session?.close());

/** The legend of the chart `testid`: each row group's role and whether each key picture is hidden. */
const legendParts = (testid: string) =>
  page
    .getByTestId(testid)
    .locator('.u-legend')
    .evaluate((legend: unknown) => {
      const all = (selector: string) => [
        ...(
          legend as { querySelectorAll(s: string): Iterable<{ getAttribute(a: string): string | null }> }
        ).querySelectorAll(selector),
      ];
      return {
        rowGroups: all('tbody, thead').map((group) => group.getAttribute('role')),
        keys: all('svg').map((key) => key.getAttribute('aria-hidden')),
      };
    });

describe('what a screen reader is told', () => {
  it("of a run's chart: an application called a chart, named and described", async () => {
    await page.goto(`${session.url}#/train/${runIds[0]}`);
    const plot = page.getByTestId('chart-plot').first();
    await plot.waitFor();
    await expect(plot.getAttribute('role')).resolves.toBe('application');
    await expect(plot.getAttribute('aria-roledescription')).resolves.toBe('chart');
    await expect(plot.getAttribute('aria-label')).resolves.toMatch(/^Loss plot: /);
    await expect(plot.getAttribute('aria-describedby')).resolves.toMatch(/\S/);
  });

  it("of a run's chart legend: not its keys' pictures nor its rows' groups", async () => {
    await page.goto(`${session.url}#/train/${runIds[0]}`);
    await expect.poll(() => legendParts('chart-loss').then((parts) => parts.keys.length)).toBeGreaterThan(0);
    const { rowGroups, keys } = await legendParts('chart-loss');
    expect(new Set(rowGroups)).toEqual(new Set(['none']));
    expect(new Set(keys)).toEqual(new Set(['true']));
  });

  it('of the smoothing slider: its value once, not again from the value shown beside it', async () => {
    await page.goto(`${session.url}#/train/${runIds[0]}`);
    const shown = page.getByTestId('loss-smoothing-value');
    await shown.waitFor();
    await expect(shown.getAttribute('aria-hidden')).resolves.toBe('true');
  });

  it("of a confirmation: the question, as Keep's description when it takes the focus", async () => {
    await openScreen(page, 'datasets');
    await page
      .getByTestId('datasets-table')
      .getByRole('button', { name: /^Remove / })
      .first()
      .click();
    const keep = page.getByRole('button', { name: 'Keep', exact: true });
    await expect
      .poll(() =>
        keep.evaluate(
          (button: unknown) =>
            button === (button as { ownerDocument: { activeElement: unknown } }).ownerDocument.activeElement,
        ),
      )
      .toBe(true);
    const describedBy = (await keep.getAttribute('aria-describedby')) ?? '';
    expect(describedBy).toMatch(/\S/);
    const question = await page.locator(`[id="${describedBy}"]`).textContent();
    expect(question).toMatch(/^Remove .* This cannot be undone\.$/);
    await keep.click();
  });

  it('of the tables: each has a name', async () => {
    await openScreen(page, 'datasets');
    await expect(page.getByRole('table', { name: 'Datasets' }).count()).resolves.toBe(1);
    await openScreen(page, 'runs');
    await expect(page.getByRole('table', { name: 'Runs' }).count()).resolves.toBe(1);
    for (const runId of runIds) await page.getByTestId(`run-row-${runId}`).getByTestId('run-select').check();
    await page.getByTestId('compare-table').waitFor();
    await expect(page.getByRole('table', { name: 'Settings that differ, and results' }).count()).resolves.toBe(1);
    await page.goto(`${session.url}#/train/${runIds[0]}`);
    await page.getByTestId('run-checkpoints').waitFor();
    await expect(page.getByRole('table', { name: 'Checkpoints' }).count()).resolves.toBe(1);
  });
});
