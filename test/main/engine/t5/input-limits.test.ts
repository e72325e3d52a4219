// maxInputTokens: the general cap for ordinary models, the memory bound for models with very
// many heads (derived here from the budget, not copied), and the message of checkInputLength.

import { describe, expect, it } from 'vitest';
import { parseT5Config, t5Preset } from '../../../../src/main/engine/t5/config';
import {
  ATTENTION_BUDGET_BYTES,
  checkInputLength,
  InputLengthError,
  maxInputTokens,
  T5_MAX_INPUT_TOKENS,
} from '../../../../src/main/engine/t5/input-limits';

describe('maxInputTokens', () => {
  it('is the general cap for the public presets', () => {
    for (const name of ['t5-small', 't5-base', 'flan-t5-base'] as const)
      expect(maxInputTokens(t5Preset(name))).toBe(T5_MAX_INPUT_TOKENS);
  });

  it('keeps two float32 attention tensors and the bucket table within the budget for 128 heads', () => {
    const config = parseT5Config({ d_model: 1024, num_heads: 128, d_kv: 128, d_ff: 4096, num_layers: 1 });
    const limit = maxInputTokens(config);
    expect(limit).toBeLessThan(T5_MAX_INPUT_TOKENS);
    const bytes = (n: number): number => n * n * (2 * 4 * 128 + 8);
    expect(bytes(limit)).toBeLessThanOrEqual(ATTENTION_BUDGET_BYTES);
    expect(bytes(limit + 1)).toBeGreaterThan(ATTENTION_BUDGET_BYTES);
  });
});

describe('checkInputLength', () => {
  const config = t5Preset('t5-small');
  it('passes the limit itself and refuses one more, naming what and the limit', () => {
    expect(() => checkInputLength(config, T5_MAX_INPUT_TOKENS, 'The prompt')).not.toThrow();
    expect(() => checkInputLength(config, 2049, "Example 12's input")).toThrow(InputLengthError);
    expect(() => checkInputLength(config, 2049, "Example 12's input")).toThrow(
      "Example 12's input is 2,049 tokens long; this model takes at most 2,048 tokens per input",
    );
  });
});
