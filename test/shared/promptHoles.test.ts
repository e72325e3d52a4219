// A prompt with nothing like an <extra_id_N> hole is told apart from one the engine must judge,
// and the Playground refuses an empty one in the words `spanfill fill` (the engine) uses.
import { describe, expect, it } from 'vitest';
import { checkMaskedPrompt } from '../../src/main/engine/t5/prompt';
import { hasNoHole, howToWriteHoles, promptRefusal, PROMPT_IS_EMPTY } from '../../src/shared/promptHoles';

describe('hasNoHole', () => {
  it('is true only when nothing in the prompt looks like a sentinel', () => {
    expect(hasNoHole('A prompt without any hole.')).toBe(true);
    expect(hasNoHole('')).toBe(true);
    expect(hasNoHole('extra_id_0 and <extra id_0> and <extra_id_0 >')).toBe(true);
    expect(hasNoHole('The <extra_id_0> walks')).toBe(false);
    // Malformed or out-of-range ones are the engine's to refuse, per tokenizer.
    expect(hasNoHole('The <extra_id_x> walks')).toBe(false);
    expect(hasNoHole('The <extra_id_99999> walks')).toBe(false);
  });

  it('gives the same answer when asked twice (the pattern is global, the test keeps no state)', () => {
    const prompt = 'The <extra_id_0> walks';
    expect([hasNoHole(prompt), hasNoHole(prompt)]).toEqual([false, false]);
  });
});

describe('promptRefusal', () => {
  const how =
    'Write the text with <extra_id_0>, <extra_id_1>, … where spans are missing, e.g. "The <extra_id_0> walks in <extra_id_1> park".';
  const hint = 'Insert hole (or Ctrl+I) puts the next one at the cursor.';

  it('says an empty or blank prompt is empty, not that it has no hole', () => {
    for (const prompt of ['', '  \n\t']) expect(promptRefusal(prompt)).toBe(`The prompt is empty. ${how} ${hint}`);
  });

  it('says a prompt with no hole has none, and leaves one with a hole to the models', () => {
    expect(promptRefusal('A prompt without any hole.')).toBe(
      `The prompt has no <extra_id_N> hole to fill. ${how} ${hint}`,
    );
    expect(promptRefusal('The <extra_id_0> walks')).toBeUndefined();
    expect(promptRefusal('The <extra_id_99999> walks')).toBeUndefined();
  });

  it('says once what no tokenizer takes: a hole that is no sentinel, or text that is not text', () => {
    expect(promptRefusal('The <extra_id_0> walks in <extra_id_x> park')).toBe(
      `<extra_id_x> in the prompt is not a sentinel. ${how} ${hint}`,
    );
    expect(promptRefusal('The <extra_id_007> walks')).toBe(
      `<extra_id_007> in the prompt is not a sentinel. ${how} ${hint}`,
    );
    expect(promptRefusal('The \ud800 <extra_id_0> walks')).toBe(
      'The prompt is not valid text: character 4 is half of a UTF-16 surrogate pair (U+D800) without its other half. Remove it or fix the encoding.',
    );
    // The engine's first sentence for each, which `spanfill fill` prints.
    expect(() => checkMaskedPrompt('The <extra_id_x> walks', 3, 'tiny')).toThrow(
      `<extra_id_x> in the prompt is not a sentinel. ${howToWriteHoles(3)}`,
    );
    expect(() => checkMaskedPrompt('The \ud800 <extra_id_0> walks', 3, 'tiny')).toThrow(
      promptRefusal('The \ud800 <extra_id_0> walks'),
    );
  });

  it("is, for an empty prompt, the engine's refusal that `spanfill fill` prints, less the tokenizer's range", () => {
    expect(howToWriteHoles(3)).toBe(
      'Write the text with <extra_id_0>, <extra_id_1>, … where spans are missing ' +
        '(this tokenizer has <extra_id_0> to <extra_id_2>), e.g. "The <extra_id_0> walks in <extra_id_1> park".',
    );
    expect(() => checkMaskedPrompt(' ', 3, 'tiny')).toThrow(`${PROMPT_IS_EMPTY} ${howToWriteHoles(3)}`);
  });
});
