// What counts as a hole in a fill prompt, as far as text alone can tell: anything that looks
// like a sentinel, valid or not. The engine checks each against the model's tokenizer
// (engine/t5/prompt.ts); an empty prompt, one with nothing of the kind, one with a hole no
// tokenizer spells so (<extra_id_x>) and one that is not text (a lone surrogate) fail for every
// model alike, so the Playground says so once, before any model runs, in the words `spanfill
// fill` uses for it (the sentences below, for the engine's messages and the Playground's alike).

/** Anything that looks like a sentinel, valid or not: `<extra_id_7>`, `<extra_id_x>`, `<extra_id_007>`. */
export const SENTINEL_LIKE = /<extra_id[^<>\s]{0,20}>/g;

/** A sentinel as every T5 tokenizer spells one: <extra_id_N>, N without leading zeros. */
export const SENTINEL = /^<extra_id_(0|[1-9]\d*)>$/;

/** That `token`, which looks like a sentinel, is none (SENTINEL) in any tokenizer. */
export const notASentinel = (token: string): string => `${token} in the prompt is not a sentinel.`;

/** The first lone UTF-16 surrogate's index, which is not text and cannot be tokenized faithfully; -1: none. */
function loneSurrogate(prompt: string): number {
  for (let i = 0; i < prompt.length; i++) {
    const unit = prompt.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = prompt.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
      else return i;
    } else if (unit >= 0xdc00 && unit <= 0xdfff) return i;
  }
  return -1;
}

/** Why `prompt` is not text (a lone surrogate, by its position) and what to do; undefined when it is. */
export function notTextProblem(prompt: string): string | undefined {
  const at = loneSurrogate(prompt);
  if (at < 0) return undefined;
  const hex = prompt.charCodeAt(at).toString(16).toUpperCase();
  return `The prompt is not valid text: character ${at} is half of a UTF-16 surrogate pair (U+${hex}) without its other half. Remove it or fix the encoding.`;
}

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
 * What the Playground says, once, of a prompt every model would refuse (not text, empty, with no
 * hole, or with one no tokenizer has), before any model runs; undefined for a prompt the models
 * are to judge.
 */
export function promptRefusal(prompt: string): string | undefined {
  const notText = notTextProblem(prompt);
  if (notText !== undefined) return notText;
  const odd = prompt.match(SENTINEL_LIKE)?.find((token) => !SENTINEL.test(token));
  const first =
    prompt.trim() === ''
      ? PROMPT_IS_EMPTY
      : hasNoHole(prompt)
        ? PROMPT_HAS_NO_HOLE
        : odd === undefined
          ? undefined
          : notASentinel(odd);
  if (first === undefined) return undefined;
  return `${first} ${howToWriteHoles()} Insert hole (or Ctrl+I) puts the next one at the cursor.`;
}
