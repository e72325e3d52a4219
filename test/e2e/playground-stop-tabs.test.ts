// End-to-end for Stop with two tabs on one `spanfill serve`: each tab starts a slow fill (64
// beams, 512 new tokens on builtin:byt5-tiny, a minute or more here); Stop in one tab ends that
// tab's fill only: the other tab's column still waits for its answer and the engine host still
// generates for it, until that tab's own Stop. Needs `npm run build` first; Linux (the host's
// CPU time is read from /proc).

import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineHostBusyShare, engineHostCpuShare } from './engineHostCpu';
import { openScreen } from './navigate';
import { startSession, type E2eSession } from './session';

const slowPrompt = 'A <extra_id_0> fill <extra_id_1> in two tabs.';
/**
 * The share of a core the engine host takes at least while a slow fill runs, and the part of
 * that share it may keep once every fill is stopped (as in playground-stop.test.ts).
 */
const busyShare = 0.15;
const keptShare = 1 / 4;
/** How soon the engine host is seen generating once a fill starts, and quiet once it is stopped (the slow fill takes a minute). */
const quietMs = 20_000;
let session: E2eSession;
/** The tab that presses Stop first, and the tab whose fill must go on meanwhile. */
let stopping: Page;
let other: Page;

/** Opens the Playground in `page`, with builtin:byt5-tiny the one column. */
async function openPlayground(page: Page): Promise<void> {
  await page.goto(session.url);
  await openScreen(page, 'playground');
  await page.getByTestId('fill-column').waitFor();
}

/** Starts the slow fill in `page`; resolves once its Stop shows. */
async function startSlowFill(page: Page): Promise<void> {
  await page.getByTestId('prompt').fill(slowPrompt);
  await page.getByTestId('decoding-beam').check();
  await page.getByTestId('beams').fill('64');
  await page.getByTestId('max-new-tokens').fill('512');
  await page.getByTestId('fill').click();
  await page.getByTestId('fill-stop').waitFor();
}

/** Whether `page`'s fill still waits for its answer: Stop shows, no column stopped or answered. */
async function isWaiting(page: Page): Promise<boolean> {
  const [stop, stopped, answered] = await Promise.all(
    ['fill-stop', 'fill-stopped', 'fill-text'].map((id) => page.getByTestId(id).count()),
  );
  return stop === 1 && stopped === 0 && answered === 0;
}

beforeAll(async () => {
  session = await startSession('stop-tabs');
  stopping = session.page;
  other = await session.context.newPage();
  other.on('pageerror', (error) => session.pageErrors.push(`pageerror (other tab): ${error.message}`));
  other.on('console', (message) => {
    if (message.type() === 'error') session.pageErrors.push(`console (other tab): ${message.text()}`);
  });
  await openPlayground(stopping);
  await openPlayground(other);
});

afterAll(() => session?.close());

describe.runIf(process.platform === 'linux')('Playground: Stop in one of two tabs', () => {
  it("stops that tab's fill only: the other tab's goes on until its own Stop", async () => {
    await expect(stopping.getByTestId('fill-column').count()).resolves.toBe(1);
    await startSlowFill(other);
    await startSlowFill(stopping);
    const busy = await engineHostBusyShare(busyShare, quietMs);
    await stopping.getByTestId('fill-stop').click();
    await expect.poll(() => stopping.getByTestId('fill-stopped').count()).toBe(1);
    // A cancelled fill in the other tab would say so at once (its call rejects as cancelled).
    await stopping.waitForTimeout(1500);
    await expect(isWaiting(other)).resolves.toBe(true);
    await engineHostBusyShare(busyShare, quietMs); // still generating for the other tab
    await expect(isWaiting(other)).resolves.toBe(true);
    await other.getByTestId('fill-stop').click();
    await expect.poll(() => other.getByTestId('fill-stopped').count()).toBe(1);
    // Quiet within seconds (the step under way ends first, later on a loaded machine: one look at
    // a fixed moment is a race), where a generation left running keeps the host busy a minute or more.
    await expect.poll(() => engineHostCpuShare(2000), { timeout: quietMs, interval: 0 }).toBeLessThan(busy * keptShare);
  });

  it('logged no errors in either page', () => {
    expect(session.pageErrors).toEqual([]);
  });
});
