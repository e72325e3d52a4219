// Training examples for span corruption: which raw tokens make example i, and its mask for
// a given epoch. Packed mode is HF run_t5_mlm_flax.py's group_texts: documents each followed
// by EOS, concatenated, cut into chunks of the raw length, the remainder dropped.
// Per-document mode masks each document alone with the EOS after it, as HF's pipeline masks a
// text (long ones cut into balanced pieces, the last ending in the EOS), for collections of
// short texts; it is used automatically when there is less than one chunk.
// Not tensors: batches.ts pads and stacks these.
import { Rng } from '../rng';
import {
  applyNoiseMask,
  checkedSpanLengths,
  MIN_MASKED_TOKENS,
  randomSpansNoiseMask,
  type FittedSpanLengths,
  type MaskedSequence,
} from './spanCorruption';
import type { TextTokenizer } from './tokenizer';
import type { TokenSource } from './tokenSource';
import { plural } from '../../../shared/format';

export type MaskingMode = 'packed' | 'per-document';

/**
 * How each masking mode makes its examples (exampleTokens, and the masks maskedExample draws over
 * them), by name. Checkpoints record the names their examples were made by, and a resume from one
 * made otherwise says so (train/exampleSchemes.ts): bump a mode's name whenever what it makes
 * changes, and put the old name's words in EXAMPLE_SCHEME_WORDS.
 */
export const EXAMPLE_SCHEMES: Readonly<Record<MaskingMode, string>> = {
  packed: 'packed-1',
  'per-document': 'per-document-2', // 207452bb: each document's last piece ends in its EOS
};

/** What made the examples of a checkpoint that records no scheme: a Spanfill from before 207452bb. */
export const UNRECORDED_EXAMPLE_SCHEMES: Readonly<Record<MaskingMode, string>> = {
  packed: 'packed-1',
  'per-document': 'per-document-1',
};

/** Each scheme, old ones included, in words that follow "made by … (". */
export const EXAMPLE_SCHEME_WORDS: Readonly<Record<string, string>> = {
  'packed-1': 'documents joined by the end mark </s> and cut into equal pieces',
  'per-document-1': 'per-document pieces without the end mark </s>',
  'per-document-2': "per-document pieces, each document's last ending in the end mark </s>",
};

/** The schemes a run's training and validation examples are made by (null: no validation examples). */
export interface ExampleSchemes {
  readonly train: string;
  readonly validation: string | null;
}

export interface SpanCorruptionSettings {
  /** Encoder length after masking (HF `max_seq_length`). */
  readonly inputLength: number;
  readonly noiseDensity: number;
  readonly meanNoiseSpanLength: number;
  /** 'auto': packed unless the data is shorter than one packed chunk. */
  readonly mode: MaskingMode | 'auto';
  readonly seed: number;
}

/** The parts of a tokenizer masking needs. */
export type MaskingTokenizer = Pick<TextTokenizer, 'eosId' | 'padId' | 'sentinelId' | 'sentinelCount'>;

export interface ExamplePlan {
  readonly mode: MaskingMode;
  readonly settings: SpanCorruptionSettings;
  readonly lengths: FittedSpanLengths;
  readonly exampleCount: number;
  /** Raw tokens no example uses (packed remainder, per-document pieces under 2 tokens), EOS included. */
  readonly droppedTokens: number;
  /** Things to tell a person about this plan (fallback to per-document, short pieces…). */
  readonly messages: string[];
  /** Packed: token start of each document in the EOS-joined stream (length documents + 1). */
  readonly streamStarts: Float64Array | null;
  /**
   * Per-document: (document, start, length) triples, one per example, over each document and
   * the EOS after it (position documentLength(document)).
   */
  readonly pieces: Uint32Array | null;
}

/** Decides mode and example count; throws when the settings need more sentinels than exist. */
export function planExamples(
  source: TokenSource,
  settings: SpanCorruptionSettings,
  tokenizer: MaskingTokenizer,
): ExamplePlan {
  const lengths = checkedSpanLengths(settings, tokenizer.sentinelCount);
  const messages: string[] = lengths.note === null ? [] : [lengths.note];
  const streamLength = source.totalTokens + source.documentCount; // + one EOS per document
  const packedCount = Math.floor(streamLength / lengths.tokensLength);
  let mode: MaskingMode = settings.mode === 'auto' ? 'packed' : settings.mode;
  if (mode === 'packed' && packedCount === 0) {
    messages.push(
      `These documents have ${plural(streamLength, 'token')} (counting an EOS after each), less than one packed example of ${lengths.tokensLength}; ` +
        'each document is masked on its own and padded instead (per-document mode)',
    );
    mode = 'per-document';
  }
  if (mode === 'packed') {
    const starts = new Float64Array(source.documentCount + 1);
    for (let d = 0; d < source.documentCount; d++) starts[d + 1] = starts[d] + source.documentLength(d) + 1;
    const dropped = streamLength - packedCount * lengths.tokensLength;
    if (dropped > 0) messages.push(`The last ${dropped} tokens do not fill a packed example and are not used`);
    return {
      mode,
      settings,
      lengths,
      exampleCount: packedCount,
      droppedTokens: dropped,
      messages,
      streamStarts: starts,
      pieces: null,
    };
  }
  return planPieces(source, settings, lengths, messages);
}

function planPieces(
  source: TokenSource,
  settings: SpanCorruptionSettings,
  lengths: FittedSpanLengths,
  messages: string[],
): ExamplePlan {
  const triples: number[] = [];
  let dropped = 0;
  let tiny = 0;
  let short = 0;
  for (let d = 0; d < source.documentCount; d++) {
    const n = source.documentLength(d) + 1; // the document and its EOS
    const count = Math.ceil(n / lengths.tokensLength);
    for (let p = 0, start = 0; p < count; p++) {
      // Balanced pieces: sizes differ by at most one token.
      const size = Math.floor((n * (p + 1)) / count) - Math.floor((n * p) / count);
      if (size < MIN_MASKED_TOKENS) {
        dropped += size;
        tiny++;
      } else {
        if (size < 4) short++;
        triples.push(d, start, size);
      }
      start += size;
    }
  }
  if (tiny > 0)
    messages.push(
      `${plural(tiny, 'document')} with fewer than ${MIN_MASKED_TOKENS} tokens, counting the EOS after each, cannot be masked and ${tiny === 1 ? 'is' : 'are'} skipped`,
    );
  if (short > 0)
    messages.push(
      `${plural(short, 'document')} ${short === 1 ? 'has' : 'have'} only 2–3 tokens, counting the EOS after each; each gets a single noise span`,
    );
  return {
    mode: 'per-document',
    settings,
    lengths,
    exampleCount: triples.length / 3,
    droppedTokens: dropped,
    messages,
    streamStarts: null,
    pieces: Uint32Array.from(triples),
  };
}

/** Index of the document whose stream range holds `position` (binary search). */
function documentAt(starts: Float64Array, position: number): number {
  let lo = 0;
  let hi = starts.length - 2;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= position) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** The raw (unmasked) tokens of example `index`. */
export function exampleTokens(plan: ExamplePlan, source: TokenSource, eosId: number, index: number): Int32Array {
  if (!Number.isInteger(index) || index < 0 || index >= plan.exampleCount) {
    throw new RangeError(`Example ${index} does not exist; the plan has ${plan.exampleCount}`);
  }
  if (plan.pieces !== null) {
    const [doc, start, size] = plan.pieces.subarray(index * 3, index * 3 + 3);
    const docLength = source.documentLength(doc);
    const out = new Int32Array(size);
    out.set(source.readTokens(doc, start, Math.min(start + size, docLength)));
    if (start + size > docLength) out[size - 1] = eosId; // the last piece ends with the document's EOS
    return out;
  }
  const starts = plan.streamStarts as Float64Array;
  const length = plan.lengths.tokensLength;
  const out = new Int32Array(length);
  let position = index * length;
  let filled = 0;
  let doc = documentAt(starts, position);
  while (filled < length) {
    const offset = position - starts[doc];
    const docLength = starts[doc + 1] - starts[doc] - 1;
    if (offset < docLength) {
      const piece = source.readTokens(doc, offset, Math.min(docLength, offset + length - filled));
      out.set(piece, filled);
      filled += piece.length;
      position += piece.length;
    } else {
      out[filled++] = eosId; // the EOS after each document
      position++;
      doc++;
    }
  }
  return out;
}

/**
 * Example `index` masked for `epoch`: dynamic masking draws a fresh mask per epoch from
 * Rng.fromWords(seed, epoch, index), so the same (seed, epoch, index) always gives the same mask.
 * Validation should use a fixed epoch (0) so its loss is comparable across evaluations.
 */
export function maskedExample(
  plan: ExamplePlan,
  source: TokenSource,
  tokenizer: MaskingTokenizer,
  index: number,
  epoch: number,
): MaskedSequence & { readonly tokens: Int32Array } {
  const tokens = exampleTokens(plan, source, tokenizer.eosId, index);
  const { noiseDensity, meanNoiseSpanLength, seed } = plan.settings;
  const mask = randomSpansNoiseMask(
    tokens.length,
    noiseDensity,
    meanNoiseSpanLength,
    Rng.fromWords(seed, epoch, index),
  );
  return { ...applyNoiseMask(tokens, mask, (k) => tokenizer.sentinelId(k), tokenizer.eosId), tokens };
}

/** A seeded permutation of the examples for `epoch` (the trainer's shuffle). */
export function epochOrder(plan: ExamplePlan, epoch: number): Uint32Array {
  const order = new Uint32Array(plan.exampleCount);
  for (let i = 0; i < order.length; i++) order[i] = i;
  return Rng.fromWords(plan.settings.seed, epoch, 0x5eed0dd).shuffle(order);
}
