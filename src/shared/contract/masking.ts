// Masking domain: the span-corruption preview for typed text or a dataset example, so a
// person sees what the model will be asked to fill in before training. Plain JSON types
// mirroring engine/data/preview.ts; the service is src/main/services/masking.ts.

import { z } from 'zod';
import { call } from './define';
import { idText, pathText } from './bounded';
import { plural } from '../format';

export interface MaskingPreviewSegment {
  readonly text: string;
  readonly isNoise: boolean;
  readonly sentinel: string;
  readonly sentinelId: number;
  readonly tokenCount: number;
  /** Where in `text` each end-of-document token (EOS) begins, in order; a literal "</s>" in the text is not one. */
  readonly documentEnds: readonly number[];
}

export interface MaskingPreviewResult {
  readonly segments: readonly MaskingPreviewSegment[];
  readonly inputText: string;
  readonly targetText: string;
  readonly inputIds: readonly number[];
  readonly labels: readonly number[];
  readonly counts: {
    readonly textTokens: number;
    readonly maskedTokens: number;
    readonly noiseTokens: number;
    readonly noiseSpans: number;
    readonly inputTokens: number;
    readonly targetTokens: number;
  };
  readonly lengths: {
    readonly tokensLength: number;
    readonly inputLength: number;
    readonly targetLength: number;
    readonly note: string | null;
  };
  readonly droppedSpecialTokens: number;
  readonly isTruncated: boolean;
  readonly seed: number;
  readonly messages: readonly string[];
  readonly tokenizer: string;
  /** Dataset previews: which example, of how many, in which mode. */
  readonly example?: { readonly index: number; readonly count: number; readonly mode: 'packed' | 'per-document' };
}

/**
 * Span corruption's settings when none are given, for training runs (runs.ts) and previews
 * alike, so a preview at the defaults shows what a run at the defaults trains on.
 */
export const MASKING_DEFAULTS = { noiseDensity: 0.15, meanSpanLength: 3, inputLength: 128, seed: 0 } as const;

/**
 * The span-corruption settings a person may choose, for previews and new runs alike: the
 * Masking screen and `spanfill mask` read them, and a new run (the Train screen, `spanfill
 * train`) is checked against them (runRequestSchema). A density
 * is a share strictly between 0 and 1; these bounds are what a number box can hold: below
 * 0.001 even the longest input (65,536 tokens) masks under 66 tokens, and a mask always holds
 * one noise token and one kept token whatever the density.
 */
export const MASKING_BOUNDS = {
  noiseDensity: { min: 0.001, max: 0.999 },
  meanSpanLength: { min: 1, max: 1000 },
  inputLength: { min: 4, max: 65_536 },
  seed: { min: 0, max: 2 ** 32 - 1 },
} as const;

type Bounds = { readonly min: number; readonly max: number };
const bounded = ({ min, max }: Bounds) => z.number().min(min).max(max);
const boundedInt = ({ min, max }: Bounds) => z.number().int().min(min).max(max);

const { noiseDensity } = MASKING_BOUNDS;
/** A noise density a person chooses (MASKING_BOUNDS), refused in words however it is parsed. */
export const noiseDensitySchema = z
  .number()
  .min(noiseDensity.min, `noiseDensity must be ≥ ${noiseDensity.min}`)
  .max(noiseDensity.max, `noiseDensity must be ≤ ${noiseDensity.max}`);
/** Span length, input length and data seed: messages through contractMessages name the field. */
export const meanSpanLengthSchema = bounded(MASKING_BOUNDS.meanSpanLength);
export const inputLengthSchema = boundedInt(MASKING_BOUNDS.inputLength);
export const dataSeedSchema = boundedInt(MASKING_BOUNDS.seed);

/** Typed text that is empty or blanks only: what the Masking screen says before it asks, and the service's refusal. */
export const EMPTY_MASKING_TEXT = 'The text is empty or only blanks: type some text to mask.';

/**
 * A preview's counts in a sentence, as the Masking screen and `spanfill mask` say them: "36
 * tokens in this example, of which 5 are hidden in 2 noise spans; the input has 34, the target 8".
 */
export function maskingCountsText(counts: MaskingPreviewResult['counts']): string {
  const hidden = `${counts.noiseTokens} ${counts.noiseTokens === 1 ? 'is' : 'are'} hidden`;
  return (
    `${plural(counts.maskedTokens, 'token')} in this example, of which ${hidden} in ` +
    `${plural(counts.noiseSpans, 'noise span')}; the input has ${counts.inputTokens}, the target ${counts.targetTokens}`
  );
}

/**
 * A preview's computed lengths beside its own count, as the Masking screen and `spanfill mask`
 * say them: the raw length is how much text a full example takes (a shorter one is padded), not
 * this one's: "input 128 and target 29, from 141 tokens of text in a full example".
 */
export function maskingLengthsText(
  lengths: Pick<MaskingPreviewResult['lengths'], 'tokensLength' | 'inputLength' | 'targetLength'>,
): string {
  return `input ${lengths.inputLength} and target ${lengths.targetLength}, from ${lengths.tokensLength} tokens of text in a full example`;
}

export const maskingCalls = {
  preview: call<MaskingPreviewResult>()(
    z
      .strictObject({
        datasetId: idText().optional(),
        text: z.string().min(1).max(1_000_000).optional(),
        /** "bytes", a model folder with tokenizer.json, or a model id or name (services/modelReference.ts). */
        model: pathText(),
        noiseDensity: noiseDensitySchema.default(MASKING_DEFAULTS.noiseDensity),
        meanNoiseSpanLength: meanSpanLengthSchema.default(MASKING_DEFAULTS.meanSpanLength),
        /** 'text': typed text masked whole at its own length (the Playground's mask; a dataset needs a number). */
        inputLength: inputLengthSchema.or(z.literal('text')).default(MASKING_DEFAULTS.inputLength),
        seed: dataSeedSchema.default(MASKING_DEFAULTS.seed),
        /** Dataset previews: the example to show (default: one picked by the seed). */
        example: z.number().int().min(0).optional(),
        /** Dataset previews: packed (HF), per-document, or auto (packed unless under one chunk). */
        mode: z.enum(['auto', 'packed', 'per-document']).default('auto'),
      })
      .refine((a) => (a.datasetId === undefined) !== (a.text === undefined), {
        message: 'give exactly one of datasetId or text',
      }),
  ),
};
