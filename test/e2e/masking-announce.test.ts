// End-to-end for what the Masking screen says of a preview, at 320×256 CSS px (a 1280×1024
// window at 400 % zoom), against the built `spanfill serve`: Preview, Re-roll and the example
// buttons each say once, politely, that the preview is ready with the numbers its Tokens line
// shows, and bring the result into view when it lies below without taking the focus from the
// button; an error is said as before, with no "ready"; the example buttons are named alike; the
// "Example number" box is named by its label alone and described by what is wrong with it (the
// error sat inside the label, in its name). The screen's other behaviour is
// masking-screen.test.ts's and masking-fields.test.ts's. Screenshots
// go to test-results/masking-announce-*.png. Needs `npm run build` first.
// NOTE: page.evaluate takes expression strings because this file is type-checked without DOM types.

import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshotFailures } from './failureShot';
import { announcements, recordAnnouncements } from './liveRegions';
import { openScreen } from './navigate';
import { importNotes } from './notes';
import { resultsDir, startSession, type E2eSession } from './session';

let session: E2eSession;
let page: Page;
let datasetId: string;

beforeAll(async () => {
  session = await startSession('masking-announce', { viewport: { width: 320, height: 256 } });
  page = session.page;
  datasetId = importNotes(session, { docs: 6, words: 40, stride: 5 });
  await page.goto(session.url);
});

afterAll(() => session?.close());

const shot = (name: string) => page.screenshot({ path: path.join(resultsDir, `masking-announce-${name}.png`) });
screenshotFailures('masking-announce', () => page);

/** The test id of the element with the focus. */
const focusedTestId = () => page.evaluate<string | undefined>('document.activeElement?.dataset.testid');

/** Whether the result's heading ("What the model sees") is wholly within <main>'s visible box. */
const resultHeadingInView = () =>
  page.evaluate<boolean>(`(() => {
    const view = document.querySelector('main').getBoundingClientRect();
    const heading = document.querySelector('[data-testid=mask-result] h2').getBoundingClientRect();
    return heading.top >= view.top - 1 && heading.bottom <= view.bottom + 1;
  })()`);

/** The "ready" announcements since recording started. */
const readySaid = async () => (await announcements(page)).filter((said) => / ready \(seed /.test(said));

/** What the screen shows of the preview now: its Tokens line and the seed it used. */
async function shown(): Promise<{ counts: string; seed: string }> {
  const counts = (await page.getByTestId('mask-counts').textContent())?.trim() ?? '';
  const seed = /seed (\d+)$/.exec((await page.getByTestId('mask-seed-used').textContent())?.trim() ?? '')?.[1] ?? '';
  return { counts, seed };
}

/** Presses Enter on the control `testid` (focused first) and waits for one more "ready" than before. */
async function pressAndWaitReady(testid: string, before: number): Promise<string> {
  await page.getByTestId(testid).focus();
  await page.keyboard.press('Enter');
  await expect.poll(readySaid, { timeout: 30_000 }).toHaveLength(before + 1);
  await expect.poll(() => page.getByTestId('mask-preview').getAttribute('aria-busy')).toBeNull();
  return (await readySaid())[before];
}

describe('Masking preview announcements at 320×256', () => {
  it('says a typed text preview is ready once, with its Tokens line, and shows it, the focus kept', async () => {
    await openScreen(page, 'masking');
    await page.getByTestId('mask-result').waitFor();
    await page.getByTestId('mask-text').fill('The quiet river runs by the green park at dawn while small birds sing');
    await recordAnnouncements(page);
    // (Nothing was said, and the result lay below the window: top 447 of 256.)
    const said = await pressAndWaitReady('mask-preview', 0);
    const { counts, seed } = await shown();
    expect(counts).toMatch(/^\d+ tokens in this example, of which \d+ (is|are) hidden in \d+ noise spans?; the input/);
    expect(said).toBe(`status: Preview ready (seed ${seed}): ${counts}.`);
    expect(await focusedTestId()).toBe('mask-preview');
    await expect.poll(resultHeadingInView).toBe(true);
    await shot('typed');

    await page.getByTestId('mask-reroll').focus();
    await page.evaluate("document.querySelector('main').scrollTop = 0");
    expect(await resultHeadingInView()).toBe(false);
    const rerolled = await pressAndWaitReady('mask-reroll', 1);
    const after = await shown();
    expect(after.seed).not.toBe(seed);
    expect(rerolled).toBe(`status: Preview ready (seed ${after.seed}): ${after.counts}.`);
    expect(await focusedTestId()).toBe('mask-reroll');
    await expect.poll(resultHeadingInView).toBe(true);
    // Said once each, and nothing else but them.
    expect(await announcements(page)).toEqual([said, rerolled]);
    expect(session.pageErrors).toEqual([]);
  });

  it('says which dataset example is ready, after Preview, Next example and Previous example', async () => {
    await page.getByLabel('A dataset example').check();
    await page.getByTestId('mask-dataset').selectOption(datasetId);
    await page.getByTestId('mask-mode').selectOption('per-document');
    await page.getByTestId('mask-example').fill('2');
    await recordAnnouncements(page);
    const first = await pressAndWaitReady('mask-preview', 0);
    // Of as many examples as the screen says ("2 of 10 (per-document)").
    const of = /^\s*2 of (\d+) \(per-document\)/.exec(
      (await page.getByTestId('mask-example-shown').textContent()) ?? '',
    );
    expect(of).not.toBeNull();
    const ready = (example: number, { counts, seed }: { counts: string; seed: string }) =>
      `status: Example ${example} of ${of![1]} ready (seed ${seed}): ${counts}.`;
    expect(first).toBe(ready(2, await shown()));
    // (Named "Previous" and "Next example".)
    const next = page.getByRole('button', { name: 'Next example', exact: true });
    const previous = page.getByRole('button', { name: 'Previous example', exact: true });
    await expect(previous.count()).resolves.toBe(1);
    await next.focus();
    await page.keyboard.press('Enter');
    await expect.poll(readySaid, { timeout: 30_000 }).toHaveLength(2);
    await expect.poll(() => page.getByTestId('mask-example-shown').textContent()).toMatch(/^\s*3 of /);
    expect((await readySaid())[1]).toBe(ready(3, await shown()));
    expect(await focusedTestId()).toBe('mask-next');
    await previous.focus();
    await page.keyboard.press('Enter');
    await expect.poll(readySaid, { timeout: 30_000 }).toHaveLength(3);
    await expect.poll(() => page.getByTestId('mask-example-shown').textContent()).toMatch(/^\s*2 of /);
    expect((await readySaid())[2]).toBe(ready(2, await shown()));
    expect(session.pageErrors).toEqual([]);
  });

  it('says an error as before, and no preview ready', async () => {
    await page.getByTestId('mask-example').fill('99999');
    await recordAnnouncements(page);
    await page.getByTestId('mask-preview').focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('mask-error').waitFor();
    await expect
      .poll(() => announcements(page))
      .toEqual([expect.stringMatching(/^alert: Example 99999 does not exist/)]);
    await page.waitForTimeout(300);
    expect(await readySaid()).toEqual([]);
  });
});

describe('the Example number box', () => {
  it('is named by its label only, and described by its error once, marked invalid', async () => {
    // The dataset source is on (the tests before).
    const box = page.getByTestId('mask-example');
    await box.fill('0');
    await page.getByTestId('mask-example-error').waitFor();
    await box.focus();
    const cdp = await page.context().newCDPSession(page);
    try {
      const { nodes } = await cdp.send('Accessibility.getFullAXTree');
      const found = nodes.filter(
        (n) => !n.ignored && n.role?.value === 'spinbutton' && String(n.name?.value ?? '').startsWith('Example number'),
      );
      expect(found).toHaveLength(1);
      const [node] = found;
      const invalid = node.properties?.find((property) => property.name === 'invalid')?.value.value;
      // (Its name was "Example number (blank: the seed picks one) Example number must be ≥ 1", with no description.)
      expect([node.name?.value, node.description?.value, invalid]).toEqual([
        'Example number (blank: the seed picks one)',
        'Example number must be ≥ 1',
        'true',
      ]);
    } finally {
      await cdp.detach();
    }
    await box.fill('');
  });
});
