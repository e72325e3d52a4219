// Span-corruption length arithmetic, exactly as HF computes it: the raw chunk length
// whose masked form fills `inputLength`, and the resulting target length.
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
 * The largest raw length whose masked input still fits `inputLength`, and its target
 * length. NOTE: HF's "minor hack": at density exactly 0.5 a target one longer than the
 * input is shortened by dropping one raw token, so both come out as round numbers.
 */
export function computeInputAndTargetLengths(
  inputLength: number,
  noiseDensity: number,
  meanNoiseSpanLength: number,
): SpanLengths {
  validateNoiseSettings(noiseDensity, meanNoiseSpanLength);
  if (!Number.isInteger(inputLength) || inputLength < 4) {
    throw new RangeError(`inputLength must be an integer ≥ 4, got ${inputLength}`);
  }
  let tokensLength = inputLength;
  while (maskedLengths(tokensLength + 1, noiseDensity, meanNoiseSpanLength)[0] <= inputLength) tokensLength++;
  let [, targetLength] = maskedLengths(tokensLength, noiseDensity, meanNoiseSpanLength);
  if (noiseDensity === 0.5 && targetLength > inputLength) {
    tokensLength -= 1;
    targetLength -= 1;
  }
  return { tokensLength, inputLength, targetLength };
}
