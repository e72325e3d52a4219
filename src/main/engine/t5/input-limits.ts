// How many tokens one T5 input may have — a prompt to fill, and (the same rule) a training
// example's input or target — for a config: one function that `fill` and the trainer both
// apply, so neither runs into an out-of-memory or `Invalid typed array length` deep inside.
// T5's relative position buckets put no hard limit on the length, but encoder self-attention
// holds (heads × length²) scores and a (length²) int64 bucket table per graph run.

import type { T5Config } from './config';

/**
 * The general cap, in tokens. T5 was pretrained on 512-token inputs and Flan-T5 fine-tuned on
 * up to 2,048; past that the model has never seen such distances and the quadratic attention
 * makes each generation take many seconds (issue #9: 10,000 tokens took 20 s and 5.7 GB).
 */
export const T5_MAX_INPUT_TOKENS = 2048;

/** Bytes the largest attention tensors of one encoder run may take, for the memory bound. */
export const ATTENTION_BUDGET_BYTES = 2 ** 30;

/**
 * Most tokens per input for `config`: the general cap, lowered for models with so many heads
 * that (scores + softmax, float32 per head) + int64 bucket table at length² exceed the budget.
 */
export function maxInputTokens(config: T5Config): number {
  const bytesPerPositionPair = 2 * 4 * config.numHeads + 8;
  const memoryBound = Math.floor(Math.sqrt(ATTENTION_BUDGET_BYTES / bytesPerPositionPair));
  return Math.min(T5_MAX_INPUT_TOKENS, memoryBound);
}

export class InputLengthError extends Error {
  override name = 'InputLengthError';
}

/**
 * Throws InputLengthError when `tokens` (the length with EOS) is over maxInputTokens(config).
 * `what` names the input in the message ("The prompt", "Example 12's input").
 */
export function checkInputLength(config: T5Config, tokens: number, what: string): void {
  const limit = maxInputTokens(config);
  if (tokens <= limit) return;
  throw new InputLengthError(
    `${what} is ${tokens.toLocaleString('en-US')} tokens long; this model takes at most ` +
      `${limit.toLocaleString('en-US')} tokens per input (T5 was trained on inputs of up to 512–2,048 tokens, ` +
      `and attention memory grows with the square of the length). Shorten it, or split it into several inputs.`,
  );
}
