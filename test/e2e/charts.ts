// The loss charts in the e2e files (components/LineChart.svelte): how many x positions a chart
// holds, how many of its canvas pixels are near a colour (the theme's accent), and which legend
// entries are cut off below its frame.
// NOTE: page.evaluate takes expression strings because the e2e files are type-checked without DOM types.

import type { Page } from 'playwright-core';

/** The number of x positions the chart holds (LineChart's data-points). */
export async function chartPoints(page: Page, testid: string): Promise<number> {
  return Number(await page.getByTestId(testid).getAttribute('data-points'));
}

/** How many opaque pixels of the chart's canvas are within a few steps of colour `rgb`. */
export function canvasPixelsNear(
  page: Page,
  testId: string,
  [r, g, b]: readonly [number, number, number],
): Promise<number> {
  return page.evaluate<number>(
    `(() => {
      const canvas = document.querySelector('[data-testid="${testId}"] canvas');
      const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
      let near = 0;
      for (let i = 0; i < data.length; i += 4) {
        const distance = Math.abs(data[i] - ${r}) + Math.abs(data[i + 1] - ${g}) + Math.abs(data[i + 2] - ${b});
        if (data[i + 3] > 128 && distance < 24) near++;
      }
      return near;
    })()`,
  );
}

/** The legend entries of a chart that end below its frame (cut off from view): their texts. */
export function legendClipped(page: Page, testId: string): Promise<string[]> {
  return page.evaluate<string[]>(`(() => {
    const frame = document.querySelector('[data-testid="${testId}"] .frame');
    const bottom = frame.getBoundingClientRect().bottom;
    return [...frame.querySelectorAll('.u-legend .u-series')]
      .filter((e) => e.getClientRects().length > 0 && e.getBoundingClientRect().bottom > bottom + 0.5)
      .map((e) => e.textContent);
  })()`);
}
