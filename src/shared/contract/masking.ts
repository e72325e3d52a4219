// Masking domain: the span-corruption preview for typed text or a dataset example, so a
// person sees what the model will be asked to fill in before training. Plain JSON types
// mirroring engine/data/preview.ts; the service is src/main/services/masking.ts.

import { z } from 'zod';
import { call } from './define';
import { idText, pathText } from './bounded';

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
export const MASKING_DEFAULTS = { noiseDensity: 0.15, meanSpanLength: 3, inputLength: 128 } as const;

export const maskingCalls = {
  preview: call<MaskingPreviewResult>()(
    z
      .strictObject({
        datasetId: idText().optional(),
        text: z.string().min(1).max(1_000_000).optional(),
        /** "bytes", a model folder with tokenizer.json, or a model id or name (services/modelReference.ts). */
        model: pathText(),
        noiseDensity: z.number().gt(0).lt(1).default(MASKING_DEFAULTS.noiseDensity),
        meanNoiseSpanLength: z.number().min(1).max(100).default(MASKING_DEFAULTS.meanSpanLength),
        inputLength: z.number().int().min(4).max(65_536).default(MASKING_DEFAULTS.inputLength),
        seed: z
          .number()
          .int()
          .min(0)
          .max(2 ** 32 - 1)
          .default(0),
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
