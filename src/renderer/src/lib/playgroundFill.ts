// One Playground fill in pieces the store (playground.svelte.ts) strings together: what is wrong
// with the request before any model runs (the decoding boxes in their own words, then a prompt
// every model would refuse), one column's fill, from the model's folder to its outcome, the
// columns' fills in turn (a model unticked meanwhile skipped or its outcome dropped), and
// "mask this for me": typed text masked with a model's tokenizer, as a prompt whose hidden spans
// are remembered so each filled span can be called exact or not.

import {
  playgroundCalls,
  type PlaygroundFillRequest,
  type PlaygroundFillResult,
} from '../../../shared/contract/playground';
import type { Api } from '../../../shared/contract';
import { contractMessages } from '../../../shared/contract/issues';
import { ApiError, errorMessage } from '../../../shared/errors';
import { promptRefusal } from '../../../shared/promptHoles';
import { strategyOf, type DecodingForm } from './decodingForm';
import type { ModelChoice } from './modelChoices';
import { promptFromSegments, type MaskedPrompt } from './prompts';
import { DECODING_LABELS, inFieldWords } from './settingLabels';

/**
 * The calls a fill makes: the store passes lib/api.ts's, tests a fake (this module does not
 * import api.ts, which needs the page).
 */
export interface FillCalls {
  readonly models: Pick<Api['models'], 'resolve'>;
  readonly playground: Pick<Api['playground'], 'fill'>;
  readonly masking: Pick<Api['masking'], 'preview'>;
}

export type FillOutcome =
  | { readonly status: 'running' }
  | { readonly status: 'done'; readonly result: PlaygroundFillResult; readonly elapsedMs: number }
  | { readonly status: 'failed'; readonly error: string }
  /** This page's Stop was pressed before this model answered (no other page's Stop reaches it). */
  | { readonly status: 'stopped' };

export interface MaskForm {
  text: string;
  noiseDensity: number;
  meanNoiseSpanLength: number;
  seed: number;
}

/** What is wrong with the decoding boxes, in their own words, or undefined: Fill waits until it is fixed. */
export function decodingProblem(decoding: DecodingForm): string | undefined {
  return contractProblem('', decoding);
}

/** A fill's request without its model, or why there is none: checked once, before any model runs. */
export function fillRequest(
  prompt: string,
  decoding: DecodingForm,
): { readonly request: Omit<PlaygroundFillRequest, 'modelDir'> } | { readonly problem: string } {
  const problem = contractProblem(prompt, decoding) ?? promptRefusal(prompt);
  if (problem !== undefined) return { problem };
  return { request: { prompt, strategy: strategyOf(decoding), maxNewTokens: decoding.maxNewTokens } };
}

/** What the contract refuses in a fill of `prompt` with `decoding` (the boxes by their labels), or undefined. */
function contractProblem(prompt: string, decoding: DecodingForm): string | undefined {
  const checked = playgroundCalls.fill.args.safeParse(
    { modelDir: '-', prompt, strategy: strategyOf(decoding), maxNewTokens: decoding.maxNewTokens },
    { error: contractMessages },
  );
  return checked.success ? undefined : inFieldWords(checked.error.issues[0].message, DECODING_LABELS);
}

/** One column's outcome; `isStopped` is asked before the fill is sent (the model's folder is found first). */
export async function fillOne(
  calls: Pick<FillCalls, 'models' | 'playground'>,
  model: ModelChoice,
  request: Omit<PlaygroundFillRequest, 'modelDir'>,
  isStopped: () => boolean,
): Promise<FillOutcome> {
  const started = performance.now();
  try {
    const { path } = await calls.models.resolve({ model: model.ref });
    if (isStopped()) return { status: 'stopped' };
    const result = await calls.playground.fill({ ...request, modelDir: path });
    return { status: 'done', result, elapsedMs: performance.now() - started };
  } catch (caught) {
    if (caught instanceof ApiError && caught.code === 'cancelled') return { status: 'stopped' };
    return { status: 'failed', error: errorMessage(caught) };
  }
}

/** How a fill of several columns follows the screen while it runs (the store's). */
export interface ColumnsFill {
  /** The whole fill was stopped (Stop, or Fill pressed again): nothing more is sent or said. */
  readonly isStopped: () => boolean;
  /** Whether the model's column is still shown (ticked, and its run not removed). */
  readonly isShown: (key: string) => boolean;
  /** The model's fill begins: the one running now, which the store stops if its column goes. */
  readonly onBegin: (key: string) => void;
  /** The model's outcome; undefined when its column went before or while it ran (it has none). */
  readonly onOutcome: (key: string, outcome: FillOutcome | undefined) => void;
}

/**
 * Fills with each model in turn, one after another (so each column's time is its own model's,
 * and two models do not share the CPU or GPU while timed). A model whose column went before its
 * turn is skipped, and one whose column goes while its folder is looked up sends no fill.
 */
export async function fillColumns(
  calls: Pick<FillCalls, 'models' | 'playground'>,
  models: readonly ModelChoice[],
  request: Omit<PlaygroundFillRequest, 'modelDir'>,
  fill: ColumnsFill,
): Promise<void> {
  for (const model of models) {
    if (fill.isStopped()) return;
    if (!fill.isShown(model.key)) {
      fill.onOutcome(model.key, undefined);
      continue;
    }
    fill.onBegin(model.key);
    const outcome = await fillOne(calls, model, request, () => fill.isStopped() || !fill.isShown(model.key));
    if (fill.isStopped()) return;
    fill.onOutcome(model.key, fill.isShown(model.key) ? outcome : undefined);
  }
}

/** The masking preview of `mask.text` with `model`'s tokenizer, as a prompt and the notes that say how. */
export async function maskedPrompt(
  calls: Pick<FillCalls, 'models' | 'masking'>,
  model: ModelChoice,
  mask: MaskForm,
): Promise<MaskedPrompt & { readonly notes: string[] }> {
  const { path } = await calls.models.resolve({ model: model.ref });
  const preview = await calls.masking.preview({
    text: mask.text,
    model: path,
    noiseDensity: mask.noiseDensity,
    meanNoiseSpanLength: mask.meanNoiseSpanLength,
    // The whole text at its own length: the panel makes a prompt, not an example of a run's input length.
    inputLength: 'text',
    seed: mask.seed,
  });
  const notes = [`Masked with the ${preview.tokenizer} tokenizer (of ${model.label}), seed ${preview.seed}.`];
  return { ...promptFromSegments(preview.segments), notes: [...notes, ...preview.messages] };
}
