// What counts as a hole in a fill prompt, as far as text alone can tell: anything that looks
// like a sentinel, valid or not. The engine checks each against the model's tokenizer
// (engine/t5/prompt.ts); an empty prompt, or one with nothing of the kind, fails for every model
// alike, so the Playground says so once, before any model runs, in the words `spanfill fill`
// uses for it (the sentences below, for the engine's messages and the Playground's alike).

/** Anything that looks like a sentinel, valid or not: `<extra_id_7>`, `<extra_id_x>`, `<extra_id_007>`. */
export const SENTINEL_LIKE = /<extra_id[^<>\s]{0,20}>/g;

/** True when `prompt` has nothing that looks like an <extra_id_N> hole. */
export const hasNoHole = (prompt: string): boolean => prompt.match(SENTINEL_LIKE) === null;

/** A prompt with holes, as the messages about holes show one. */
export const PROMPT_EXAMPLE = '"The <extra_id_0> walks in <extra_id_1> park"';

/** The first sentence of the refusal of an empty prompt (or one of white space only). */
export const PROMPT_IS_EMPTY = 'The prompt is empty.';

/** The first sentence of the refusal of a prompt with nothing like a hole. */
export const PROMPT_HAS_NO_HOLE = 'The prompt has no <extra_id_N> hole to fill.';

/**
 * How to write a prompt with holes, said after a refusal; `sentinelCount`, when the tokenizer is
 * known, adds its range of sentinels.
 */
export function howToWriteHoles(sentinelCount?: number): string {
  const range =
    sentinelCount === undefined ? '' : ` (this tokenizer has <extra_id_0> to <extra_id_${sentinelCount - 1}>)`;
  return `Write the text with <extra_id_0>, <extra_id_1>, … where spans are missing${range}, e.g. ${PROMPT_EXAMPLE}.`;
}

/**
 * What the Playground says, once, of a prompt every model would refuse (empty, or with no
 * hole), before any model runs; undefined for a prompt the models are to judge.
 */
export function promptRefusal(prompt: string): string | undefined {
  const first = prompt.trim() === '' ? PROMPT_IS_EMPTY : hasNoHole(prompt) ? PROMPT_HAS_NO_HOLE : undefined;
  if (first === undefined) return undefined;
  return `${first} ${howToWriteHoles()} Insert hole (or Ctrl+I) puts the next one at the cursor.`;
}
