// The Playground's prompt helpers: a hole inserted anywhere is numbered by its place and the
// later holes move up; a masking preview becomes a prompt with what each hole hid; filled spans
// are judged against it (spacing aside) and cut out of the text for highlighting.

import { describe, expect, it } from 'vitest';
import type { MaskingPreviewSegment } from '../../../../src/shared/contract/masking';
import type { PlaygroundFilledSpan } from '../../../../src/shared/contract/playground';
import { fillSentinels } from '../../../../src/main/engine/t5/sentinels';
import {
  insertHole,
  judgeSpan,
  piecesOf,
  promptFromSegments,
  renumberHoles,
  isCutShort,
  shownFill,
  shownHidden,
} from '../../../../src/renderer/src/lib/prompts';

const segment = (text: string, isNoise: boolean, sentinel: string): MaskingPreviewSegment => ({
  text,
  isNoise,
  sentinel,
  sentinelId: 0,
  tokenCount: 1,
  documentEnds: [],
});

const span = (sentinel: number, text: string, start: number, end: number): PlaygroundFilledSpan => ({
  sentinel,
  text,
  start,
  end,
  isMissing: text === '',
  isCutOff: false,
  isBlankOnly: false,
});

describe('insertHole', () => {
  it('puts <extra_id_0> into an empty prompt with the cursor after it', () => {
    expect(insertHole('', 0, 0)).toEqual({ text: '<extra_id_0>', cursor: 12 });
  });

  it('numbers a hole by its place and moves the later holes up', () => {
    const text = 'The <extra_id_0> walks in the park';
    const at = text.indexOf('the park');
    // Replaces the selected "the" with the second hole.
    expect(insertHole(text, at, at + 3)).toEqual({
      text: 'The <extra_id_0> walks in <extra_id_1> park',
      cursor: at + '<extra_id_1>'.length,
    });
    expect(insertHole('A <extra_id_0> b', 0, 0).text).toBe('<extra_id_0>A <extra_id_1> b');
  });

  it('puts the hole after a sentinel the cursor is inside, never splitting it', () => {
    const text = 'A <extra_id_0> B <extra_id_1> C';
    // The cursor after "<e" of the first hole, and at every place inside it.
    expect(insertHole(text, 4, 4)).toEqual({ text: 'A <extra_id_0><extra_id_1> B <extra_id_2> C', cursor: 26 });
    for (let at = 3; at < 14; at++) expect(insertHole(text, at, at).text).toBe(insertHole(text, 14, 14).text);
    // At the sentinel's edges the cursor is not inside it: the hole goes where the cursor is.
    expect(insertHole(text, 2, 2).text).toBe('A <extra_id_0><extra_id_1> B <extra_id_2> C');
  });

  it('keeps a sentinel a selection only partly covers', () => {
    const text = 'A <extra_id_0> B <extra_id_1> C';
    // From inside the first hole to inside the second: the text between them, not the holes.
    expect(insertHole(text, 6, 20)).toEqual({ text: 'A <extra_id_0><extra_id_1><extra_id_2> C', cursor: 26 });
    // Ending inside a hole from before it: the selection up to the hole.
    expect(insertHole(text, 0, 5).text).toBe('<extra_id_0><extra_id_1> B <extra_id_2> C');
  });

  it('renumbers holes typed out of order', () => {
    expect(renumberHoles('<extra_id_5> x <extra_id_2> y <extra_id_9>')).toBe(
      '<extra_id_0> x <extra_id_1> y <extra_id_2>',
    );
  });
});

describe('promptFromSegments', () => {
  it("expects a hole's text without the end of the document it hides: the model fills text, not </s>", () => {
    const ending = promptFromSegments([
      segment('The cute dog walks in the ', false, '<extra_id_0>'),
      { ...segment('green park</s>', true, '<extra_id_0>'), documentEnds: [10] },
    ]);
    expect(ending.prompt).toBe('The cute dog walks in the <extra_id_0>');
    expect([...ending.expected]).toEqual([[0, 'green park']]);
    const onlyEnd = promptFromSegments([
      segment('The cute dog walks in the green park', false, '<extra_id_0>'),
      { ...segment('</s>', true, '<extra_id_0>'), documentEnds: [0] },
    ]);
    expect([...onlyEnd.expected]).toEqual([[0, '']]);
  });

  it('keeps a typed "</s>" that is text, not an end', () => {
    const typed = promptFromSegments([segment('a ', false, '<extra_id_0>'), segment('</s> b', true, '<extra_id_0>')]);
    expect([...typed.expected]).toEqual([[0, '</s> b']]);
  });
});

describe('promptFromSegments and judgeSpan', () => {
  const masked = promptFromSegments([
    segment('The ', false, '<extra_id_0>'),
    segment('cute dog', true, '<extra_id_0>'),
    segment(' walks in the ', false, '<extra_id_1>'),
    segment('green', true, '<extra_id_1>'),
    segment(' park', false, '<extra_id_2>'),
  ]);

  it('replaces each noise span by its sentinel and remembers what it hid', () => {
    expect(masked.prompt).toBe('The <extra_id_0> walks in the <extra_id_1> park');
    expect([...masked.expected]).toEqual([
      [0, 'cute dog'],
      [1, 'green'],
    ]);
  });

  it('calls a span exact when only spacing differs, and gives the hidden text when not', () => {
    expect(judgeSpan(span(0, ' cute  dog', 4, 14), masked.expected)).toEqual({ isExact: true });
    expect(judgeSpan(span(1, 'blue', 20, 24), masked.expected)).toEqual({ isExact: false, expected: 'green' });
    expect(judgeSpan(span(2, 'x', 0, 1), masked.expected)).toBeUndefined();
  });
});

describe('piecesOf', () => {
  it('cuts the filled text into plain pieces and spans in order, an empty span included', () => {
    const text = 'The cute dog walks in  park';
    const spans = [span(1, '', 22, 22), span(0, 'cute dog', 4, 12)];
    expect(piecesOf(text, spans).map((p) => [p.text, p.span?.sentinel])).toEqual([
      ['The ', undefined],
      ['cute dog', 0],
      [' walks in ', undefined],
      ['', 1],
      [' park', undefined],
    ]);
  });
});

describe('shownFill', () => {
  it('shows a fill of blanks as visible marks, so it differs from an empty one', () => {
    expect(shownFill('cute dog')).toBe('cute dog');
    expect(shownFill(' ')).toBe('␣');
    expect(shownFill(' \t\r\n')).toBe('␣⇥↵');
    expect(shownFill('')).toBe('(nothing)');
  });

  // The spans as the engine makes them (fillSentinels): a shape made up here once tested
  // "(cut off)" for a missing span the engine never marks cut off, and the screen never said it.
  const prompt = 'The <extra_id_0> walks in <extra_id_1> park';
  const shown = (output: string, stoppedAtTokenLimit: number | null): string[] => {
    const { spans } = fillSentinels(prompt, output, { isOutputCutOff: stoppedAtTokenLimit !== null });
    const result = { spans, stoppedAtTokenLimit };
    return spans.map((span) => shownFill(span.text, span, isCutShort(span, result)));
  };

  it('says a hole left empty at the token limit was cut off, in words, not only by its colour', () => {
    // The limit came right after <extra_id_0>: its span and the hole never reached are cut off.
    expect(shown('<extra_id_0>', 1)).toEqual(['(cut off)', '(cut off)']);
    // It came before any sentinel: both holes have no output, cut off.
    expect(shown('cute', 1)).toEqual(['(cut off)', '(cut off)']);
    // Part of a span written: the text shows; the hole after it was not reached.
    expect(shown('<extra_id_0> cute do', 4)).toEqual(['cute do', '(cut off)']);
    // The model finished: a hole it gave nothing says so, not cut off.
    expect(shown('<extra_id_0><extra_id_1> green', null)).toEqual(['(nothing)', 'green']);
    expect(shown('<extra_id_0> cute', null)).toEqual(['cute', '(nothing)']);
    // Stopped at the limit, but a hole skipped before a later one written was not ended by it.
    expect(shown('<extra_id_1> gre', 3)).toEqual(['(nothing)', 'gre']);
  });

  it('shows a line end inside a fill as ↵, so a fill starting with one does not break the line', () => {
    expect(shownFill('\nthe park')).toBe('↵the park');
    expect(shownFill('a\r\nb')).toBe('a↵b');
  });
});

describe('shownFill of a fill of blanks only, trimmed', () => {
  it('says it was blanks only, not nothing', () => {
    expect(shownFill('', { isBlankOnly: true })).toBe('(spaces only)');
    expect(shownFill('', { isBlankOnly: false })).toBe('(nothing)');
  });
});

describe('shownHidden', () => {
  it('quotes what a hole hid, with the marks fills use for blanks, so "t, t" reads as one text', () => {
    expect(shownHidden('t, t')).toBe('“t, t”');
    expect(shownHidden(' ')).toBe('“␣”');
    expect(shownHidden('a\nb')).toBe('“a↵b”');
  });
});
