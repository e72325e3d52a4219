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
