// End-to-end at 320×256 (a 1280×1024 screen at 400 % zoom) on the built `spanfill serve`: the
// remove and delete confirms of the Runs, Datasets and Models tables and of the Models screen's
// download cache (components/ConfirmAction), opened by keyboard, show their whole question, "Yes,
// …" and Keep inside the visible part of the table's sideways-scrolling box, so reading the
// question needs no scrolling sideways on top of the page's own scrolling down (WCAG 1.4.10); the
// cache's also at 300 px wide, where the box shows less than the question's least width unless
// the box bounds it. The cache table's box, like the other tables', is a named region the
// keyboard reaches and scrolls (WCAG 2.1.1). A run and the dataset it trained on are written
// straight into the store (storedRuns.ts), with names as long as real ones (the run's question
// names the exports' folder in the data directory: a long path with no space); the model is
// imported as a person does, and one is pulled in a terminal from the local stand-in Hub (a long
// repository id). Each confirm is named by what it removes ("Confirm removal of …").
// Needs `npm run build` first (like browser.test.ts).

import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/main/store/db';
import { startTestHub, type TestHub } from '../support/hub-server';
import { screenshotFailures } from './failureShot';
import { openScreen, openTrainForm } from './navigate';
import { resultsDir, startSession, type E2eSession } from './session';
import { addStoredRun, openStoreForRuns } from './storedRuns';

const DATASET = 'founding-letters-1776.txt';
const RUN = `builtin:byt5-tiny on ${DATASET} (2)`;
const REPO = 'founding-letters-lab/t5-tiny-spm-span-corruption-1776';
const tinySpm = path.resolve('test/fixtures/t5/t5-tiny-spm');

let hub: TestHub;
let session: E2eSession;
let page: Page;
let store: Store;

beforeAll(async () => {
  hub = await startTestHub({ repoId: REPO, folder: tinySpm });
  session = await startSession('confirms-narrow', {
    viewport: { width: 320, height: 256 },
    env: { HF_ENDPOINT: hub.url, HF_TOKEN: '', HF_HUB_OFFLINE: '' },
  });
  page = session.page;
  const opened = openStoreForRuns(session.dataDir);
  store = opened.store;
  store.db.prepare("UPDATE datasets SET name = ? WHERE id = 'ds-1'").run(DATASET);
  addStoredRun(opened.repo, { id: 'r-64453132', name: RUN, status: 'completed', totalSteps: 100 });
  await page.goto(session.url);
}, 120_000);

afterAll(async () => {
  store?.close();
  await session?.close();
  await hub?.close();
});

screenshotFailures('confirms-narrow', () => page);

interface Box {
  readonly left: number;
  readonly right: number;
}
interface Node {
  getBoundingClientRect(): Box;
  closest(selector: string): Node | null;
  querySelectorAll(selector: string): ArrayLike<Node>;
  readonly textContent: string | null;
}

/** Presses Enter on the trigger `trigger`, focused as by Tab, and waits for its question, the group `groupName`. */
async function openConfirm(trigger: string, groupName: string): Promise<void> {
  await page.getByRole('button', { name: trigger, exact: true }).focus();
  await page.keyboard.press('Enter');
  await page.getByRole('group', { name: groupName, exact: true }).waitFor();
}

/**
 * Which of the question `groupName`'s parts (the question, "Yes, …" and Keep) stick out of the
 * visible part of the table's box, or of the window; a screenshot `shot` first.
 */
async function partsCut(groupName: string, shot: string): Promise<string[]> {
  await page.screenshot({ path: path.join(resultsDir, `confirms-narrow-${shot}.png`) });
  const width = page.viewportSize()?.width ?? 0;
  return page.getByRole('group', { name: groupName, exact: true }).evaluate((element: unknown, windowWidth: number) => {
    const shown = element as Node;
    const region = shown.closest('.table-scroll')?.getBoundingClientRect();
    if (!region) return ['no .table-scroll around the question'];
    const [left, right] = [Math.max(region.left, 0), Math.min(region.right, windowWidth)];
    return Array.from(shown.querySelectorAll('[role=alert], button'))
      .map((part) => ({ part, box: part.getBoundingClientRect() }))
      .filter(({ box }) => box.left < left - 0.5 || box.right > right + 0.5)
      .map(({ part, box }) => `${part.textContent?.slice(0, 30)}: ${box.left}–${box.right}, shown ${left}–${right}`);
  }, width);
}

describe('A remove or delete confirm at 320×256', () => {
  it("shows the Runs table's delete question and its buttons inside the table's visible box", async () => {
    await openTrainForm(page); // (which reads the data directory: the question names its exports folder)
    await openScreen(page, 'runs');
    await openConfirm(`Delete ${RUN}`, `Confirm deleting ${RUN}`);
    const question = page.getByTestId('run-delete-question');
    await expect.poll(() => question.textContent(), { timeout: 20_000 }).toContain(session.dataDir);
    expect(await partsCut(`Confirm deleting ${RUN}`, 'runs')).toEqual([]);
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByTestId('run-delete-question').count()).toBe(0);
  });

  it("shows the Datasets table's remove question, named by its dataset, inside the table's visible box", async () => {
    await openScreen(page, 'datasets');
    await openConfirm(`Remove ${DATASET}`, `Confirm removal of ${DATASET}`);
    expect(await partsCut(`Confirm removal of ${DATASET}`, 'datasets')).toEqual([]);
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByTestId('remove-confirm').count()).toBe(0);
  });

  it("shows the Models table's remove question inside the table's visible box", async () => {
    await openScreen(page, 'models');
    await page.getByTestId('model-folder').fill(tinySpm);
    await page.getByTestId('model-import').click();
    await page.getByTestId('model-row').waitFor({ timeout: 30_000 });
    await openConfirm('Remove t5-tiny-spm', 'Confirm removal of t5-tiny-spm');
    expect(await partsCut('Confirm removal of t5-tiny-spm', 'models')).toEqual([]);
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByTestId('model-remove-confirm').count()).toBe(0);
  });

  it("shows the download cache's delete question inside the cache table's visible box", async () => {
    const env = { ...process.env, HF_ENDPOINT: hub.url, HF_TOKEN: '', HF_HUB_OFFLINE: '' };
    const pull = ['bin/spanfill.mjs', 'models', 'pull', REPO, '--data-dir', session.dataDir, '--json'];
    await promisify(execFile)(process.execPath, pull, { env });
    const trigger = `Delete ${REPO} from the cache`;
    await page.getByRole('button', { name: trigger, exact: true }).waitFor({ timeout: 10_000 });
    const group = page.getByRole('group', { name: `Confirm deleting ${REPO}`, exact: true });
    await openConfirm(trigger, `Confirm deleting ${REPO}`);
    expect(await partsCut(`Confirm deleting ${REPO}`, 'cache')).toEqual([]);
    await page.keyboard.press('Escape');
    await expect.poll(() => group.count()).toBe(0);
    // A window a little narrower (a 1200 px screen at 400 %): the box shows less than the
    // question's least width (12rem) when that is not bound to the box.
    await page.setViewportSize({ width: 300, height: 256 });
    try {
      await openConfirm(trigger, `Confirm deleting ${REPO}`);
      expect(await partsCut(`Confirm deleting ${REPO}`, 'cache-300')).toEqual([]);
      await page.keyboard.press('Escape');
      await expect.poll(() => group.count()).toBe(0);
    } finally {
      await page.setViewportSize({ width: 320, height: 256 });
    }
    expect(session.pageErrors).toEqual([]);
  });
});

describe('the download cache table at 320×256', () => {
  it('is a named region the keyboard reaches and scrolls sideways', async () => {
    const region = page.getByRole('region', { name: 'Download cache', exact: true });
    await region.focus();
    await expect(page.evaluate('document.activeElement?.classList.contains("table-scroll")')).resolves.toBe(true);
    type Box = { scrollLeft: number };
    const scrolled = () => region.evaluate((element) => (element as unknown as Box).scrollLeft);
    // (Back to its start: the confirm before scrolled it to its question.)
    await region.evaluate((element) => ((element as unknown as Box).scrollLeft = 0));
    await page.keyboard.press('ArrowRight');
    await expect.poll(scrolled).toBeGreaterThan(0);
  });
});
