// The Masking screen's preview key (lib/maskingScreen.ts): a preview is out of date when any
// input it was made from changed, and only then, so "Use these settings for training" never
// carries settings other than the ones the preview on screen shows; a failure is about those
// inputs and the example number, so a changed number never sits beside another number's error;
// the computed lengths in words; what is said once a preview is on screen.

import { describe, expect, it } from 'vitest';
import type { MaskingPreviewResult } from '../../../../src/shared/contract/masking';
import {
  failureKey,
  previewAnnouncement,
  previewKey,
  type PreviewInputs,
} from '../../../../src/renderer/src/lib/maskingScreen';

const text: PreviewInputs = {
  source: 'text',
  text: 'The cute dog walks',
  datasetId: 'ds-1',
  model: 'bytes',
  noiseDensity: 0.15,
  meanNoiseSpanLength: 3,
  inputLength: 64,
  seed: 0,
  mode: 'auto',
};

describe('previewKey', () => {
  it('changes with every input a preview is made from', () => {
    const changed: Partial<PreviewInputs>[] = [
      { text: 'Another text' },
      { model: '/models/t5' },
      { noiseDensity: 0.3 },
      { meanNoiseSpanLength: 2 },
      { inputLength: 96 },
      { seed: 7 },
      { source: 'dataset' },
    ];
    for (const change of changed)
      expect(previewKey({ ...text, ...change }), JSON.stringify(change)).not.toBe(previewKey(text));
    const dataset: PreviewInputs = { ...text, source: 'dataset' };
    expect(previewKey({ ...dataset, datasetId: 'ds-2' })).not.toBe(previewKey(dataset));
    expect(previewKey({ ...dataset, mode: 'packed' })).not.toBe(previewKey(dataset));
  });

  it("stays the same for what the source does not use, and for the tokenizer's surrounding spaces", () => {
    expect(previewKey({ ...text, datasetId: 'ds-2', mode: 'packed' })).toBe(previewKey(text));
    const dataset: PreviewInputs = { ...text, source: 'dataset' };
    expect(previewKey({ ...dataset, text: '' })).toBe(previewKey(dataset));
    expect(previewKey({ ...text, model: ' bytes ' })).toBe(previewKey(text));
  });
});

describe('failureKey', () => {
  const dataset: PreviewInputs = { ...text, source: 'dataset' };

  it("changes with a dataset example's number, blank or not, as with every preview input", () => {
    const keys = [99999, 0, -3, 2.5, 1, null].map((example) => failureKey(dataset, example));
    expect(new Set(keys).size).toBe(keys.length);
    expect(failureKey({ ...dataset, seed: 7 }, 3)).not.toBe(failureKey(dataset, 3));
    expect(failureKey(dataset, 3)).toBe(failureKey({ ...dataset }, 3));
  });

  it('leaves out the example number for typed text, which has none', () => {
    expect(failureKey(text, 5)).toBe(failureKey(text, null));
    expect(failureKey({ ...text, text: 'Other' }, null)).not.toBe(failureKey(text, null));
  });
});

describe('previewAnnouncement', () => {
  /** A preview's counts and seed: what is said of it (the rest of a result is not). */
  const preview = (more: Partial<MaskingPreviewResult>) =>
    ({
      counts: {
        textTokens: 140,
        maskedTokens: 141,
        noiseTokens: 21,
        noiseSpans: 7,
        inputTokens: 128,
        targetTokens: 29,
      },
      seed: 42,
      ...more,
    }) as MaskingPreviewResult;

  it("says a typed text's preview is ready with its seed and its counts, as the Tokens line has them", () => {
    expect(previewAnnouncement(preview({}))).toBe(
      'Preview ready (seed 42): 141 tokens in this example, of which 21 are hidden in 7 noise spans; ' +
        'the input has 128, the target 29.',
    );
  });

  it('says which dataset example, from 1, of how many; one hidden token in one span is said so', () => {
    const counts = { textTokens: 9, maskedTokens: 10, noiseTokens: 1, noiseSpans: 1, inputTokens: 10, targetTokens: 3 };
    expect(previewAnnouncement(preview({ counts, seed: 0, example: { index: 2, count: 6, mode: 'packed' } }))).toBe(
      'Example 3 of 6 ready (seed 0): 10 tokens in this example, of which 1 is hidden in 1 noise span; ' +
        'the input has 10, the target 3.',
    );
  });
});
