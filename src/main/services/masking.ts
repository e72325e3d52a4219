// Masking service: the span-corruption preview for typed text, or for one training example
// of a dataset exactly as training will mask it (training side of the split, in the mode asked
// for: packed, per-document, or auto).
// Re-roll = call again with another seed. Tokenizes the dataset first if it has no cache.

import { EMPTY_MASKING_TEXT, type MaskingPreviewResult } from '../../shared/contract/masking';
import { ApiError } from '../../shared/errors';
import { shownNumber } from '../../shared/shownNumber';
import { toLineFeeds } from '../engine/data/documents';
import { type DecodedText, decodeTextBytes } from '../engine/data/textBytes';
import { planExamples } from '../engine/data/examples';
import { previewExample, previewText, type MaskingPreview } from '../engine/data/preview';
import { MIN_MASKED_TOKENS } from '../engine/data/spanCorruption';
import { complementIndices, subsetTokenSource } from '../engine/data/tokenSource';
import type { DatasetService } from './datasets';
import { mapEngineErrors, withSettingsChecked } from './errors';
import type { DomainHandlers } from './handler';
import { namedTokenizer, type ModelNames } from './tokenizerName';

export interface MaskingPreviewRequest {
  readonly datasetId?: string;
  readonly text?: string;
  readonly model: string;
  readonly noiseDensity: number;
  readonly meanNoiseSpanLength: number;
  /** 'text': typed text masked whole, at its own length (a dataset example needs a number). */
  readonly inputLength: number | 'text';
  readonly seed: number;
  readonly example?: number;
  /** Dataset previews only; default 'auto'. */
  readonly mode?: 'auto' | 'packed' | 'per-document';
}

/** The services a preview takes: the datasets', and the models' to name a model's tokenizer (tokenizerName.ts). */
interface MaskingServices {
  readonly datasets: DatasetService;
  readonly models: ModelNames;
}

export async function previewMasking(
  services: MaskingServices,
  request: MaskingPreviewRequest,
  signal?: AbortSignal,
): Promise<MaskingPreviewResult> {
  const { datasets, models } = services;
  const settings = {
    inputLength: request.inputLength,
    noiseDensity: request.noiseDensity,
    meanNoiseSpanLength: request.meanNoiseSpanLength,
    seed: request.seed,
  };
  if (request.text !== undefined) {
    // Line ends as import makes them (and a browser's text box): pasted CRLF masks as on screen.
    const text = toLineFeeds(request.text);
    // As the Masking screen says before it asks: blanks alone are no text to learn from.
    if (text.trim() === '') throw new ApiError('invalid_input', EMPTY_MASKING_TEXT);
    const loaded = await mapEngineErrors(datasets.loadTokenizer(request.model));
    const tokenizer = namedTokenizer(models, request.model, loaded);
    const preview = withSettingsChecked(() => previewText(tokenizer, text, settings));
    return toResult(preview, tokenizer.name);
  }
  if (request.datasetId === undefined) throw new ApiError('invalid_argument', 'Give a dataset id or a text to preview');
  const { inputLength } = settings;
  if (inputLength === 'text')
    throw new ApiError('invalid_argument', 'A dataset example needs an input length, not "text"');
  const { cache, ...tokens } = await datasets.tokens(request.datasetId, request.model, signal);
  try {
    const tokenizer = namedTokenizer(models, request.model, tokens.tokenizer);
    const { result } = tokens;
    const { validation, isSelfValidation } = await datasets.validationOrdinals(request.datasetId);
    const training = isSelfValidation
      ? cache
      : subsetTokenSource(cache, complementIndices(cache.documentCount, validation));
    const plan = withSettingsChecked(() =>
      planExamples(training, { ...settings, inputLength, mode: request.mode ?? 'auto' }, tokenizer),
    );
    if (plan.exampleCount === 0) {
      const { id, name } = datasets.get(request.datasetId, 0);
      throw new ApiError(
        'invalid_input',
        `Dataset ${id} ("${name}") has no document long enough to mask: span corruption needs at least ` +
          `${MIN_MASKED_TOKENS} tokens in a document, counting the EOS after it (one kept, one hidden)`,
      );
    }
    const index = request.example ?? request.seed % plan.exampleCount;
    // How many examples there are depends on the data: a number past them is bad input, not a bad flag.
    // Said as the screen and the CLI number examples, from 1 (they send the index, from 0).
    if (index >= plan.exampleCount) {
      throw new ApiError(
        'invalid_input',
        `Example ${shownNumber(index)} does not exist; the dataset makes ${plan.exampleCount} at these settings (1 to ${plan.exampleCount})`,
      );
    }
    const preview = withSettingsChecked(() =>
      previewExample(plan, training, tokenizer, { index, epoch: 0, dataset: result }),
    );
    return { ...toResult(preview, tokenizer.name), example: { index, count: plan.exampleCount, mode: plan.mode } };
  } finally {
    cache.close();
  }
}

/**
 * The text of a file's bytes (`spanfill mask --text-file FILE`, or standard input: `source`
 * names it in errors and notes), decoded as import decodes a text file, with import's notes (a
 * legacy code page, bytes replaced, a half character left out); bad bytes are invalid input.
 */
export function maskingTextFromBytes(bytes: Buffer, source: string): Promise<DecodedText> {
  return mapEngineErrors(decodeTextBytes(bytes, source));
}

function toResult(p: MaskingPreview, tokenizer: string): MaskingPreviewResult {
  return {
    segments: p.segments,
    inputText: p.inputText,
    targetText: p.targetText,
    inputIds: p.inputIds,
    labels: p.labels,
    counts: p.counts,
    lengths: {
      tokensLength: p.lengths.tokensLength,
      inputLength: p.lengths.inputLength,
      targetLength: p.lengths.targetLength,
      note: p.lengths.note,
    },
    droppedSpecialTokens: p.droppedSpecialTokens,
    isTruncated: p.isTruncated,
    seed: p.seed,
    messages: p.messages,
    tokenizer,
  };
}

export function maskingHandlers(services: MaskingServices): DomainHandlers<'masking'> {
  return {
    'masking.preview': (args) => previewMasking(services, args),
  };
}
