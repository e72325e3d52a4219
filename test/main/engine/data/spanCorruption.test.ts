import { describe, expect, it } from 'vitest';
import golden from '../../../fixtures/span-corruption.json';
import { computeInputAndTargetLengths, roundHalfEven } from '../../../../src/main/engine/data/lengths';
import { Rng } from '../../../../src/main/engine/rng';
import { DataError } from '../../../../src/main/engine/data/errors';
import {
  applyNoiseMask,
  checkSentinelBudget,
  fitSpanLengths,
  maskedLengthsFor,
  countRuns,
  noiseSpanCounts,
  randomSegmentation,
  randomSpansNoiseMask,
} from '../../../../src/main/engine/data/spanCorruption';

describe('computeInputAndTargetLengths (golden)', () => {
  it.each(golden.lengths)('$inputs_length @ $noise_density / $mean_noise_span_length', (c) => {
    const got = computeInputAndTargetLengths(c.inputs_length, c.noise_density, c.mean_noise_span_length);
    expect(got.tokensLength).toBe(c.tokens_length);
    expect(got.targetLength).toBe(c.targets_length);
  });
  it("HF's density-0.5 trim compares with the recomputed input length (values derived by hand from HF's code)", () => {
    // HF compute_input_and_target_lengths at density 0.5 with 1-token spans: for n raw tokens,
    // noise = round(n / 2), spans = round(noise / 1) = noise, so input = n − noise + spans + 1 = n + 1
    // and target = 2·noise + 1. tokens_length starts at the length asked for and grows while
    // n + 1 + 1 ≤ it, which never holds, so it stays there. Then `inputs_length, targets_length =`
    // recomputes both for it, and the hack trims only when targets_length > that new inputs_length.
    // 128: input 129, target 2·64 + 1 = 129; 129 > 129 is false → (128, 129).
    expect(computeInputAndTargetLengths(128, 0.5, 1)).toEqual({
      tokensLength: 128,
      inputLength: 128,
      targetLength: 129,
    });
    // 16: input 17, target 2·8 + 1 = 17; no trim → (16, 17).
    expect(computeInputAndTargetLengths(16, 0.5, 1)).toEqual({ tokensLength: 16, inputLength: 16, targetLength: 17 });
    // 127 (odd): noise = round(63.5) = 64 (half to even), input 128, target 129 > 128 → trimmed to (126, 128).
    expect(computeInputAndTargetLengths(127, 0.5, 1)).toEqual({
      tokensLength: 126,
      inputLength: 127,
      targetLength: 128,
    });
    // Spanfill trims against the length asked for, and says so: a mask over HF's 128 raw tokens has
    // 64 noise tokens in 64 spans and 64 kept, input 129 > 128; over 127, noise = round(63.5) = 64,
    // kept 63, spans min(64, 63) = 63: input 63 + 63 + 1 = 127, target 64 + 63 + 1 = 128.
    expect(fitSpanLengths(128, 0.5, 1)).toEqual({
      tokensLength: 127,
      inputLength: 128,
      targetLength: 128,
      note:
        "HF's length formula does not fit every mask at these settings; using 127 raw tokens instead of HF's 128 " +
        "(128 would mask to 129 input tokens, over 128) and target length 128 instead of HF's 129 (HF's trim at " +
        'density 0.5 compares the target with the input its own raw length masks to, not with 128)',
    });
    // Where HF's own trim fires, nothing differs and nothing is said: 127 as HF, 37 @ 0.5 / 1.5 as below.
    expect(fitSpanLengths(127, 0.5, 1)).toMatchObject({ tokensLength: 126, targetLength: 128, note: null });
  });
  it('rounds halves to even like Python', () => {
    expect([0.5, 1.5, 2.5, -0.5, 2.4, 2.6].map(roundHalfEven)).toEqual([0, 2, 2, 0, 2, 3]);
  });
  it('rejects bad settings with the value', () => {
    expect(() => computeInputAndTargetLengths(512, 0, 3)).toThrow('noiseDensity must be in (0, 1), got 0');
    expect(() => computeInputAndTargetLengths(512, 0.15, 0.5)).toThrow(
      'meanNoiseSpanLength must be a finite number ≥ 1, got 0.5',
    );
    expect(() => computeInputAndTargetLengths(3, 0.15, 3)).toThrow('inputLength must be an integer ≥ 4, got 3');
  });
});

describe('applyNoiseMask (golden)', () => {
  it.each(golden.masking.map((c, i) => ({ ...c, i })))('case $i', (c) => {
    const got = applyNoiseMask(c.token_ids, Uint8Array.from(c.noise_mask), (k) => c.vocab_len - 1 - k, c.eos_id);
    expect(got.inputIds).toEqual(c.input_ids);
    expect(got.labels).toEqual(c.labels);
  });
});

/** Rebuilds the original tokens from an input and its labels (sentinels ≥ firstSentinel−99). */
function interleave(inputIds: number[], labels: number[], isSentinel: (id: number) => boolean): number[] {
  const spans = new Map<number, number[]>();
  let current: number[] | null = null;
  for (const id of labels.slice(0, -1)) {
    if (isSentinel(id)) spans.set(id, (current = []));
    else current?.push(id);
  }
  const out: number[] = [];
  for (const id of inputIds.slice(0, -1)) {
    if (isSentinel(id)) out.push(...(spans.get(id) ?? []));
    else out.push(id);
  }
  // Labels begin with the sentinel of the first kept span, whose tokens are in the input.
  return out;
}

describe('span corruption properties', () => {
  const extra0 = 499;
  const sentinel = (k: number): number => extra0 - k;
  const isSentinel = (id: number): boolean => id > 399;
  const settings = [
    [0.15, 3],
    [0.3, 3],
    [0.5, 1.5],
    [0.15, 8],
    [0.55, 1.5],
  ] as const;

  it('input and labels interleave back to the tokens; sentinels count down; lengths as computed', () => {
    for (let seed = 0; seed < 300; seed++) {
      const rng = Rng.fromWords(seed);
      const [density, span] = settings[seed % settings.length];
      const inputLength = 8 + rng.below(120);
      const lengths = fitSpanLengths(inputLength, density, span);
      const tokens = Array.from({ length: lengths.tokensLength }, () => 3 + rng.below(390));
      const mask = randomSpansNoiseMask(tokens.length, density, span, Rng.fromWords(seed, 1));
      expect(mask[0]).toBe(0);
      const { inputIds, labels } = applyNoiseMask(tokens, mask, sentinel, 1);
      expect(interleave(inputIds, labels, isSentinel)).toEqual(tokens);
      const inSentinels = inputIds.filter(isSentinel);
      expect(inSentinels).toEqual(inSentinels.map((_, k) => extra0 - k));
      const labelSentinels = labels.filter(isSentinel);
      expect(labelSentinels).toEqual(labelSentinels.map((_, k) => extra0 - k));
      expect(inputIds.at(-1)).toBe(1);
      expect(labels.at(-1)).toBe(1);
      expect(inputIds.length).toBeLessThanOrEqual(lengths.inputLength);
      expect(labels.length).toBeLessThanOrEqual(lengths.targetLength);
    }
  });

  it('below density 0.5 the masked lengths equal the computed ones exactly', () => {
    for (const [density, span] of settings.filter(([d]) => d < 0.5)) {
      for (let inputLength = 16; inputLength <= 600; inputLength += 7) {
        const lengths = fitSpanLengths(inputLength, density, span);
        if (lengths.note !== null) continue; // HF's 0-span corner: checked below
        const mask = randomSpansNoiseMask(lengths.tokensLength, density, span, Rng.fromWords(inputLength));
        const spans = countRuns(mask, 1);
        const noise = mask.reduce((a, b) => a + b, 0);
        expect(lengths.tokensLength - noise + spans + 1).toBe(inputLength);
        expect(noise + spans + 1).toBe(lengths.targetLength);
      }
    }
  });

  it("at density 0.5 HF's one-token trim can leave input and target one short; they are padded", () => {
    // e.g. 37 @ 0.5 / 1.5: HF says 42 raw → target 37, but a mask over 42 tokens has 21 noise
    // tokens in 14 spans, so input = target = 21 + 14 + 1 = 36 (HF's collator would raise).
    expect(computeInputAndTargetLengths(37, 0.5, 1.5)).toEqual({ tokensLength: 42, inputLength: 37, targetLength: 37 });
    let exact = 0;
    let short = 0;
    for (let inputLength = 16; inputLength <= 600; inputLength += 7) {
      const lengths = fitSpanLengths(inputLength, 0.5, 1.5);
      const mask = randomSpansNoiseMask(lengths.tokensLength, 0.5, 1.5, Rng.fromWords(inputLength));
      const spans = countRuns(mask, 1);
      const noise = mask.reduce((a, b) => a + b, 0);
      const input = lengths.tokensLength - noise + spans + 1;
      const target = noise + spans + 1;
      if (input === inputLength && target === lengths.targetLength) exact++;
      else {
        expect([input, target]).toEqual([inputLength - 1, lengths.targetLength - 1]);
        short++;
      }
    }
    expect(exact).toBeGreaterThan(0);
    expect(short).toBeGreaterThan(0);
  });

  it.each(settings)('over 10,000 masks noise fraction and mean span are within 2%% of $0 / $1', (density, span) => {
    let noise = 0;
    let total = 0;
    let spans = 0;
    const rng = Rng.fromWords(7);
    for (let i = 0; i < 10_000; i++) {
      const length = 100 + rng.below(500);
      const mask = randomSpansNoiseMask(length, density, span, rng);
      for (let j = 0; j < length; j++) noise += mask[j];
      total += length;
      spans += countRuns(mask, 1);
    }
    expect(Math.abs(noise / total - density) / density).toBeLessThan(0.02);
    // Above density 0.5 HF counts spans from the non-noise tokens, so spans are longer.
    const expectedSpan = density > 0.5 ? span * (density / (1 - density)) : span;
    expect(Math.abs(noise / spans - expectedSpan) / expectedSpan).toBeLessThan(0.02);
  });

  it("fits lengths where HF's do not (16 @ 0.15 / 8, 32 @ 0.15 / 1), and every shorter piece fits too", () => {
    const fitted = fitSpanLengths(16, 0.15, 8);
    expect(fitted).toMatchObject({ tokensLength: 17, inputLength: 16, targetLength: 5 });
    expect(fitted.note).toBe(
      "HF's length formula does not fit every mask at these settings; using 17 raw tokens instead of HF's 18 " +
        "(18 would mask to 17 input tokens, over 16) and target length 5 instead of HF's 4 (a mask needs that many)",
    );
    // One-token spans: HF keeps 32 raw tokens, whose mask (5 noise tokens in 5 spans, 27 kept) is 33 long.
    expect(fitSpanLengths(32, 0.15, 1)).toMatchObject({
      tokensLength: 31,
      targetLength: 11,
      note: "HF's length formula does not fit every mask at these settings; using 31 raw tokens instead of HF's 32 (32 would mask to 33 input tokens, over 32)",
    });
    for (const [density, span] of settings) {
      for (let inputLength = 8; inputLength <= 300; inputLength += 13) {
        const l = fitSpanLengths(inputLength, density, span);
        for (let n = 2; n <= l.tokensLength; n++) {
          const m = maskedLengthsFor(n, density, span);
          expect(m.input).toBeLessThanOrEqual(inputLength);
          expect(m.target).toBeLessThanOrEqual(l.targetLength);
        }
      }
    }
  });

  it('every mask the counts allow is equally likely, and no other mask occurs (HF: "all masks equally likely")', () => {
    // n = 7 @ 0.45 / 1.5: noise = round(3.15) = 3 in round(3 / 1.5) = 2 spans, 4 kept in 2 runs.
    // Enumerate independently: masks starting kept, alternating kept/noise runs, 2 of each.
    const allowed = new Set<string>();
    for (let bits = 0; bits < 1 << 7; bits++) {
      const m = Array.from({ length: 7 }, (_, i) => (bits >> (6 - i)) & 1);
      if (m[0] === 0 && m.reduce((a, b) => a + b, 0) === 3 && countRuns(m, 1) === 2 && m[6] === 1)
        allowed.add(m.join(''));
    }
    expect(allowed.size).toBe(6); // C(2,1) noise splits × C(3,1) kept splits
    const seen = new Map<string, number>();
    const rng = Rng.fromWords(11);
    const draws = 60_000;
    for (let i = 0; i < draws; i++) {
      const key = Array.from(randomSpansNoiseMask(7, 0.45, 1.5, rng)).join('');
      seen.set(key, (seen.get(key) ?? 0) + 1);
    }
    expect([...seen.keys()].sort()).toEqual([...allowed].sort());
    for (const count of seen.values()) expect(Math.abs(count - draws / 6)).toBeLessThan(400); // ~4.4σ
  });

  it('segments are uniform: every cut position is equally likely', () => {
    const counts = new Array(9).fill(0);
    const rng = Rng.fromWords(3);
    for (let i = 0; i < 20_000; i++) {
      const seg = randomSegmentation(10, 2, rng);
      expect(seg[0] + seg[1]).toBe(10);
      counts[seg[0] - 1]++;
    }
    for (const c of counts) expect(Math.abs(c - 20_000 / 9)).toBeLessThan(200);
  });

  it('counts as HF random_spans_noise_mask: Python rounding, clamp, spans from min(noise, non-noise)', () => {
    // round(2.5) = 2 and round(3.5) = 4 (halves to even); 15 / 6 = 2.5 spans → 2.
    expect(noiseSpanCounts(10, 0.25, 1)).toEqual({ noiseTokens: 2, nonNoiseTokens: 8, noiseSpans: 2 });
    expect(noiseSpanCounts(14, 0.25, 1)).toEqual({ noiseTokens: 4, nonNoiseTokens: 10, noiseSpans: 4 });
    expect(noiseSpanCounts(100, 0.15, 6)).toEqual({ noiseTokens: 15, nonNoiseTokens: 85, noiseSpans: 2 });
    // Above density 0.5 the non-noise side limits the spans: round(20 / 3) = 7, not round(80 / 3).
    expect(noiseSpanCounts(100, 0.8, 3)).toEqual({ noiseTokens: 80, nonNoiseTokens: 20, noiseSpans: 7 });
    // The clamp: round(5 · 0.05) = 0 → 1 noise token; round(5 · 0.95) = 5 → 4.
    expect(noiseSpanCounts(5, 0.05, 3)).toEqual({ noiseTokens: 1, nonNoiseTokens: 4, noiseSpans: 1 });
    expect(noiseSpanCounts(5, 0.95, 3)).toEqual({ noiseTokens: 4, nonNoiseTokens: 1, noiseSpans: 1 });
  });

  it('short sequences: 2 and 3 tokens get one noise token; fewer than 2 is refused', () => {
    expect(noiseSpanCounts(2, 0.15, 3)).toEqual({ noiseTokens: 1, nonNoiseTokens: 1, noiseSpans: 1 });
    expect(noiseSpanCounts(3, 0.15, 3)).toEqual({ noiseTokens: 1, nonNoiseTokens: 2, noiseSpans: 1 });
    expect(Array.from(randomSpansNoiseMask(2, 0.15, 3, Rng.fromWords(1)))).toEqual([0, 1]);
    expect(() => randomSpansNoiseMask(1, 0.15, 3, Rng.fromWords(1))).toThrow(
      'Cannot mask a sequence of 1 token: span corruption needs at least 2 (one kept, one noise)',
    );
    expect(() => noiseSpanCounts(0, 0.15, 3)).toThrow('Cannot mask a sequence of 0 tokens');
  });

  it('more noise spans than sentinels is refused with the numbers', () => {
    expect(() => checkSentinelBudget(613, 0.5, 1.5, 100)).toThrow(
      'These settings make up to 204 noise spans per example but the tokenizer has only 100 sentinel tokens (<extra_id_0>…<extra_id_99>)',
    );
    expect(() => checkSentinelBudget(568, 0.15, 3, 100)).not.toThrow();
  });

  it('a tokenizer with no sentinels is the data at fault (a DataError), not the settings', () => {
    const refusal = (() => {
      try {
        checkSentinelBudget(16, 0.15, 3, 0);
      } catch (error) {
        return error;
      }
    })();
    expect(refusal).toBeInstanceOf(DataError);
    expect(refusal).toMatchObject({
      code: 'tokenizer',
      message:
        "The tokenizer has no <extra_id_N> sentinel tokens, which span corruption needs; use a T5 model's folder " +
        "(or, for a model preset, a T5 tokenizer's folder or bytes)",
    });
  });
});
