// The masking carried from the Masking screen to Train, in words: in short on the Masking screen
// once carried, and as the Train form's note, which names the dataset and tokenizer the preview
// was made with and says when the form (changed since, or a list with no such model) would not
// mask the example previewed as it was shown. What the form takes is lib/trainForm.ts applyMasking.

import { BYTE_TOKENIZER_NAME } from '../../../shared/contract/datasets';
import { applyMasking, applyMaskingSettings, BUILTIN_MODEL, configOf, type TrainForm } from './trainForm';
import type { CarriedMasking } from './trainSettings.svelte';

/** The examples as Train's box takes them: it has no auto, and auto trains packed (applyMasking). */
const MODE_WORDS: Readonly<Record<CarriedMasking['mode'], string>> = {
  auto: 'packed',
  packed: 'packed',
  'per-document': 'per-document',
};

/** "noise density 0.3, mean span 3, input length 64, examples packed, data seed 0": the numbers in words. */
export function describeMasking(m: Omit<CarriedMasking, 'tokenizer' | 'tokenizerName'>): string {
  return `noise density ${m.noiseDensity}, mean span ${m.meanNoiseSpanLength}, input length ${m.inputLength}, examples ${MODE_WORDS[m.mode]}, data seed ${m.seed}`;
}

/**
 * What the Masking screen says it carried: the numbers, the dataset (`datasetLabel`: its name as
 * the screen's list has it now, else as carried) or that Train keeps its own, and the tokenizer.
 */
export function describeCarried(m: CarriedMasking, datasetLabel?: string): string {
  const tokenizer = isByteLevel(m)
    ? `the byte-level tokenizer (${BUILTIN_MODEL}'s)`
    : `the tokenizer of ${m.tokenizerName}`;
  return m.dataset
    ? `${describeMasking(m)}, with dataset ${datasetLabel ?? m.dataset.name} and ${tokenizer}`
    : `${describeMasking(m)}, with ${tokenizer}; the dataset stays Train's choice`;
}

/**
 * The Train form's note: the carried settings, what the preview was of (`datasetLabel`: the
 * dataset's name as the form's list has it now, else as carried) and with which tokenizer, then
 * whether the dataset and base model above are still the preview's.
 */
export function carriedNote(m: CarriedMasking, form: TrainForm, datasetLabel?: string): string {
  const of = m.dataset ? `an example of ${datasetLabel ?? m.dataset.name}` : 'typed text';
  const tokenizer = isByteLevel(m)
    ? `the byte-level tokenizer (the one ${BUILTIN_MODEL} uses)`
    : `the tokenizer of ${m.tokenizerName}`;
  const said = `Masking from the Masking screen: ${describeMasking(m)}, as previewed on ${of} with ${tokenizer}.`;
  return [said, ...sameAsPreview(m, form)].join(' ');
}

/** Whether the form still trains what was previewed, in a sentence or two. */
function sameAsPreview(m: CarriedMasking, form: TrainForm): string[] {
  const carried = configOf(applyMasking(form, m));
  const now = configOf(form);
  const isSameModel = now.model === carried.model && now.tokenizer === carried.tokenizer;
  const otherModel =
    "The base model above is not the preview's: its tokenizer, and so the masks, can differ from the preview's.";
  const changed = changedMasking(m, form);
  const changedSentence = changed ? [`${changed[0].toUpperCase()}${changed.slice(1)}.`] : [];
  if (!m.dataset)
    return [
      isSameModel
        ? "The base model above is the preview's; the dataset is this form's choice (no dataset was previewed)."
        : `${otherModel} The dataset is this form's choice (no dataset was previewed).`,
      ...changedSentence,
    ];
  if (form.datasetId !== m.dataset.id)
    return [
      `The dataset above is not the one previewed: its examples are masked with ${changed ? 'the settings below' : 'these settings'}, not the one shown.`,
      ...(isSameModel ? [] : [otherModel]),
      ...changedSentence,
    ];
  if (!isSameModel) return [otherModel, ...changedSentence];
  return [
    changed
      ? `The dataset and base model above are the preview's, but ${changed}: the example previewed is not masked in training as it was shown.`
      : "The dataset and base model above are the preview's: the example previewed is masked in training as it was shown.",
  ];
}

/**
 * The carried numbers the form has changed since, in words ("noise density is 0.2 here, 0.3 as
 * previewed; data seed is 3 here, 7 as previewed"), or '' where it has them all as carried.
 */
function changedMasking(m: CarriedMasking, form: TrainForm): string {
  const carried = applyMaskingSettings(form, m);
  const shown = (v: number | string): string => (typeof v === 'number' && !Number.isFinite(v) ? 'not set' : `${v}`);
  const fields = [
    ['noiseDensity', 'noise density is'],
    ['meanSpanLength', 'mean span is'],
    ['inputLength', 'input length is'],
    ['masking', 'examples are'],
    ['dataSeed', 'data seed is'],
  ] as const;
  return fields
    .filter(([key]) => !Object.is(form[key], carried[key]))
    .map(([key, words]) => `${words} ${shown(form[key])} here, ${shown(carried[key])} as previewed`)
    .join('; ');
}

function isByteLevel(m: CarriedMasking): boolean {
  return m.tokenizer === BYTE_TOKENIZER_NAME;
}
