// The T5 span-corruption noise mask and the input/target it produces, with HF
// `FlaxDataCollatorForT5MLM` semantics (random_spans_noise_mask, create_sentinel_ids,
// filter_input_ids) from transformers examples/flax/language-modeling/run_t5_mlm_flax.py.
// Our RNG (engine/rng.ts) differs from numpy, so masks match HF in distribution, not bit for bit.
// Not chunking, padding or batching: see examples.ts and batches.ts.
import {
  computeInputAndTargetLengths,
  roundHalfEven,
  trimmedInputAndTargetLengths,
  validateNoiseSettings,
  type SpanLengths,
} from './lengths';
import type { Rng } from '../rng';
import { DataError } from './errors';

export interface NoiseSpanCounts {
  readonly noiseTokens: number;
  readonly nonNoiseTokens: number;
  readonly noiseSpans: number;
}

/** The fewest tokens a mask can cover: one kept and one noise token. */
export const MIN_MASKED_TOKENS = 2;

/**
 * Counts for a mask over `length` tokens:
 *   noise = clamp(round(length·density), 1, length − 1); nonNoise = length − noise;
 *   spans = max(1, round(min(noise, nonNoise) / meanSpan)).
 * NOTE: HF computes nonNoise before clamping noise, which only matters when the clamp
 * fires (length·density rounds to 0 or to length) and then HF's span lengths no longer
 * add up to `length`; we derive it after clamping so the mask always covers `length`.
 */
export function noiseSpanCounts(length: number, noiseDensity: number, meanNoiseSpanLength: number): NoiseSpanCounts {
  validateNoiseSettings(noiseDensity, meanNoiseSpanLength);
  if (!Number.isInteger(length) || length < MIN_MASKED_TOKENS) {
    throw new RangeError(
      `Cannot mask a sequence of ${length} token${length === 1 ? '' : 's'}: span corruption needs at least ${MIN_MASKED_TOKENS} (one kept, one noise)`,
    );
  }
  const noiseTokens = Math.min(Math.max(roundHalfEven(length * noiseDensity), 1), length - 1);
  const nonNoiseTokens = length - noiseTokens;
  const noiseSpans = Math.max(1, roundHalfEven(Math.min(noiseTokens, nonNoiseTokens) / meanNoiseSpanLength));
  return { noiseTokens, nonNoiseTokens, noiseSpans };
}

/**
 * Splits `items` into `segments` non-empty runs uniformly at random (HF
 * `_random_segmentation`): choose segments−1 of the items−1 gaps as cut points, here by
 * selection sampling (Knuth, TAOCP vol. 2, Algorithm S), which is uniform over subsets.
 */
export function randomSegmentation(items: number, segments: number, rng: Rng): Uint32Array {
  if (segments < 1 || segments > items)
    throw new RangeError(`Cannot split ${items} items into ${segments} non-empty segments`);
  const lengths = new Uint32Array(segments);
  const gaps = items - 1;
  let cutsLeft = segments - 1;
  let segment = 0;
  let run = 1;
  for (let gap = 0; gap < gaps; gap++) {
    // Cut here with probability cutsLeft / gapsLeft.
    if (cutsLeft > 0 && rng.below(gaps - gap) < cutsLeft) {
      lengths[segment++] = run;
      run = 1;
      cutsLeft--;
    } else {
      run++;
    }
  }
  lengths[segment] = run;
  return lengths;
}

/**
 * A noise mask (1 = noise) over `length` tokens: spans alternate non-noise, noise, …,
 * always starting with non-noise, as in HF `random_spans_noise_mask`.
 */
export function randomSpansNoiseMask(
  length: number,
  noiseDensity: number,
  meanNoiseSpanLength: number,
  rng: Rng,
): Uint8Array {
  const { noiseTokens, nonNoiseTokens, noiseSpans } = noiseSpanCounts(length, noiseDensity, meanNoiseSpanLength);
  const noiseLengths = randomSegmentation(noiseTokens, noiseSpans, rng);
  const nonNoiseLengths = randomSegmentation(nonNoiseTokens, noiseSpans, rng);
  const mask = new Uint8Array(length);
  let at = 0;
  for (let span = 0; span < noiseSpans; span++) {
    at += nonNoiseLengths[span];
    mask.fill(1, at, at + noiseLengths[span]);
    at += noiseLengths[span];
  }
  return mask;
}

/** Number of maximal runs of `value` in `mask`. */
export function countRuns(mask: ArrayLike<number>, value: 0 | 1): number {
  let runs = 0;
  for (let i = 0; i < mask.length; i++) if (mask[i] === value && (i === 0 || mask[i - 1] !== value)) runs++;
  return runs;
}

/**
 * HF `create_sentinel_ids` + `filter_input_ids`: each run of dropped positions
 * (`drop[i] === 1`) becomes one sentinel, the k-th run (from 0) `sentinelId(k)`;
 * continuation positions vanish; EOS is appended.
 */
export function replaceRunsWithSentinels(
  tokenIds: ArrayLike<number>,
  drop: ArrayLike<number>,
  sentinelId: (k: number) => number,
  eosId: number,
): number[] {
  const out: number[] = [];
  let run = 0;
  for (let i = 0; i < tokenIds.length; i++) {
    if (drop[i] === 1) {
      if (i === 0 || drop[i - 1] !== 1) out.push(sentinelId(run++));
    } else {
      out.push(tokenIds[i]);
    }
  }
  out.push(eosId);
  return out;
}

export interface MaskedSequence {
  /** Encoder input: kept tokens, a sentinel per noise span, EOS. Unpadded. */
  readonly inputIds: number[];
  /** Decoder target: a sentinel per kept span, the noise tokens, EOS. Unpadded. */
  readonly labels: number[];
  readonly noiseMask: Uint8Array;
}

/** Applies a mask: the input keeps non-noise tokens, the labels keep the noise tokens. */
export function applyNoiseMask(
  tokenIds: ArrayLike<number>,
  noiseMask: Uint8Array,
  sentinelId: (k: number) => number,
  eosId: number,
): MaskedSequence {
  const keepMask = noiseMask.map((v) => 1 - v);
  return {
    inputIds: replaceRunsWithSentinels(tokenIds, noiseMask, sentinelId, eosId),
    labels: replaceRunsWithSentinels(tokenIds, keepMask, sentinelId, eosId),
    noiseMask,
  };
}

/**
 * The most noise spans a sequence of up to `maxLength` tokens can get. The count is
 * monotone in length, so it is the count at `maxLength`.
 */
export function maxNoiseSpans(maxLength: number, noiseDensity: number, meanNoiseSpanLength: number): number {
  return noiseSpanCounts(Math.max(2, maxLength), noiseDensity, meanNoiseSpanLength).noiseSpans;
}

/**
 * Throws when a setting needs more sentinels than the tokenizer has (RangeError: the settings
 * are at fault), or when it has none (DataError: the folder is; no setting helps, and fill and
 * train --tokenizer refuse such a tokenizer in the same words). NOTE: HF's collator silently
 * uses ids below the last sentinel (ordinary vocabulary) in that case; we refuse.
 */
export function checkSentinelBudget(
  maxLength: number,
  noiseDensity: number,
  meanNoiseSpanLength: number,
  sentinelCount: number,
): void {
  if (sentinelCount === 0)
    throw new DataError(
      'tokenizer',
      "The tokenizer has no <extra_id_N> sentinel tokens, which span corruption needs; use a T5 model's folder " +
        "(or, for a model preset, a T5 tokenizer's folder or bytes)",
    );
  const spans = maxNoiseSpans(maxLength, noiseDensity, meanNoiseSpanLength);
  // The target uses a sentinel per kept span too, and there are as many kept spans as noise spans.
  if (spans > sentinelCount) {
    throw new RangeError(
      `These settings make up to ${spans} noise spans per example but the tokenizer has only ${sentinelCount} sentinel tokens ` +
        `(<extra_id_0>…<extra_id_${sentinelCount - 1}>); lower the input length or the noise density, or raise the mean span length`,
    );
  }
}

export interface FittedSpanLengths extends SpanLengths {
  /** Set when the raw length had to shrink below HF's so every mask fits; says why. */
  readonly note: string | null;
}

/** Unpadded input and target lengths of any mask over `n` tokens. */
export function maskedLengthsFor(
  n: number,
  noiseDensity: number,
  meanNoiseSpanLength: number,
): { input: number; target: number } {
  const c = noiseSpanCounts(n, noiseDensity, meanNoiseSpanLength);
  return { input: c.nonNoiseTokens + c.noiseSpans + 1, target: c.noiseTokens + c.noiseSpans + 1 };
}

/**
 * HF's lengths, made safe for fixed shapes: a mask over any n ≤ tokensLength tokens must
 * fit the input length (the user's setting), so the raw length shrinks if needed; the
 * target length (derived) grows if a mask needs more. NOTE: HF's length formula can count 0
 * noise spans (16 @ 0.15 / 8 → 18 raw, target 4) while its mask always makes at least one,
 * and rounds spans apart from its mask (32 @ 0.15 / 1 → 32 raw, which mask to 33), so HF's
 * collator would fail its own shape assert there; and its density-0.5 trim compares with the
 * wrong input length (128 @ 0.5 / 1 → 128 raw, target 129; lengths.ts), so the fit starts from
 * that trim made against the length asked for. Above density 0.5 masks come out shorter than
 * the lengths (HF counts spans from the non-noise side); they are padded.
 */
export function fitSpanLengths(
  inputLength: number,
  noiseDensity: number,
  meanNoiseSpanLength: number,
): FittedSpanLengths {
  const hf = computeInputAndTargetLengths(inputLength, noiseDensity, meanNoiseSpanLength);
  const trimmed = trimmedInputAndTargetLengths(inputLength, noiseDensity, meanNoiseSpanLength);
  let tokensLength = trimmed.tokensLength;
  let targetLength = trimmed.targetLength;
  let overflow: { raw: number; input: number } | null = null;
  for (let n = 2; n <= tokensLength; n++) {
    const m = maskedLengthsFor(n, noiseDensity, meanNoiseSpanLength);
    if (m.input > inputLength) {
      overflow = { raw: n, input: m.input };
      tokensLength = n - 1;
      break;
    }
    targetLength = Math.max(targetLength, m.target);
  }
  // Trimmed, HF's own raw length is the one that overflows (only a formula input over the
  // length asked for lets the two trims differ, and then its mask's input is over it too).
  overflow ??= {
    raw: hf.tokensLength,
    input: maskedLengthsFor(hf.tokensLength, noiseDensity, meanNoiseSpanLength).input,
  };
  const notes: string[] = [];
  if (tokensLength !== hf.tokensLength)
    notes.push(
      `${tokensLength} raw tokens instead of HF's ${hf.tokensLength} (${overflow.raw} would mask to ` +
        `${overflow.input} input tokens, over ${inputLength})`,
    );
  if (targetLength > hf.targetLength)
    notes.push(`target length ${targetLength} instead of HF's ${hf.targetLength} (a mask needs that many)`);
  if (targetLength < hf.targetLength)
    notes.push(
      `target length ${targetLength} instead of HF's ${hf.targetLength} (HF's trim at density 0.5 compares ` +
        `the target with the input its own raw length masks to, not with ${inputLength})`,
    );
  const note =
    notes.length === 0
      ? null
      : `HF's length formula does not fit every mask at these settings; using ${notes.join(' and ')}`;
  return { tokensLength, inputLength, targetLength, note };
}

/** fitSpanLengths, refusing settings that need more sentinels than the tokenizer has. */
export function checkedSpanLengths(
  settings: { readonly inputLength: number; readonly noiseDensity: number; readonly meanNoiseSpanLength: number },
  sentinelCount: number,
): FittedSpanLengths {
  const lengths = fitSpanLengths(settings.inputLength, settings.noiseDensity, settings.meanNoiseSpanLength);
  checkSentinelBudget(lengths.tokensLength, settings.noiseDensity, settings.meanNoiseSpanLength, sentinelCount);
  return lengths;
}
