// Span-corruption length arithmetic: the raw chunk length whose masked form fills
// `inputLength`, and the resulting target length, exactly as HF computes them
// (computeInputAndTargetLengths), and with HF's density-0.5 trim made against the input length
// asked for (trimmedInputAndTargetLengths), which is what spanCorruption.ts fits masks to.
// Reference: HF transformers examples/flax/language-modeling/run_t5_mlm_flax.py,
// compute_input_and_target_lengths (itself from T5's `random_spans_helper`).
// Not the mask itself: see spanCorruption.ts.

/** Python 3 / numpy `round`: halves go to the even neighbour (round(2.5) = 2). */
export function roundHalfEven(x: number): number {
  const floor = Math.floor(x);
  const diff = x - floor;
  if (diff < 0.5) return floor;
  if (diff > 0.5) return floor + 1;
  return floor % 2 === 0 ? floor : floor + 1;
}

export interface SpanLengths {
  /** Raw tokens cut per example before masking (HF `expanded_inputs_length`). */
  readonly tokensLength: number;
  /** Encoder length after masking: kept tokens + one sentinel per span + EOS. */
  readonly inputLength: number;
  /** Decoder length: noise tokens + one sentinel per span + EOS. */
  readonly targetLength: number;
}

/**
 * For n raw tokens (the length formula, not the mask's clamped one):
 *   noise = round(n·density), spans = round(noise / meanSpan),
 *   input = (n − noise) + spans + 1, target = noise + spans + 1.
 */
function maskedLengths(n: number, noiseDensity: number, meanNoiseSpanLength: number): [number, number] {
  const noise = roundHalfEven(n * noiseDensity);
  const spans = roundHalfEven(noise / meanNoiseSpanLength);
  return [n - noise + spans + 1, noise + spans + 1];
}

export function validateNoiseSettings(noiseDensity: number, meanNoiseSpanLength: number): void {
  if (!(noiseDensity > 0 && noiseDensity < 1)) {
    throw new RangeError(`noiseDensity must be in (0, 1), got ${noiseDensity}`);
  }
  if (!(meanNoiseSpanLength >= 1) || !Number.isFinite(meanNoiseSpanLength)) {
    throw new RangeError(`meanNoiseSpanLength must be a finite number ≥ 1, got ${meanNoiseSpanLength}`);
  }
}

/**
 * The largest raw length whose masked input (by the formula) still fits `inputLength`, and its
 * target length; then HF's "minor hack": at density exactly 0.5 a target longer than `trimBound`
 * loses one raw token and one target token.
 */
function lengthsByFormula(
  inputLength: number,
  noiseDensity: number,
  meanNoiseSpanLength: number,
  trimBound: (maskedInput: number) => number,
): SpanLengths {
  validateNoiseSettings(noiseDensity, meanNoiseSpanLength);
  if (!Number.isInteger(inputLength) || inputLength < 4) {
    throw new RangeError(`inputLength must be an integer ≥ 4, got ${inputLength}`);
  }
  let tokensLength = inputLength;
  while (maskedLengths(tokensLength + 1, noiseDensity, meanNoiseSpanLength)[0] <= inputLength) tokensLength++;
  const [maskedInput, target] = maskedLengths(tokensLength, noiseDensity, meanNoiseSpanLength);
  let targetLength = target;
  if (noiseDensity === 0.5 && targetLength > trimBound(maskedInput)) {
    tokensLength -= 1;
    targetLength -= 1;
  }
  return { tokensLength, inputLength, targetLength };
}

/**
 * HF's compute_input_and_target_lengths, exactly. NOTE: its minor hack ("get the targets length
 * to be equal to inputs length") compares the target with the input length the raw length
 * masks to by the formula (HF reassigns `inputs_length`), not with the one asked for. The loop
 * never goes below the length asked for, so with 1-token spans at an even length that input is
 * one over and the hack does not fire: 128 @ 0.5 / 1 gives 128 raw and target 129, whose masks
 * are 129 long (HF's collator would fail its own length check). See trimmedInputAndTargetLengths.
 */
export function computeInputAndTargetLengths(
  inputLength: number,
  noiseDensity: number,
  meanNoiseSpanLength: number,
): SpanLengths {
  return lengthsByFormula(inputLength, noiseDensity, meanNoiseSpanLength, (maskedInput) => maskedInput);
}

/**
 * HF's lengths with its density-0.5 trim made against `inputLength`, the length asked for, as
 * its comment intends: 128 @ 0.5 / 1 gives 127 raw and target 128 (HF: 128 and 129). Elsewhere
 * the same as computeInputAndTargetLengths. fitSpanLengths starts here and says the difference.
 */
export function trimmedInputAndTargetLengths(
  inputLength: number,
  noiseDensity: number,
  meanNoiseSpanLength: number,
): SpanLengths {
  return lengthsByFormula(inputLength, noiseDensity, meanNoiseSpanLength, () => inputLength);
}
