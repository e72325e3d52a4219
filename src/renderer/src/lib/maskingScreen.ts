// The Masking screen as it was left, for the rest of the app session: the screen's state lives
// in its component, which goes when another screen opens, so leaving for the Datasets screen
// (to import the text being masked, say) and coming back lost the typed text, the settings and
// the preview. The component reads this back when it opens and keeps it current. Also what the
// screen says once a preview asked for is on screen.

import { maskingCountsText, type MaskingPreviewResult } from '../../../shared/contract/masking';
import { shownNumber } from '../../../shared/shownNumber';

export interface MaskingScreenState {
  readonly source: 'text' | 'dataset';
  readonly text: string;
  readonly datasetId: string;
  readonly model: string;
  readonly noiseDensity: number;
  readonly meanNoiseSpanLength: number;
  readonly inputLength: number;
  readonly seed: number;
  readonly mode: 'auto' | 'packed' | 'per-document';
  /** A dataset example by its number as shown, from 1 (the contract's index + 1); null: the one the seed picks. */
  readonly example: number | null;
  readonly preview: MaskingPreviewResult | undefined;
  /** previewKey of the settings `preview` was made with. */
  readonly previewedWith: string | undefined;
}

/** What a preview is made from; the settings carried to Train must be these, or it is out of date. */
export type PreviewInputs = Omit<MaskingScreenState, 'example' | 'preview' | 'previewedWith'>;

/**
 * The inputs that make a preview, as one comparable string: the text or the dataset and its mode
 * (whichever is the source), the tokenizer and the four masking settings.
 */
export function previewKey(s: PreviewInputs): string {
  const from = s.source === 'text' ? { text: s.text } : { datasetId: s.datasetId, mode: s.mode };
  const { noiseDensity, meanNoiseSpanLength, inputLength, seed } = s;
  return JSON.stringify({ ...from, model: s.model.trim(), noiseDensity, meanNoiseSpanLength, inputLength, seed });
}

/**
 * What a failed preview was about: its inputs and, for a dataset, the example number in the box
 * (blank or not), so a number changed after "Example 99999 does not exist" hides that error.
 */
export function failureKey(s: PreviewInputs, example: number | null): string {
  return JSON.stringify([previewKey(s), s.source === 'dataset' ? example : null]);
}

/**
 * A preview on screen in a sentence, said once it is (politely): which one, the seed that drew it
 * and its counts as its Tokens line has them (maskingCountsText) — "Preview ready (seed 42): 141
 * tokens in this example, …" or, for a dataset, "Example 3 of 6 ready (seed 0): …".
 */
export function previewAnnouncement(preview: MaskingPreviewResult): string {
  const which = preview.example
    ? `Example ${shownNumber(preview.example.index)} of ${preview.example.count}`
    : 'Preview';
  return `${which} ready (seed ${preview.seed}): ${maskingCountsText(preview.counts)}.`;
}

let kept: MaskingScreenState | undefined;

/** The screen as it was last left in this session, or undefined on the first visit. */
export function keptMaskingScreen(): MaskingScreenState | undefined {
  return kept;
}

export function keepMaskingScreen(state: MaskingScreenState): void {
  kept = state;
}
