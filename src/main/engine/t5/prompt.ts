// Checking a masked prompt before `fill` runs the model: well-formed text, at least one
// <extra_id_N> hole, and every hole one of the tokenizer's sentinels; and notes on holes the
// model can fill but was never trained on (numbered out of order, or one number twice).
// Without these checks an empty or hole-less prompt generated 32 tokens without a word and
// <extra_id_99999> was tokenized as plain text and reported as "no output" (issue #9). Text
// only: the counts come from the tokenizer (engine/data/tokenizer.ts); the length cap is
// input-limits.ts.

import {
  howToWriteHoles,
  notASentinel,
  notTextProblem,
  PROMPT_HAS_NO_HOLE,
  PROMPT_IS_EMPTY,
  SENTINEL,
  SENTINEL_LIKE,
} from '../../../shared/promptHoles';

export class PromptError extends Error {
  override name = 'PromptError';
}

/**
 * Throws PromptError saying what is wrong and how to write a masked prompt; `modelName`: the
 * model as the person chose it (shared/contract/runNames.ts modelFolderInWords).
 */
export function checkMaskedPrompt(prompt: string, sentinelCount: number, modelName: string): void {
  if (sentinelCount === 0) {
    throw new PromptError(
      `The tokenizer of ${modelName} has no <extra_id_N> sentinels, so this model cannot fill holes; use a T5 model folder`,
    );
  }
  const notText = notTextProblem(prompt);
  if (notText !== undefined) throw new PromptError(notText);
  if (prompt.trim() === '') throw new PromptError(`${PROMPT_IS_EMPTY} ${howToWriteHoles(sentinelCount)}`);
  let holes = 0;
  for (const [token] of prompt.matchAll(SENTINEL_LIKE)) {
    const match = SENTINEL.exec(token);
    if (match === null || Number(match[1]) >= sentinelCount) {
      const what =
        match === null
          ? notASentinel(token)
          : `${token} in the prompt is beyond the ${sentinelCount} sentinels of ${modelName}.`;
      throw new PromptError(`${what} ${howToWriteHoles(sentinelCount)}`);
    }
    holes++;
  }
  if (holes === 0) {
    throw new PromptError(`${PROMPT_HAS_NO_HOLE} ${howToWriteHoles(sentinelCount)}`);
  }
}

/**
 * What a person should know about a valid prompt's holes before reading the fill: T5's
 * pre-training numbered them 0, 1, 2, … from left to right, each once (span corruption, Raffel
 * et al. 2020, §3.1.4), so a number used twice or out of that order is text it never saw.
 */
export function promptNotes(prompt: string): string[] {
  const numbers = [...prompt.matchAll(SENTINEL_LIKE)].map(([token]) => SENTINEL.exec(token)?.[1]).map(Number);
  const repeated = [...new Set(numbers.filter((n, i) => numbers.indexOf(n) !== i))];
  if (repeated.length > 0) {
    const names = repeated.map((n) => `<extra_id_${n}>`).join(', ');
    return [
      `${names} ${repeated.length === 1 ? 'is' : 'are'} used more than once; the model writes one span per number, ` +
        'so give each hole its own (<extra_id_0>, <extra_id_1>, … from left to right)',
    ];
  }
  if (numbers.length === 1 && numbers[0] !== 0) {
    return [
      `The hole is <extra_id_${numbers[0]}>; T5 was trained with the first hole as <extra_id_0>, so it may fill ` +
        'this one less well: write <extra_id_0>',
    ];
  }
  if (numbers.some((n, i) => n !== i)) {
    const order = numbers.map((n) => `<extra_id_${n}>`).join(', ');
    return [
      `The holes are numbered ${order} from left to right; T5 was trained on <extra_id_0>, <extra_id_1>, … ` +
        'in order, so it may fill these less well',
    ];
  }
  return [];
}
