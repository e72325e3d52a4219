// What counts as a hole in a fill prompt, as far as text alone can tell: anything that looks
// like a sentinel, valid or not. The engine checks each against the model's tokenizer
// (engine/t5/prompt.ts); a prompt with nothing of the kind fails for every model alike, so
// the Playground says so once, before any model runs.

/** Anything that looks like a sentinel, valid or not: `<extra_id_7>`, `<extra_id_x>`, `<extra_id_007>`. */
export const SENTINEL_LIKE = /<extra_id[^<>\s]{0,20}>/g;

/** True when `prompt` has nothing that looks like an <extra_id_N> hole. */
export const hasNoHole = (prompt: string): boolean => prompt.match(SENTINEL_LIKE) === null;

/** What the Playground says, once, for such a prompt (the engine's refusal also names the tokenizer's range). */
export const NO_HOLE =
  'The prompt has no <extra_id_N> hole to fill: write <extra_id_0>, <extra_id_1>, … where spans are missing, ' +
  'e.g. "The <extra_id_0> walks in <extra_id_1> park" (Insert hole, or Ctrl+I, puts the next one at the cursor).';
