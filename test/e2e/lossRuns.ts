// The run-view e2e files' runs and loss charts: two short runs trained by the CLI on the data
// directory serve has open (the first named 'lr 0.003', the second with its default name
// "t5-tiny-spm on notes.txt"), a chart's legend as uPlot draws it, and the loss view's
// smoothing slider moved as a drag would (components/LossViewControls.svelte).
// NOTE: page.evaluate takes expression strings because the e2e files are type-checked without DOM types.

import path from 'node:path';
import type { Page } from 'playwright-core';
import { importNotes } from './notes';
import { spanfillJson } from './serve';

export const tinySpm = path.resolve('test/fixtures/t5/t5-tiny-spm');

/** The flags of every run here but the steps: this dataset, the tiny model, short inputs, small batches. */
export const shortRunFlags = (datasetId: string) => [
  ...['--dataset', datasetId, '--model', tinySpm, '--input-length', '32', '--batch-size', '4'],
];

/** Imports the notes and trains the two 30-step runs (lr 0.003 and 0.001), evaluated every 10 steps. */
export function trainTwoRuns(session: { readonly dir: string; readonly dataDir: string }): {
  datasetId: string;
  runIds: string[];
} {
  const datasetId = importNotes(session, { docs: 30, words: 40, stride: 5 });
  const runIds = [['0.003', '--name', 'lr 0.003'], ['0.001']].map(
    ([lr, ...name]) =>
      spanfillJson<{ runId: string }>(session.dataDir, [
        'train',
        ...shortRunFlags(datasetId),
        ...['--max-steps', '30', '--eval-every', '10', '--checkpoint-every', '30', '--lr', lr, ...name],
      ]).runId,
  );
  return { datasetId, runIds };
}

/** The legend labels of a chart (uPlot's, under the plot). */
export const chartLegend = (page: Page, testid: string) =>
  page.getByTestId(testid).locator('.u-legend .u-label').allTextContents();

/** Moves the smoothing slider (a range input: set its value, then the events a drag sends). */
export async function setSmoothing(page: Page, value: number): Promise<void> {
  await page.evaluate(
    `(() => { const input = document.querySelector('[data-testid=loss-smoothing]'); input.value = '${value}'; ` +
      `for (const type of ['input', 'change']) input.dispatchEvent(new Event(type, { bubbles: true })); })()`,
  );
}
