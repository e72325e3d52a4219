// End-to-end for the Masking screen against the built `spanfill serve`: "Use these settings for
// training" carries the dataset and tokenizer the preview used to Train, not only the numbers;
// the masked text, input and target read in their own direction (right-to-left text too, its
// sentinel labels left to right), a combining mark that starts a noise span sits on a base of
// its own, not on the label, and a long word wraps in the panel; an error goes once the input it
// was about changes; nothing is carried while a setting is invalid; what was carried is said only
// while the text and settings above are the ones carried, and a setting changed while
// "Use these settings" previews first carries nothing; a dataset's examples are numbered from 1, as
// `spanfill mask --example` takes them.
// The previews and the carrying of data-screens.test.ts and train-screens.test.ts are not
// repeated here. Screenshots go to test-results/masking-*.png. Needs `npm run build` first.
// NOTE: page.evaluate takes expression strings because this file is type-checked without DOM types.

import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshotFailures } from './failureShot';
import { holdReply } from './holdReply';
import { isHeld } from './keyboardFocus';
import { openScreen } from './navigate';
import { writeNotes } from './notes';
import { spanfillJson } from './serve';
import { resultsDir, startSession, type E2eSession } from './session';

const tinySpm = path.resolve('test/fixtures/t5/t5-tiny-spm');
let session: E2eSession;
let page: Page;
/** Two datasets: the older one imported first, so the newer is the one Train starts from. */
let olderId: string;
let newerId: string;

beforeAll(async () => {
  session = await startSession('masking');
  page = session.page;
  const importFile = (name: string, stride: number): string => {
    const file = path.join(session.dir, name);
    writeNotes(file, { docs: 6, words: 40, stride });
    return spanfillJson<{ id: string }>(session.dataDir, ['import', file]).id;
  };
  olderId = importFile('older.txt', 5);
  newerId = importFile('newer.txt', 7);
  await page.goto(session.url);
});

afterAll(() => session?.close());

const shot = (name: string) => page.screenshot({ path: path.join(resultsDir, `masking-${name}.png`) });
screenshotFailures('masking', () => page);

/** Previews typed text with the byte-level tokenizer and these settings (density, span, length, seed). */
async function previewTyped(text: string, settings: Readonly<Record<string, string>>): Promise<void> {
  await page.getByLabel('Typed text').check();
  await page.getByTestId('mask-model-choice').selectOption('bytes');
  await page.getByTestId('mask-text').fill(text);
  for (const [box, value] of Object.entries(settings)) await page.getByTestId(`mask-${box}`).fill(value);
  await page.getByTestId('mask-preview').click();
  // Busy from the press (run() sets it at once) until the answer is on screen.
  await expect.poll(() => page.getByTestId('mask-preview').getAttribute('aria-busy')).toBeNull();
  await page
    .getByTestId('mask-seed-used')
    .filter({ hasText: `seed ${settings.seed}` })
    .waitFor();
  expect(await page.getByTestId('mask-stale').count()).toBe(0);
}

/**
 * In the masked text (labels apart: `inLabels` for theirs, each label on its own), how many
 * letters stand on the wrong side of the one before them on the same line: right of it in
 * right-to-left text, left of it in left-to-right text. Each letter's box is a Range's.
 */
function lettersOutOfOrder(isRtl: boolean, inLabels = false): Promise<number> {
  return page.evaluate(`(() => {
    const masked = document.querySelector('[data-testid=mask-result] .masked');
    const walker = document.createTreeWalker(masked, NodeFilter.SHOW_TEXT);
    const boxes = [];
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if ((node.parentElement.closest('sup') !== null) !== ${inLabels}) continue;
      for (let i = 0; i < node.length; i++) {
        if (!/\\p{L}/u.test(node.data[i])) continue;
        const range = document.createRange();
        range.setStart(node, i);
        range.setEnd(node, i + 1);
        const { left, top } = range.getBoundingClientRect();
        boxes.push({ node, left, top });
      }
    }
    return boxes.filter((box, i) => {
      const before = boxes[i - 1];
      if (!before || Math.abs(box.top - before.top) > 2 || (${inLabels} && box.node !== before.node)) return false;
      return ${isRtl} ? box.left > before.left + 0.5 : box.left < before.left - 0.5;
    }).length;
  })()`);
}

/** The direction the input and target boxes show their text in. */
const boxDirections = (): Promise<string[]> =>
  page.evaluate<string[]>(
    "['mask-input', 'mask-target'].map((id) => getComputedStyle(document.querySelector(`[data-testid=${id}]`)).direction)",
  );

describe('Masking screen', () => {
  it("carries the previewed example's dataset and tokenizer to Train, and says so there", async () => {
    // Train opened first keeps its form (the newest dataset): what is carried later lands in it.
    await openScreen(page, 'train');
    await expect.poll(() => page.getByTestId('train-dataset').inputValue()).toBe(newerId);
    await openScreen(page, 'masking');
    await page.getByLabel('A dataset example').check();
    await page.getByTestId('mask-dataset').selectOption(olderId);
    await page.getByTestId('mask-model-choice').selectOption('folder');
    await page.getByTestId('mask-model').fill(tinySpm);
    for (const [box, value] of Object.entries({ density: '0.3', span: '2', length: '64', seed: '11' }))
      await page.getByTestId(`mask-${box}`).fill(value);
    await page.getByTestId('mask-use').click();
    await expect(page.getByTestId('mask-carried').textContent()).resolves.toContain(
      `data seed 11, with dataset older.txt (6 documents) and the tokenizer of ${tinySpm}`,
    );
    await openScreen(page, 'train');
    await expect.poll(() => page.getByTestId('train-dataset').inputValue()).toBe(olderId);
    await expect.poll(() => page.getByTestId('train-model').inputValue()).toBe('folder');
    await expect(page.getByTestId('train-model-path').inputValue()).resolves.toBe(tinySpm);
    const note = page.getByTestId('train-carried');
    await expect(note.textContent()).resolves.toContain(
      `data seed 11, as previewed on an example of older.txt (6 documents) with the tokenizer of ${tinySpm}. ` +
        "The dataset and base model above are the preview's",
    );
    await shot('01-train-carried');
    // Another dataset picked on Train: the note says the example previewed is not what trains.
    await page.getByTestId('train-dataset').selectOption(newerId);
    await expect(note.textContent()).resolves.toContain('The dataset above is not the one previewed');

    // Typed text with the byte-level tokenizer: the numbers and builtin:byt5-tiny; Train's dataset stays.
    await openScreen(page, 'masking');
    await page.getByLabel('Typed text').check();
    await page.getByTestId('mask-model-choice').selectOption('bytes');
    await page.getByTestId('mask-use').click();
    await page.getByTestId('mask-carried').filter({ hasText: "the dataset stays Train's choice" }).waitFor();
    await openScreen(page, 'train');
    await expect.poll(() => page.getByTestId('train-model').inputValue()).toBe('builtin:byt5-tiny');
    await expect(page.getByTestId('train-dataset').inputValue()).resolves.toBe(newerId);
    await expect(note.textContent()).resolves.toMatch(
      /as previewed on typed text with the byte-level tokenizer \(the one builtin:byt5-tiny uses\)\. The base model above is the preview's; the dataset is this form's choice/,
    );
    expect(session.pageErrors).toEqual([]);
  });

  it('shows right-to-left text in its order, each sentinel label left to right beside it', async () => {
    await openScreen(page, 'masking');
    const hebrew = 'שלום עולם זה משפט בעברית לבדיקה של הסתרה';
    await previewTyped(hebrew, { density: '0.3', span: '6', length: '128', seed: '2' });
    await expect(page.locator('[data-testid=mask-result] mark').count()).resolves.toBeGreaterThan(1);
    await expect(lettersOutOfOrder(true)).resolves.toBe(0);
    await expect(lettersOutOfOrder(false, true)).resolves.toBe(0);
    await expect(page.evaluate("getComputedStyle(document.querySelector('.masked')).direction")).resolves.toBe('rtl');
    // The input and target boxes too, though the target starts with a left-to-right <extra_id_0>.
    await expect(boxDirections()).resolves.toEqual(['rtl', 'rtl']);
    await page.getByTestId('mask-result').screenshot({ path: path.join(resultsDir, 'masking-02-rtl.png') });
    // Left-to-right text stays so.
    await previewTyped('The cute dog walks in the green park', { density: '0.3', span: '2', length: '128', seed: '2' });
    await expect(page.evaluate("getComputedStyle(document.querySelector('.masked')).direction")).resolves.toBe('ltr');
    await expect(boxDirections()).resolves.toEqual(['ltr', 'ltr']);
    await expect(lettersOutOfOrder(false)).resolves.toBe(0);
    expect(session.pageErrors).toEqual([]);
  });

  it('gives a combining mark that starts a noise span a base of its own, not the label before it', async () => {
    await openScreen(page, 'masking');
    const starts =
      "[...document.querySelectorAll('[data-testid=mask-result] mark')].filter((m) => /^\\p{M}/u.test(m.textContent.replace(/^<extra_id_\\d+>/, '')))";
    // n + U+0303 (a decomposed ñ) over and over: some seed starts a span on the tilde.
    let seed = 0;
    for (; seed < 20; seed++) {
      await previewTyped('n\u0303a'.repeat(6), { density: '0.3', span: '2', length: '64', seed: String(seed) });
      if ((await page.evaluate<number>(`${starts}.length`)) > 0) break;
    }
    expect(seed).toBeLessThan(20);
    // The dotted circle, as Unicode shows a mark on its own (The Unicode Standard, 2.11), before the text.
    await expect(
      page.evaluate(`getComputedStyle(${starts}[0].querySelector('sup').nextElementSibling, '::before').content`),
    ).resolves.toBe('"\u25cc"');
    await page.evaluate(`${starts}[0].scrollIntoView()`);
    await page.evaluate(`${starts}[0].id = 'lone-mark'`);
    await page.locator('#lone-mark').screenshot({ path: path.join(resultsDir, 'masking-03-combining.png') });
    // The circle is drawn, not added to the text (copying it copies the mark alone).
    await expect(page.getByTestId('mask-result').locator('.masked').textContent()).resolves.not.toContain('\u25cc');
  });

  it('wraps a long word inside the panel, as the input and target boxes do', async () => {
    await openScreen(page, 'masking');
    await previewTyped(`https://example.com/${'a'.repeat(3000)}`, {
      density: '0.15',
      span: '3',
      length: '2048',
      seed: '0',
    });
    const overflow = (selector: string) =>
      page.evaluate<number>(
        `(() => { const el = document.querySelector('[data-testid=mask-result] ${selector}'); return el.scrollWidth - el.clientWidth; })()`,
      );
    for (const selector of ['.masked', '[data-testid=mask-input]']) await expect(overflow(selector)).resolves.toBe(0);
    const widths = await page.evaluate<number[]>(
      "[document.querySelector('.masked'), document.querySelector('[data-testid=mask-result]')].map((el) => el.getBoundingClientRect().width)",
    );
    expect(widths[0]).toBeLessThan(widths[1]);
    await page.getByTestId('mask-result').screenshot({ path: path.join(resultsDir, 'masking-04-long-word.png') });
  });

  it('clears an error once the input it was about changes', async () => {
    await openScreen(page, 'masking');
    await page.getByLabel('Typed text').check();
    // Text of no tokens: a literal </s> is removed by a SentencePiece tokenizer, so only the EOS
    // added after the text is left, one token where masking needs two.
    await page.getByTestId('mask-model-choice').selectOption('folder');
    await page.getByTestId('mask-model').fill(tinySpm);
    // A run's defaults: settings this tokenizer's 100 sentinels can mask with.
    for (const [box, value] of Object.entries({ density: '0.15', span: '3', length: '128' })) {
      await page.getByTestId(`mask-${box}`).fill(value);
    }
    const refused = async (): Promise<void> => {
      await page.getByTestId('mask-text').fill('</s>');
      await page.getByTestId('mask-preview').click();
      await expect(page.getByTestId('mask-error').textContent()).resolves.toMatch(
        /^The text has no tokens .*masking needs at least 2$/,
      );
    };
    await refused();
    // The text replaced by blank lines: what is missing now, not the old text's error.
    await page.getByTestId('mask-text').fill('\n\n');
    await page.getByTestId('mask-missing').waitFor();
    expect(await page.getByTestId('mask-error').count()).toBe(0);
    // Any setting the preview was made with, likewise.
    await refused();
    await page.getByTestId('mask-seed').fill('3');
    expect(await page.getByTestId('mask-error').count()).toBe(0);
  });

  it('carries nothing while a setting is invalid: it says so at the box, as Preview does, and keeps the preview', async () => {
    await openScreen(page, 'masking');
    await previewTyped('The cute dog walks in the green park', { density: '0.15', span: '3', length: '64', seed: '5' });
    await page.getByTestId('mask-use').click();
    const carried = await page.getByTestId('mask-carried').textContent();
    expect(carried).toContain('mean span 3, input length 64');
    const input = await page.getByTestId('mask-input').textContent();
    await page.getByTestId('mask-span').fill('0.5');
    await page.getByTestId('mask-seed').fill('-3');
    for (const button of ['mask-preview', 'mask-use']) {
      await page.getByTestId(button).click();
      // The browser's check of the form: the first box refused has the focus, nothing is sent.
      await expect.poll(() => page.evaluate('document.activeElement?.dataset.testid')).toBe('mask-span');
      await expect(page.getByTestId('mask-span-error').textContent()).resolves.toBe('Mean span must be ≥ 1');
      await expect(page.getByTestId('mask-seed-error').textContent()).resolves.toBe('Seed must be ≥ 0');
      expect(await page.getByTestId('mask-error').count()).toBe(0);
      // The settings above are no longer the ones carried: nothing says they were.
      expect(await page.getByTestId('mask-carried').count()).toBe(0);
      await expect(page.getByTestId('mask-input').textContent()).resolves.toBe(input);
      await page.getByTestId('mask-text').focus();
    }
    // Train still has what was carried before.
    await openScreen(page, 'train');
    await expect(page.getByTestId('train-carried').textContent()).resolves.toContain('mean span 3, input length 64');
    await expect(page.getByTestId('train-span').inputValue()).resolves.toBe('3');
  });

  it('says what it carried only while the text and settings above are the ones carried', async () => {
    await openScreen(page, 'masking');
    const text = 'The quick fox';
    await previewTyped(text, { density: '0.15', span: '3', length: '64', seed: '5' });
    await page.getByTestId('mask-use').click();
    const banner = page.getByTestId('mask-carried');
    await banner.filter({ hasText: 'data seed 5' }).waitFor();
    const fill = (box: string, value: string) => () => page.getByTestId(`mask-${box}`).fill(value);
    const pick = (tokenizer: string) => () =>
      page
        .getByTestId('mask-model-choice')
        .selectOption(tokenizer)
        .then(() => {});
    const changes: readonly (readonly [string, () => Promise<void>, () => Promise<void>])[] = [
      ['text', fill('text', `${text} jumps`), fill('text', text)],
      ['density', fill('density', '0.3'), fill('density', '0.15')],
      ['span', fill('span', '2'), fill('span', '3')],
      ['length', fill('length', '32'), fill('length', '64')],
      ['seed', fill('seed', '6'), fill('seed', '5')],
      ['tokenizer', pick('builtin:byt5-tiny'), pick('bytes')],
    ];
    for (const [what, change, undo] of changes) {
      // Gone at the change, before any preview; back once the input is the carried one again.
      await change();
      expect(await banner.count(), `${what} changed`).toBe(0);
      await undo();
      await expect.poll(() => banner.count(), { message: `${what} back` }).toBe(1);
    }
    // Another source clears the preview, and with it the banner, also once back on the same text.
    await page.getByLabel('A dataset example').check();
    expect(await banner.count()).toBe(0);
    await page.getByLabel('Typed text').check();
    expect(await banner.count()).toBe(0);
    await openScreen(page, 'train');
    await expect(page.getByTestId('train-carried').textContent()).resolves.toContain('data seed 5');
  });

  it('carries nothing when a setting changes while "Use these settings" previews them first', async () => {
    // A page of its own, whose socket holds back its second preview (the first is the screen's own).
    const held = await page.context().newPage();
    try {
      const reply = await holdReply(held, 'masking.preview', 1);
      await held.goto(`${session.url}#/masking`);
      await held.getByTestId('mask-result').waitFor();
      await held.getByTestId('mask-density').fill('0.3');
      await held.getByTestId('mask-use').click();
      await expect.poll(() => held.getByTestId('mask-use').getAttribute('aria-busy')).toBe('true');
      // Changed while the preview of 0.3 is out: that preview no longer answers what is above.
      await held.getByTestId('mask-density').fill('0.2');
      reply.release();
      await expect.poll(() => held.getByTestId('mask-use').getAttribute('aria-busy')).toBeNull();
      await held.getByTestId('mask-stale').waitFor();
      expect(await held.getByTestId('mask-carried').count()).toBe(0);
      await openScreen(held, 'train');
      await expect(held.getByTestId('train-carried').textContent()).resolves.toContain('Masking: the defaults below.');
      // Pressed again, it previews 0.2 and carries that.
      await openScreen(held, 'masking');
      await held.getByTestId('mask-use').click();
      await held.getByTestId('mask-carried').filter({ hasText: 'noise density 0.2,' }).waitFor();
      expect(await held.getByTestId('mask-stale').count()).toBe(0);
    } finally {
      await held.close();
    }
  });

  it('says to press Preview after a switch of source, for typed text and a dataset alike; Preview is the one primary button', async () => {
    await openScreen(page, 'masking');
    await page.getByLabel('A dataset example').check();
    await expect
      .poll(async () => (await page.getByTestId('mask-none').textContent())?.trim())
      .toBe('Press Preview to see an example of this dataset masked.');
    await page.getByTestId('mask-preview').click();
    await page.getByTestId('mask-example-shown').waitFor({ timeout: 30_000 });
    await expect(page.getByTestId('mask-none').count()).resolves.toBe(0);
    await page.getByLabel('Typed text').check();
    await expect
      .poll(async () => (await page.getByTestId('mask-none').textContent())?.trim())
      .toBe('Press Preview to see this text masked.');
    await expect(page.getByTestId('mask-reroll').getAttribute('class')).resolves.toContain('secondary');
    expect((await page.getByTestId('mask-preview').getAttribute('class')) ?? '').not.toContain('secondary');
  });

  it("numbers a dataset's examples from 1, as `spanfill mask --example` takes them, and one typed back shows it again", async () => {
    await openScreen(page, 'masking');
    await page.getByLabel('A dataset example').check();
    await page.getByTestId('mask-dataset').selectOption(olderId);
    await page.getByTestId('mask-mode').selectOption('per-document');
    await page.getByTestId('mask-model-choice').selectOption('bytes');
    // A run's defaults, the ones `spanfill mask` takes without flags.
    for (const [box, value] of Object.entries({ density: '0.15', span: '3', length: '128', seed: '0' }))
      await page.getByTestId(`mask-${box}`).fill(value);
    const shown = page.getByTestId('mask-example-shown');
    const box = page.getByTestId('mask-example');
    const preview = async (number: string): Promise<void> => {
      await box.fill(number);
      await page.getByTestId('mask-preview').click();
      await shown.filter({ hasText: new RegExp(`^\\s*${number} of \\d+ \\(per-document\\)`) }).waitFor();
    };
    // The first is 1: the box takes nothing under it and there is nothing before it; the CLI's 1 is this one.
    await expect(box.getAttribute('min')).resolves.toBe('1');
    await preview('1');
    await expect(isHeld(page, 'mask-previous')).resolves.toBe(true);
    const cli = spanfillJson<{ inputText: string; example: { index: number } }>(session.dataDir, [
      ...['mask', '--dataset', olderId, '--mode', 'per-document', '--example', '1'],
    ]);
    expect(cli.example.index).toBe(0);
    await expect(page.getByTestId('mask-input').textContent()).resolves.toBe(cli.inputText);
    // Next shows 2, in the box too; that number typed back later shows the same example.
    await page.getByTestId('mask-next').click();
    await shown.filter({ hasText: /^\s*2 of/ }).waitFor();
    await expect(box.inputValue()).resolves.toBe('2');
    const second = await page.getByTestId('mask-input').textContent();
    await preview('1');
    await preview('2');
    await expect(page.getByTestId('mask-input').textContent()).resolves.toBe(second);
    // The last is the count, with nothing after it; one past it is said in the same numbers.
    const count = Number(/ of (\d+)/.exec((await shown.textContent()) ?? '')?.[1]);
    await preview(String(count));
    await expect(isHeld(page, 'mask-next')).resolves.toBe(true);
    await box.fill(String(count + 1));
    await page.getByTestId('mask-preview').click();
    await expect(page.getByTestId('mask-error').textContent()).resolves.toBe(
      `Example ${count + 1} does not exist; the dataset makes ${count} at these settings (1 to ${count})`,
    );
    await box.fill('');
  });
});
