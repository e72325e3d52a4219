// The masking carried from the Masking screen: the Train form it makes (lib/trainForm.ts
// applyMasking: the preview's dataset and a base model with its tokenizer, not only the numbers)
// and its words (lib/carriedMasking.ts): the form's note names the dataset and the tokenizer the
// preview used, says when the preview was of typed text (the dataset is then the form's own
// choice), says what the byte-level tokenizer is on a list that has no model of that name, and
// says so when the form no longer trains what was shown.

import { describe, expect, it } from 'vitest';
import { carriedNote, describeCarried } from '../../../../src/renderer/src/lib/carriedMasking';
import {
  applyMasking,
  applyMaskingSettings,
  applyPreset,
  configOf,
  initialForm,
  type TrainForm,
} from '../../../../src/renderer/src/lib/trainForm';
import type { CarriedMasking } from '../../../../src/renderer/src/lib/trainSettings.svelte';

const carried: CarriedMasking = {
  noiseDensity: 0.3,
  meanNoiseSpanLength: 2,
  inputLength: 64,
  mode: 'auto',
  seed: 11,
  tokenizer: 'model-1',
  tokenizerName: 't5-small',
  dataset: { id: 'ds-older', name: 'older.txt (3 documents)' },
};
// Examples as Train's box takes them: it has no auto, and auto trains packed (applyMasking).
const numbers = 'noise density 0.3, mean span 2, input length 64, examples packed, data seed 11';
/** The form as the carried masking leaves it, with `change` after. */
const formOf = (m: CarriedMasking, change: Partial<TrainForm> = {}): TrainForm => ({
  ...applyMasking({ ...initialForm(undefined), datasetId: 'ds-newest' }, m),
  ...change,
});

describe('Train form: the masking carried from the Masking screen', () => {
  const numbers = { noiseDensity: 0.3, meanSpanLength: 2, inputLength: 64, masking: 'packed', dataSeed: 11 };

  it("trains on the previewed example's dataset with the preview's tokenizer, not the form's own", () => {
    const form = { ...initialForm(undefined), datasetId: 'ds-newest' };
    const folder = { ...carried, tokenizer: '/models/t5-small', tokenizerName: '/models/t5-small' };
    expect(applyMasking(form, folder)).toEqual({
      ...form,
      ...numbers,
      datasetId: 'ds-older',
      // A folder (or a model id) as it was typed: BaseModelField shows one its lists do not offer as that folder.
      modelChoice: '/models/t5-small',
      modelPath: '/models/t5-small',
    });
    expect(initialForm(carried)).toMatchObject({ datasetId: 'ds-older', modelChoice: 'model-1' });
    expect(configOf(applyMasking(form, carried))).toMatchObject({ datasetId: 'ds-older', model: 'model-1' });
  });

  it("keeps the form's dataset after a preview of typed text", () => {
    const form = { ...initialForm(undefined), datasetId: 'ds-newest' };
    expect(applyMasking(form, { ...carried, dataset: undefined })).toMatchObject({ datasetId: 'ds-newest' });
  });

  it("takes builtin:byt5-tiny for the byte-level tokenizer (its own), and gives a from-scratch shape the preview's", () => {
    const form = { ...initialForm(undefined), modelChoice: 'model-2' };
    for (const tokenizer of ['bytes', 'builtin:byt5-tiny'])
      expect(applyMasking(form, { ...carried, tokenizer })).toMatchObject({ modelChoice: 'builtin:byt5-tiny' });
    const shape = { ...form, modelChoice: 'preset:small', tokenizer: 'model-2' };
    expect(applyMasking(shape, { ...carried, tokenizer: 'bytes' })).toMatchObject({
      modelChoice: 'preset:small',
      tokenizer: 'bytes',
    });
    expect(applyMasking(shape, { ...carried, tokenizer: 'builtin:byt5-tiny' })).toMatchObject({ tokenizer: 'bytes' });
    expect(applyMasking(shape, carried)).toMatchObject({ tokenizer: 'model-1' });
  });

  it('is taken again by a preset for the numbers only: a dataset or model picked since stays', () => {
    const form = { ...applyMasking(initialForm(undefined), carried), datasetId: 'ds-other', modelChoice: 'model-2' };
    const settings = { provider: 'cpu', cpuThreads: 0 } as const;
    expect(applyMaskingSettings(applyPreset(form, 'standard', settings), carried)).toMatchObject({
      ...numbers,
      datasetId: 'ds-other',
      modelChoice: 'model-2',
    });
  });
});

describe("the Train form's note on masking carried from the Masking screen", () => {
  it('names the dataset and the tokenizer of the example previewed', () => {
    expect(carriedNote(carried, formOf(carried))).toBe(
      `Masking from the Masking screen: ${numbers}, as previewed on an example of older.txt (3 documents) with ` +
        "the tokenizer of t5-small. The dataset and base model above are the preview's: the example previewed is " +
        'masked in training as it was shown.',
    );
    // The dataset's name as the form's list has it now (renamed since), when it has it.
    expect(carriedNote(carried, formOf(carried), 'notes (3 documents)')).toContain('an example of notes (3 documents)');
  });

  it('says a preview of typed text leaves the dataset to the form', () => {
    const typed = { ...carried, dataset: undefined };
    expect(carriedNote(typed, formOf(typed))).toBe(
      `Masking from the Masking screen: ${numbers}, as previewed on typed text with the tokenizer of t5-small. ` +
        "The base model above is the preview's; the dataset is this form's choice (no dataset was previewed).",
    );
  });

  it('says the byte-level tokenizer plainly, by the base model that uses it', () => {
    const bytes = { ...carried, tokenizer: 'bytes', tokenizerName: 'bytes' };
    expect(carriedNote(bytes, formOf(bytes))).toContain(
      'as previewed on an example of older.txt (3 documents) with the byte-level tokenizer (the one builtin:byt5-tiny uses).',
    );
  });

  it('says when the dataset or base model picked since is not the one previewed', () => {
    expect(carriedNote(carried, formOf(carried, { datasetId: 'ds-newest' }))).toContain(
      'The dataset above is not the one previewed: its examples are masked with these settings, not the one shown.',
    );
    expect(carriedNote(carried, formOf(carried, { modelChoice: 'builtin:byt5-tiny' }))).toContain(
      "The base model above is not the preview's: its tokenizer, and so the masks, can differ from the preview's.",
    );
    // A registered model shown as its folder (BaseModelField) is still the preview's.
    expect(carriedNote(carried, formOf(carried, { modelChoice: 'folder', modelPath: 'model-1' }))).toContain(
      "The dataset and base model above are the preview's",
    );
  });

  it('says which carried number was changed on the form since, and that the preview is then not what trains', () => {
    expect(carriedNote(carried, formOf(carried, { noiseDensity: 0.2 }))).toBe(
      `Masking from the Masking screen: ${numbers}, as previewed on an example of older.txt (3 documents) with ` +
        "the tokenizer of t5-small. The dataset and base model above are the preview's, but noise density is 0.2 " +
        'here, 0.3 as previewed: the example previewed is not masked in training as it was shown.',
    );
    const all = {
      noiseDensity: 0.15,
      meanSpanLength: 3,
      inputLength: 96,
      masking: 'per-document',
      dataSeed: 7,
    } as const;
    expect(carriedNote(carried, formOf(carried, all))).toContain(
      'but noise density is 0.15 here, 0.3 as previewed; mean span is 3 here, 2 as previewed; input length is 96 ' +
        'here, 64 as previewed; examples are per-document here, packed as previewed; data seed is 7 here, 11 as ' +
        'previewed: the example previewed is not masked',
    );
    // An emptied box is no number to compare.
    expect(carriedNote(carried, formOf(carried, { inputLength: Number.NaN }))).toContain(
      'but input length is not set here, 64 as previewed:',
    );
    // Another dataset or typed text: the change is said after what the note said before.
    expect(carriedNote(carried, formOf(carried, { datasetId: 'ds-newest', dataSeed: 7 }))).toContain(
      'The dataset above is not the one previewed: its examples are masked with the settings below, not the one ' +
        'shown. Data seed is 7 here, 11 as previewed.',
    );
    const typed = { ...carried, dataset: undefined };
    expect(carriedNote(typed, formOf(typed, { noiseDensity: 0.2 }))).toMatch(
      /\(no dataset was previewed\)\. Noise density is 0\.2 here, 0\.3 as previewed\.$/,
    );
    expect(carriedNote(carried, formOf(carried))).not.toContain('here,');
  });

  it('are said in short on the Masking screen, where the settings were carried from', () => {
    expect(describeCarried(carried)).toBe(
      `${numbers}, with dataset older.txt (3 documents) and the tokenizer of t5-small`,
    );
    // The dataset by its name as listed now (renamed since), as the Train form's note says it.
    expect(describeCarried(carried, 'renamed.txt (3 documents)')).toBe(
      `${numbers}, with dataset renamed.txt (3 documents) and the tokenizer of t5-small`,
    );
    expect(describeCarried({ ...carried, dataset: undefined, tokenizer: 'bytes', tokenizerName: 'bytes' })).toBe(
      `${numbers}, with the byte-level tokenizer (builtin:byt5-tiny's); the dataset stays Train's choice`,
    );
  });
});
