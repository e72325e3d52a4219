// Sentinel rendering: a model's <extra_id_N> output filled into the prompt's holes.
import { describe, expect, it } from 'vitest';
import { fillSentinels, parseSpans } from '../../../../src/main/engine/t5/sentinels';

describe('sentinels', () => {
  it('fills each hole and marks the spans', () => {
    const filled = fillSentinels(
      'The <extra_id_0> walks in <extra_id_1> park.',
      '<pad> <extra_id_0> cute dog<extra_id_1> the <extra_id_2></s>',
    );
    expect(filled.text).toBe('The cute dog walks in the park.');
    expect(filled.marked).toBe('The [[cute dog]] walks in [[the]] park.');
    expect(filled.spans.map((s) => filled.text.slice(s.start, s.end))).toEqual(['cute dog', 'the']);
    expect(filled.spans[1]).toMatchObject({ sentinel: 1, text: 'the', isMissing: false });
  });
  it('leaves a hole empty and flags it when the output has no span for it', () => {
    const filled = fillSentinels('a <extra_id_0> b <extra_id_1> c', '<extra_id_0> x', { open: '<', close: '>' });
    expect(filled.marked).toBe('a <x> b <> c');
    expect(filled.spans[1]).toMatchObject({ sentinel: 1, isMissing: true, text: '' });
  });
  it('keeps what the model wrote, blanks included, where the prompt has no whitespace beside the hole', () => {
    // A byte-level model writes the space itself: trimming it dropped a right fill.
    const filled = fillSentinels(
      'We<extra_id_0>the People, <extra_id_1>form a more <extra_id_2>',
      '<extra_id_0> <extra_id_1> to <extra_id_2> perfect Union</s>',
    );
    expect(filled.text).toBe('We the People, to form a more perfect Union');
    expect(filled.spans.map((s) => s.text)).toEqual([' ', 'to ', 'perfect Union']);
    expect(filled.spans[0]).toMatchObject({ start: 2, end: 3, isMissing: false });
  });
  it('flags a hole the model wrote only blanks in, which the prompt’s own beside it stand for, apart from one it wrote nothing in', () => {
    // A byte model's answer: a space in each of the first two holes, each between two spaces of the prompt.
    const blanks = fillSentinels(
      'woke <extra_id_0> on the <extra_id_1> gathered',
      '<extra_id_0> <extra_id_1> <extra_id_2> t</s>',
    );
    expect(blanks.spans.map((s) => [s.text, s.isBlankOnly])).toEqual([
      ['', true],
      ['', true],
    ]);
    expect(fillSentinels('a <extra_id_0> b', '<extra_id_0>\t\n<extra_id_1>').spans[0].isBlankOnly).toBe(true);
    // Nothing written, text, a blank fill <pad> and </s> follow (no text the model wrote), a hole never reached.
    const others = fillSentinels(
      'a <extra_id_0> b <extra_id_1> c <extra_id_2> d <extra_id_3> e',
      '<extra_id_0><extra_id_1> dog <extra_id_2> <pad></s>',
    );
    expect(others.spans.map((s) => [s.text, s.isMissing, s.isBlankOnly])).toEqual([
      ['', false, false],
      ['dog', false, false],
      ['', false, true],
      ['', true, false],
    ]);
    expect(fillSentinels('a <extra_id_0> b', '<extra_id_0><pad></s>').spans[0].isBlankOnly).toBe(false);
    // Each sentinel's first span counts; a blank kept where the prompt has none beside the hole is its text.
    expect(fillSentinels('a <extra_id_0> b', '<extra_id_0> <extra_id_1>x<extra_id_0>y').spans[0].isBlankOnly).toBe(
      true,
    );
    expect(fillSentinels('We<extra_id_0>the', '<extra_id_0> ').spans[0]).toMatchObject({
      text: ' ',
      isBlankOnly: false,
    });
  });
  it('marks the span an output cut off by the token limit was writing, and no span of a finished one', () => {
    const prompt = 'a <extra_id_0> b <extra_id_1> c <extra_id_2>';
    const cut = fillSentinels(prompt, '<extra_id_0> x<extra_id_1>', { isOutputCutOff: true });
    expect(cut.spans.map((s) => [s.sentinel, s.text, s.isMissing, s.isCutOff])).toEqual([
      [0, 'x', false, false],
      [1, '', false, true], // begun, not an empty answer
      [2, '', true, false],
    ]);
    expect(cut.marked).toBe('a [[x]] b [[]] c [[]]');
    const partway = fillSentinels(prompt, '<extra_id_0> x<extra_id_1> half a wo', { isOutputCutOff: true });
    expect(partway.spans[1]).toMatchObject({ text: 'half a wo', isCutOff: true });
    // The same output ended by </s>: nothing is cut off.
    const finished = fillSentinels(prompt, '<extra_id_0> x<extra_id_1></s>');
    expect(finished.spans.some((s) => s.isCutOff)).toBe(false);
    // Cut off before any sentinel: no span was begun; a repeated last sentinel is not the kept span.
    expect(fillSentinels(prompt, 'stray text', { isOutputCutOff: true }).spans.some((s) => s.isCutOff)).toBe(false);
    const repeated = fillSentinels(prompt, '<extra_id_0> x<extra_id_0> y', { isOutputCutOff: true });
    expect(repeated.spans[0]).toMatchObject({ text: 'x', isCutOff: false });
  });
  it('parses spans trimmed by default, or as written (blanks kept) when asked', () => {
    const output = '<pad><extra_id_0> <extra_id_1>e the <extra_id_2></s>';
    expect([...parseSpans(output)]).toEqual([
      [0, ''],
      [1, 'e the'],
      [2, ''],
    ]);
    expect([...parseSpans(output, false)]).toEqual([
      [0, ' '],
      [1, 'e the '],
      [2, ''],
    ]);
  });
});
