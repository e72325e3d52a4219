// The masking contract's words for a preview, shared by the Masking screen and `spanfill mask`.
import { describe, expect, it } from 'vitest';
import { maskingLengthsText } from '../../../src/shared/contract/masking';

describe('maskingLengthsText', () => {
  it('says the raw length is the text a full example takes, apart from the input and target', () => {
    expect(maskingLengthsText({ tokensLength: 141, inputLength: 128, targetLength: 29 })).toBe(
      'input 128 and target 29, from 141 tokens of text in a full example',
    );
  });
});
