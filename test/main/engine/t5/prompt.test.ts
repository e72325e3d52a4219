// checkMaskedPrompt on its own, with a tokenizer of 3 sentinels: what counts as a hole, the
// valid range named in the message, and which text is refused before any model runs; and
// promptNotes on valid holes T5 was not trained on.

import { describe, expect, it } from 'vitest';
import { checkMaskedPrompt, PromptError, promptNotes } from '../../../../src/main/engine/t5/prompt';

const check = (prompt: string, sentinels = 3): void => checkMaskedPrompt(prompt, sentinels, 'tiny');

describe('checkMaskedPrompt', () => {
  it('accepts prompts whose holes are the tokenizer sentinels, in any order or repeated', () => {
    for (const prompt of [
      '<extra_id_0>',
      'a <extra_id_2> b <extra_id_0>',
      'x<extra_id_1>y<extra_id_1>',
      '\u0000 <extra_id_0> 🐕',
    ])
      expect(() => check(prompt), prompt).not.toThrow();
  });

  it('names the valid range from the sentinel count and gives an example', () => {
    expect(() => check('no holes')).toThrow(
      'The prompt has no <extra_id_N> hole to fill. Write the text with <extra_id_0>, <extra_id_1>, … where spans are missing (this tokenizer has <extra_id_0> to <extra_id_2>), e.g. "The <extra_id_0> walks in <extra_id_1> park".',
    );
    expect(() => check('a <extra_id_3>')).toThrow('<extra_id_3> in the prompt is beyond the 3 sentinels of tiny.');
    expect(() => check('a <extra_id_999999999999>')).toThrow(
      '<extra_id_999999999999> in the prompt is beyond the 3 sentinels of tiny.',
    );
    expect(() => check('a <extra_id_-1> <extra_id_0>')).toThrow('<extra_id_-1> in the prompt is not a sentinel.');
  });

  it('refuses a tokenizer without sentinels, and text with unpaired surrogates', () => {
    expect(() => check('<extra_id_0>', 0)).toThrow('The tokenizer of tiny has no <extra_id_N> sentinels');
    expect(() => check('<extra_id_0> \udbff')).toThrow(PromptError);
    expect(() => check('<extra_id_0> \udbff\udfff')).not.toThrow(); // a valid pair (U+10FFFF)
  });
});

describe('promptNotes', () => {
  it('says nothing of holes numbered 0, 1, 2, … from left to right', () => {
    expect(promptNotes('The <extra_id_0> walks in <extra_id_1> park <extra_id_2>')).toEqual([]);
    expect(promptNotes('<extra_id_0>')).toEqual([]);
  });

  it('names holes out of that order', () => {
    expect(promptNotes('a <extra_id_1> b <extra_id_0>')).toEqual([
      'The holes are numbered <extra_id_1>, <extra_id_0> from left to right; T5 was trained on ' +
        '<extra_id_0>, <extra_id_1>, … in order, so it may fill these less well',
    ]);
  });

  it('says a single hole other than <extra_id_0> as one hole', () => {
    expect(promptNotes('a <extra_id_124> b')).toEqual([
      'The hole is <extra_id_124>; T5 was trained with the first hole as <extra_id_0>, so it may fill this one ' +
        'less well: write <extra_id_0>',
    ]);
  });

  it('names a number used twice (before any order)', () => {
    expect(promptNotes('<extra_id_1> <extra_id_0> <extra_id_0>')).toEqual([
      '<extra_id_0> is used more than once; the model writes one span per number, so give each hole its own ' +
        '(<extra_id_0>, <extra_id_1>, … from left to right)',
    ]);
    expect(promptNotes('<extra_id_0><extra_id_1><extra_id_0><extra_id_1>')[0]).toMatch(
      /^<extra_id_0>, <extra_id_1> are used more than once;/,
    );
  });
});
