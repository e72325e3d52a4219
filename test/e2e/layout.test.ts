// End-to-end: every screen of the built `spanfill serve` fits the desktop window at its least,
// first and just-wider widths (and a run's view in a browser window of 600 px), with a run, its
// checkpoints, a dataset named as people name them (long) and a recent prompt listed and every
// folded part open — nothing runs out of the screen, no table needs its sideways scroll, boxes
// side by side line up, and at the widths the window opens at a closed select shows its choice
// whole. The runs table, a long run stopped early in it too, fits common desktop widths (1024 to
// 1920 px).
// The store is set up from the CLI as a person would: import, a short CPU run of
// test/fixtures/t5/t5-tiny-spm, then the dataset renamed. Needs `npm run build` first.
// NOTE: page.evaluate takes expression strings because this file is type-checked without DOM types.

import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openScreen } from './navigate';
import { importNotes } from './notes';
import { firstVisitColumns } from './playgroundPage';
import { mainScrollsSideways, spill } from './overflow';
import { spanfillJson } from './serve';
import { startSession, type E2eSession } from './session';
import { stoppedRun } from './terminalRun';

const tinySpm = path.resolve('test/fixtures/t5/t5-tiny-spm');
const LONG_NAME = 'Letters, notes and committee drafts from the founding years, 1774 to 1789, as transcribed';
let session: E2eSession;
let page: Page;
let dataDir: string;
let datasetId: string;

beforeAll(async () => {
  session = await startSession('layout');
  ({ page, dataDir } = session);
  datasetId = importNotes(session);
  const run = [
    '--dataset',
    datasetId,
    '--model',
    tinySpm,
    '--max-steps',
    '6',
    '--input-length',
    '32',
    '--batch-size',
    '2',
    // Named as the demo names its run: the Playground's run selector shows it whole.
    '--name',
    'Notes: t5-tiny-spm, 6 steps at input 32',
  ];
  spanfillJson(dataDir, ['train', ...run]);
  await page.goto(session.url);
});

afterAll(() => session?.close());

describe('the screens at the window widths', () => {
  it("fits every screen into the window's least and first width, with a named run, its checkpoints and a long dataset name listed", async () => {
    // 800 px: the desktop window's minWidth, 1200 px its width when it opens (src/main/index.ts), and 1260 px,
    // just wider than where the tables fold. Nothing runs out of the screen, and no table needs its sideways
    // scroll (the runs and datasets tables drop or fold columns under 1250 px).
    // A dataset named as people name them: its options (Train, Masking) are as wide as the name.
    spanfillJson(dataDir, ['datasets', 'rename', datasetId, LONG_NAME]);
    await page.reload();
    // A prompt filled once: the Playground's recent prompts then offer Clear history beside them.
    // Once the first visit has opened the run beside its base model: the screen laid out below.
    await openScreen(page, 'playground');
    await firstVisitColumns(page);
    await page.getByTestId('fill').click();
    await page.getByTestId('fill-text').first().waitFor();
    // Boxes side by side line up: of fields starting at one height in one container, the boxes too
    // (a label that wraps onto two lines moved only its own box down).
    const misaligned = `(() => {
      const shown = (e) => e.getBoundingClientRect().width > 0;
      const box = (f) => [...f.querySelectorAll('input:not([type=radio]):not([type=checkbox]), select, textarea')].filter(shown).at(-1);
      const top = (e) => e.getBoundingClientRect().top;
      const name = (e) => e.dataset.testid ?? e.tagName.toLowerCase();
      const out = [];
      for (const parent of new Set([...document.querySelectorAll('main .field')].map((f) => f.parentElement))) {
        const fields = [...parent.children].filter((c) => c.classList.contains('field') && shown(c) && box(c));
        for (const [i, a] of fields.entries())
          for (const b of fields.slice(i + 1))
            if (Math.abs(top(a) - top(b)) <= 1 && Math.abs(top(box(a)) - top(box(b))) > 1)
              out.push(name(box(a)) + ' and ' + name(box(b)) + ' do not line up');
        // A button beside them (or alone in a wrapper beside them) ends where their boxes end.
        const buttons = [...parent.children].map((c) => (c.matches('button, .button') ? c : c.querySelector(':scope > button:only-child')));
        for (const button of buttons.filter((c) => c && shown(c))) {
          const [top, bottom] = [button.getBoundingClientRect().top, button.getBoundingClientRect().bottom];
          for (const f of fields.filter((f) => box(f).getBoundingClientRect().bottom > top && box(f).getBoundingClientRect().top < bottom))
            if (Math.abs(box(f).getBoundingClientRect().bottom - bottom) > 1)
              out.push((button.dataset.testid ?? button.textContent.trim()) + ' and ' + name(box(f)) + ' do not line up');
        }
      }
      // A field under a choice (radios) keeps the gap fields keep, not flush under the radios.
      for (const choice of [...document.querySelectorAll('main .choices')].filter(shown)) {
        const next = choice.nextElementSibling;
        if (next?.matches('.field') && shown(next) && top(next) - choice.getBoundingClientRect().bottom < 8)
          out.push(choice.querySelector('legend').textContent.trim() + ' and the field under it touch');
      }
      return out;
    })()`;
    // A closed select shows its choice whole where the window is as wide as it opens (a run's name, a
    // checkpoint's loss); at its least width a long name may be cut, and its list and title show it.
    const cutSelects = `(() => {
      const pen = document.createElement('canvas').getContext('2d');
      const out = [];
      for (const select of document.querySelectorAll('main select')) {
        const style = getComputedStyle(select);
        const text = select.selectedOptions[0]?.textContent.trim() ?? '';
        pen.font = style.font;
        // The arrow takes about a line's height of the box's right side.
        const room = select.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight) - parseFloat(style.fontSize);
        if (select.getBoundingClientRect().width > 0 && pen.measureText(text).width > room)
          out.push((select.dataset.testid ?? 'select') + ' cuts ' + JSON.stringify(text));
      }
      return out;
    })()`;
    try {
      const screens = await page.locator('[data-testid^="nav-"]').evaluateAll(
        // NOTE: a function over elements Playwright hands in; no DOM types here, so `unknown`.
        (links: unknown[]) =>
          links.map((link) => String((link as { dataset: { testid: string } }).dataset.testid).slice(4)),
      );
      expect(screens.length).toBeGreaterThan(5);
      const found: string[] = [];
      for (const width of [1260, 1200, 800]) {
        await page.setViewportSize({ width, height: 800 });
        for (const screen of screens) {
          await openScreen(page, screen);
          await page.waitForLoadState('networkidle');
          // What folds away is checked open (More settings, the import options, …).
          await page.evaluate("document.querySelectorAll('main details').forEach((d) => (d.open = true))");
          // A notice naming something long without spaces (a run renamed "WWWW…") wraps in its banner.
          await page.evaluate(
            `document.querySelector('main').insertAdjacentHTML('afterbegin', '<p class="banner">Renamed to ${'W'.repeat(300)}.</p>')`,
          );
          await page.waitForTimeout(300);
          const seen = [...(await page.evaluate<string[]>(spill)), ...(await page.evaluate<string[]>(misaligned))];
          if (width >= 1200) seen.push(...(await page.evaluate<string[]>(cutSelects)));
          found.push(...seen.map((what) => `${width} px, ${screen}: ${what}`));
        }
      }
      expect(found).toEqual([]);
      // The runs table's Dataset and Model columns go under the run's name there, where the
      // name does not say them (the dataset was renamed after the run was named).
      await openScreen(page, 'runs');
      await expect(page.getByTestId('runs-table').locator('th', { hasText: 'Dataset' }).isVisible()).resolves.toBe(
        false,
      );
      await expect(page.getByTestId('run-trained-on').first().textContent()).resolves.toMatch(/ on Letters, notes/);
    } finally {
      await page.setViewportSize({ width: 1280, height: 800 });
    }
  });

  it("fits a run's view into a browser window of 600 px, its progress numbers under the bar", async () => {
    // (Its numbers kept 26rem beside the bar and gave <main> a sideways scroll bar.)
    await page.setViewportSize({ width: 600, height: 800 });
    try {
      await page.reload();
      await openScreen(page, 'runs');
      await page.getByTestId('run-open').first().click();
      await page.getByTestId('run-view').waitFor();
      await page.evaluate("document.querySelectorAll('main details').forEach((d) => (d.open = true))");
      await page.waitForTimeout(300);
      // (A table may scroll sideways in its own box here; nothing else may run out.)
      const out = await page.evaluate<string[]>(spill);
      expect(out.filter((what) => !what.endsWith('scrolls sideways'))).toEqual([]);
      await expect(page.evaluate<boolean>(mainScrollsSideways)).resolves.toBe(false);
      // Under the bar, whole.
      const [bar, numbers] = await Promise.all(
        ['run-progress', 'run-step'].map((id) => page.getByTestId(id).boundingBox()),
      );
      expect(numbers!.y).toBeGreaterThanOrEqual(bar!.y + bar!.height);
      await expect(page.getByTestId('run-step').textContent()).resolves.toMatch(/step 6 \/ 6 \(100 %\)/);
    } finally {
      await page.setViewportSize({ width: 1280, height: 800 });
    }
  });

  it('fits the runs table at common desktop widths with a stopped run of a million steps listed', async () => {
    // A long run stopped early: its steps read "N / 1,000,000" (as wide as "12,345 / 100,000"), and
    // Resume stands by Delete…. (Over 1250 px the table, Dataset and Model columns and all, ran past its box.)
    await stoppedRun(
      dataDir,
      `builtin:byt5-tiny on ${LONG_NAME}`,
      [
        ...['--dataset', datasetId, '--model', 'builtin:byt5-tiny', '--max-steps', '1000000'],
        ...['--input-length', '32', '--batch-size', '2'],
      ],
      100,
    );
    await page.reload();
    try {
      const found: string[] = [];
      for (const width of [1024, 1280, 1366, 1440, 1536, 1600, 1920]) {
        await page.setViewportSize({ width, height: 800 });
        await openScreen(page, 'runs');
        // Its losses too, which come after the list.
        const stopped = page.getByTestId('runs-table').locator('tbody tr', { has: page.getByTestId('run-row-resume') });
        await expect.poll(() => stopped.locator('td.num').nth(1).textContent()).toMatch(/\d/);
        found.push(...(await page.evaluate<string[]>(spill)).map((what) => `${width} px: ${what}`));
      }
      expect(found).toEqual([]);
    } finally {
      await page.setViewportSize({ width: 1280, height: 800 });
    }
  }, 120_000);
});
