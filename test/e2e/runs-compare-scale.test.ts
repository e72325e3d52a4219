// End-to-end for the Runs screen's comparison with many runs, one of them training, on the built
// `spanfill serve`: 21 finished runs and one "training" written straight into the store (storedRuns.ts; this
// test's process owns the live one and adds a step every 300 ms, as a `spanfill train` in a
// terminal would; the server's watcher announces each). Every call the page makes is counted on
// its socket. A comparison is asked for when the ticks change or a compared run's status does,
// not at each step; a row's detail likewise; the figures of the run training, in its row and the
// comparison, follow it from the events (no runs.statusChanged at a step); curves come only for the metrics drawn, and a run
// unticked lets its curves go; a late answer for an older set of ticks replaces nothing; no more
// than MAX_COMPARED_RUNS can be ticked; and the table's Setting column keeps its words whole with
// 20 runs, the table scrolling sideways in its panel.
// Needs `npm run build` first (like browser.test.ts).
// NOTE: page.evaluate takes expression strings because the e2e files are type-checked without DOM types.

import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/main/store/db';
import type { RunRepository } from '../../src/main/store/runs';
import { MAX_COMPARED_RUNS } from '../../src/shared/contract/runs';
import { formatMetric } from '../../src/renderer/src/lib/format';
import { wsPath } from '../../src/shared/ws-protocol';
import { openScreen } from './navigate';
import { startSession, type E2eSession } from './session';
import { addStoredRun, openStoreForRuns } from './storedRuns';

interface SentCall {
  readonly call: string;
  readonly args: { readonly ids?: readonly string[]; readonly id?: string; readonly names?: readonly string[] };
}

/** The page's socket, every call it sends and every reply recorded; the first reply to `hold`'s call after it waits for release. */
class SocketTap {
  readonly sent: SentCall[] = [];
  /** The calls answered (as the page got them), in order. */
  readonly answered: string[] = [];
  /** The events pushed to the page, by name, in order. */
  readonly heard: string[] = [];
  private readonly callOf = new Map<number, string>();
  private holding: string | undefined;
  private heldId: number | undefined;
  private readonly held: (() => void)[] = [];

  async route(page: Page): Promise<void> {
    await page.routeWebSocket(
      (url) => url.pathname === wsPath,
      (ws) => {
        const server = ws.connectToServer();
        ws.onMessage((message) => {
          const frame = typeof message === 'string' ? (JSON.parse(message) as { id?: number; call?: string }) : {};
          if (frame.call) this.sent.push({ call: frame.call, args: (frame as { args?: SentCall['args'] }).args ?? {} });
          if (frame.call && frame.id !== undefined) this.callOf.set(frame.id, frame.call);
          if (frame.call === this.holding && this.heldId === undefined) this.heldId = frame.id;
          server.send(message);
        });
        server.onMessage((message) => {
          const frame = typeof message === 'string' ? (JSON.parse(message) as { id?: number; event?: string }) : {};
          if (frame.event) this.heard.push(frame.event);
          const pass = () => {
            ws.send(message);
            if (frame.id !== undefined) this.answered.push(this.callOf.get(frame.id) ?? '');
          };
          if (frame.id !== undefined && frame.id === this.heldId) this.held.push(pass);
          else pass();
        });
      },
    );
  }

  hold(call: string): void {
    [this.holding, this.heldId] = [call, undefined];
  }

  release(): void {
    [this.holding, this.heldId] = [undefined, -1];
    for (const send of this.held.splice(0)) send();
  }

  replies(call: string): number {
    return this.answered.filter((c) => c === call).length;
  }

  /** The calls named `call` sent since `from` (an index into `sent`), those `about` the run given when given. */
  count(call: string, from: number, about?: string): number {
    return this.sent
      .slice(from)
      .filter((c) => c.call === call && (about === undefined || c.args.id === about || c.args.ids?.includes(about)))
      .length;
  }
}

const FINISHED = Array.from({ length: MAX_COMPARED_RUNS + 1 }, (_, i) => `r-done-${String(i).padStart(2, '0')}`);
const LIVE = 'r-live';

let session: E2eSession;
let page: Page;
let store: Store;
let repo: RunRepository;
let ticker: NodeJS.Timeout | undefined;
let liveStep = 40;
const tap = new SocketTap();

/** A step's points as a trainer writes them (the gradient norm too, which no chart draws). */
function pointsAt(step: number, seed: number) {
  const loss = 1 + 4 * Math.exp(-step / 20) + seed / 100;
  const points = [
    { step, name: 'loss', value: loss },
    { step, name: 'lr', value: 0.001 },
    { step, name: 'gradNorm', value: 1 },
    { step, name: 'tokensPerSecond', value: 5000 },
  ];
  return step % 10 === 0 ? [...points, { step, name: 'eval.loss', value: loss + 0.1 }] : points;
}

/** Run `id` with `steps` logged (each run's learning rate its own, so the comparison has a setting that differs). */
function addRun(id: string, index: number, status: 'completed' | 'running', steps: number): void {
  const totalSteps = status === 'running' ? 100_000 : steps;
  const config = { inputLength: 32, batchSize: 4, lr: 0.001 * (1 + index / 10) };
  addStoredRun(repo, { id, name: id, status, totalSteps, config });
  repo.addMetrics(id, Array.from({ length: steps }, (_, s) => pointsAt(s + 1, index)).flat());
  repo.setProgress(id, steps, steps * 40);
}

const tick = (id: string) => page.getByTestId(`run-row-${id}`).getByTestId('run-select').check();
const untick = (id: string) => page.getByTestId(`run-row-${id}`).getByTestId('run-select').uncheck();
/** The run columns of the comparison's table (its heads but Setting). */
const tableRuns = () =>
  page
    .getByTestId('compare-table')
    .locator('thead th')
    .count()
    .then((n) => n - 1);
/** The steps column of the run training (then stopped). */
const stepShown = () => page.getByTestId(`run-row-${LIVE}`).locator('td.num').first().textContent();
const ticked = () => page.locator('[data-testid=run-select]:checked').count();
const lowestEval = (id: string) => repo.lowestMetric(id, 'eval.loss')?.value;

/** Run `id`'s last training loss and best validation loss, in its row and in the comparison's column. */
async function figuresShown(id: string) {
  const row = page.getByTestId(`run-row-${id}`);
  const heads = await page.getByTestId('compare-table').locator('thead th').allTextContents();
  const column = heads.findIndex((head) => head.includes(id)) - 1;
  const cell = (testid: string) => page.getByTestId(testid).nth(column).textContent();
  return {
    table: {
      last: await row.locator('td.num').nth(1).textContent(),
      best: await row.getByTestId('run-best-eval').textContent(),
    },
    compared: { last: await cell('compare-final'), best: await cell('compare-best') },
  };
}

beforeAll(async () => {
  session = await startSession('runs-compare-scale', { viewport: { width: 1280, height: 900 } });
  page = session.page;
  await tap.route(page);
  await page.goto(session.url);
  ({ store, repo } = openStoreForRuns(session.dataDir));
  FINISHED.forEach((id, index) => addRun(id, index, 'completed', 30));
  addRun(LIVE, FINISHED.length, 'running', liveStep);
  await openScreen(page, 'runs');
  await page.getByTestId(`run-row-${LIVE}`).waitFor({ timeout: 20_000 });
}, 120_000);

afterAll(async () => {
  clearInterval(ticker);
  store?.close();
  await session?.close();
});

describe('Comparing runs at scale', () => {
  it('asks for a comparison and details when the ticks or a status change, not at each step of a run training', async () => {
    ticker = setInterval(() => {
      liveStep++;
      repo.addMetrics(LIVE, pointsAt(liveStep, 0));
      repo.setProgress(LIVE, liveStep, liveStep * 40);
    }, 300);
    for (const id of [FINISHED[0], FINISHED[1], LIVE]) await tick(id);
    await expect.poll(tableRuns, { timeout: 20_000 }).toBe(3);
    await page.waitForTimeout(1500);
    const [from, heardFrom] = [tap.sent.length, tap.heard.length];
    const before = await stepShown();
    // Three or more looks of the watcher, each a runs.progress (its status is what it was: no
    // runs.statusChanged). Waited for, not a fixed 3.5 s: the looks are a second apart only on an
    // idle machine.
    const progressHeard = () => tap.heard.slice(heardFrom).filter((event) => event === 'runs.progress').length;
    await expect.poll(progressHeard, { timeout: 20_000 }).toBeGreaterThanOrEqual(3);
    await expect.poll(stepShown, { timeout: 10_000 }).not.toBe(before);
    const heard = tap.heard.slice(heardFrom);
    expect(heard.filter((event) => event === 'runs.statusChanged')).toEqual([]);
    expect(tap.count('runs.compare', from)).toBe(0);
    expect(tap.count('runs.get', from)).toBe(0);
    expect(tap.count('runs.metrics', from)).toBe(0);
    // Curves only of the metrics drawn: the gradient norm is none of them.
    const asked = tap.sent.filter((c) => c.call === 'runs.metrics');
    expect(asked.length).toBeGreaterThan(0);
    for (const call of asked)
      expect([...(call.args.names ?? ['every one'])].sort()).toEqual(['eval.loss', 'loss', 'lr', 'tokensPerSecond']);

    // Its figures, in the comparison as in its row, follow it from the events alone: its last
    // training loss and the lowest validation loss of every evaluation, as the store has them.
    clearInterval(ticker);
    const stored = { last: formatMetric(repo.lastMetric(LIVE, 'loss')), best: formatMetric(lowestEval(LIVE)) };
    await expect.poll(() => figuresShown(LIVE), { timeout: 10_000 }).toEqual({ table: stored, compared: stored });
    expect(tap.count('runs.compare', from)).toBe(0);
    expect(tap.count('runs.get', from)).toBe(0);

    // Its status changes: the comparison (status, final values) and its row's detail come again, once.
    repo.setStatus(LIVE, 'stopped', { finishedAt: new Date().toISOString() });
    await expect.poll(() => page.getByTestId('compare-status').textContent(), { timeout: 10_000 }).toContain('stopped');
    await expect.poll(() => tap.count('runs.compare', from), { timeout: 10_000 }).toBe(1);
    await page.waitForTimeout(1500);
    expect(tap.count('runs.compare', from)).toBe(1);
    expect(tap.count('runs.get', from, LIVE)).toBe(1);
    expect(tap.count('runs.get', from)).toBe(1);
  }, 60_000);

  it('shows where a stopped run stands after it trained again between two looks of the watcher', async () => {
    // Resumed and stopped again by its process between two looks: 'stopped' still, at a later step.
    const from = tap.sent.length;
    const steps = Array.from({ length: 12 }, () => ++liveStep);
    repo.addMetrics(
      LIVE,
      steps.flatMap((step) => pointsAt(step, 0)),
    );
    repo.setProgress(LIVE, liveStep, liveStep * 40);
    const stored = { last: formatMetric(repo.lastMetric(LIVE, 'loss')), best: formatMetric(lowestEval(LIVE)) };
    await expect.poll(stepShown, { timeout: 10_000 }).toBe(`${liveStep} / 100,000`);
    await expect.poll(() => figuresShown(LIVE), { timeout: 10_000 }).toEqual({ table: stored, compared: stored });
    // Read again once: not a step of a run training, which its progress says.
    await page.waitForTimeout(1500);
    expect(tap.count('runs.compare', from)).toBe(1);
    expect(tap.count('runs.get', from)).toBe(1);
  });

  it('shows the figures of the step a run went back to, not those of the last progress heard before', async () => {
    // Resumed from an earlier checkpoint (its points after it dropped, as runsControl.ts drops them)
    // and stopped again between two looks: 'stopped' still, before the step of its last runs.progress.
    liveStep -= 20;
    repo.dropMetricsAfter(LIVE, liveStep);
    repo.setProgress(LIVE, liveStep, liveStep * 40);
    const stored = { last: formatMetric(repo.lastMetric(LIVE, 'loss')), best: formatMetric(lowestEval(LIVE)) };
    await expect.poll(stepShown, { timeout: 10_000 }).toBe(`${liveStep} / 100,000`);
    await expect.poll(() => figuresShown(LIVE), { timeout: 10_000 }).toEqual({ table: stored, compared: stored });
  });

  it("lets an unticked run's curves go: ticked again, they are asked for again", async () => {
    const from = tap.sent.length;
    await untick(FINISHED[1]);
    await expect.poll(tableRuns, { timeout: 10_000 }).toBe(2);
    await tick(FINISHED[1]);
    await expect.poll(tableRuns, { timeout: 10_000 }).toBe(3);
    expect(tap.count('runs.metrics', from, FINISHED[1])).toBe(1);
  });

  it('a late answer for an older set of ticks does not replace the comparison of the runs ticked now', async () => {
    for (const id of [LIVE, FINISHED[2]]) await untick(id);
    for (const id of [FINISHED[0], FINISHED[1]]) await tick(id);
    await expect.poll(tableRuns, { timeout: 10_000 }).toBe(2);
    await page.waitForTimeout(500);
    const replies = tap.replies('runs.compare');
    tap.hold('runs.compare');
    await tick(FINISHED[2]); // the comparison of three: its answer is held back
    await untick(FINISHED[2]); // of two again: its answer comes
    await expect.poll(() => tap.replies('runs.compare'), { timeout: 10_000 }).toBe(replies + 1);
    tap.release();
    await expect.poll(() => tap.replies('runs.compare'), { timeout: 10_000 }).toBe(replies + 2);
    await page.waitForTimeout(500);
    expect(await tableRuns()).toBe(2);
    await expect(page.getByTestId('compare-table').locator('thead').textContent()).resolves.not.toContain(FINISHED[2]);
  });

  it(`lets no more than ${MAX_COMPARED_RUNS} runs be ticked, saying why, and keeps words whole in the Setting column`, async () => {
    for (const id of FINISHED.slice(0, MAX_COMPARED_RUNS)) await tick(id);
    expect(await ticked()).toBe(MAX_COMPARED_RUNS);
    const rest = [FINISHED[MAX_COMPARED_RUNS], LIVE].map((id) =>
      page.getByTestId(`run-row-${id}`).getByTestId('run-select'),
    );
    for (const box of rest) {
      await expect(box.isDisabled()).resolves.toBe(true);
      await expect(box.getAttribute('title')).resolves.toBe(
        `Compare at most ${MAX_COMPARED_RUNS} runs at a time: untick one first`,
      );
    }
    await expect
      .poll(() => page.locator('#compare-title').textContent(), { timeout: 10_000 })
      .toBe(`Comparing ${MAX_COMPARED_RUNS} runs`);
    await expect.poll(tableRuns, { timeout: 30_000 }).toBe(MAX_COMPARED_RUNS);
    expect(await page.getByTestId('compare-error').count()).toBe(0);

    // Each row's label in whole words (a word broken over two lines has two boxes) and the column
    // wide enough for them; the table scrolls sideways in its panel, the page does not.
    const layout = JSON.parse(
      (await page.evaluate(`(() => {
        const heads = [...document.querySelectorAll('[data-testid=compare-table] tbody th')];
        const broken = [];
        for (const th of heads) {
          const text = th.firstChild;
          if (!text || text.nodeType !== 3) continue;
          for (const match of text.data.matchAll(/\\S+/g)) {
            const range = document.createRange();
            range.setStart(text, match.index);
            range.setEnd(text, match.index + match[0].length);
            if (range.getClientRects().length > 1) broken.push(match[0]);
          }
        }
        const box = document.querySelector('[data-testid=compare-table]').closest('.table-scroll');
        return JSON.stringify({
          broken,
          width: heads[0].getBoundingClientRect().width,
          scrolls: box.scrollWidth > box.clientWidth,
          pageFits: document.documentElement.scrollWidth <= window.innerWidth,
        });
      })()`)) as string,
    ) as { broken: string[]; width: number; scrolls: boolean; pageFits: boolean };
    expect(layout.broken).toEqual([]);
    expect(layout.width).toBeGreaterThanOrEqual(120);
    expect(layout.scrolls).toBe(true);
    expect(layout.pageFits).toBe(true);
    // The limit said in words, and the cut-off table reached by the keyboard: its box takes the
    // focus and the arrow keys scroll it (axe-core's scrollable-region-focusable).
    await expect(page.getByTestId('compare-limit').textContent()).resolves.toBe(
      `Compare at most ${MAX_COMPARED_RUNS} runs at a time: untick one first.`,
    );
    const region = page.getByRole('region', { name: 'Settings that differ, and results' });
    await expect.poll(() => region.getAttribute('tabindex')).toBe('0');
    await region.focus();
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => region.evaluate((box) => box.scrollLeft)).toBeGreaterThan(0);

    await untick(FINISHED[0]);
    await expect(page.getByTestId('compare-limit').count()).resolves.toBe(0);
    await expect(rest[0].isDisabled()).resolves.toBe(false);
    await expect(rest[0].getAttribute('title')).resolves.toBeNull();
    expect(session.pageErrors).toEqual([]);
  }, 90_000);
});
