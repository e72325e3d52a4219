// The Train form as it was left, for the rest of the app session: the form lives in its
// component, which goes when another screen opens, so a person who set a run up and went to the
// Masking screen to check (and carry) the masking, or to Settings by the form's own link, came
// back to a fresh form. The form reads this back when it opens; a started run forgets it, so
// the next new run starts fresh ("New run with these settings" repeats one).

import type { RunDetail } from '../../../shared/contract/runs';
import { applyMasking, type TrainForm } from './trainForm';
import type { SettingsBoxes } from './trainFormSettings';
import type { CarriedMasking } from './trainSettings.svelte';

export interface KeptTrainForm {
  readonly form: TrainForm;
  /** The masking carried from the Masking screen when the form was kept. */
  readonly masking: CarriedMasking | undefined;
  /** The run whose settings the form started from ("New run with these settings"), if any. */
  readonly from: RunDetail | undefined;
  /** The provider and threads as the saved settings last set them (a box that differs was changed by hand). */
  readonly fromSettings: SettingsBoxes | undefined;
}

let kept: KeptTrainForm | undefined;

export function keptTrainForm(): KeptTrainForm | undefined {
  return kept;
}

export function keepTrainForm(form: KeptTrainForm): void {
  kept = form;
}

export function forgetTrainForm(): void {
  kept = undefined;
}

/**
 * The kept form, with masking carried from the Masking screen since it was kept applied (a
 * form from a run keeps that run's masking, as when it opened).
 */
export function restoredTrainForm(form: KeptTrainForm, carried: CarriedMasking | undefined): TrainForm {
  return form.from || carried === form.masking ? form.form : applyMasking(form.form, carried);
}

/** The form's dataset as shown: the pick ('' for none) and whether a pick was removed (the form says so). */
export interface DatasetShown {
  readonly datasetId: string;
  readonly wasRemoved: boolean;
}

/**
 * The dataset a form that opens shows, once the ready datasets are read: the one it holds while
 * it is still there; none, marked removed, when it went while the form was closed (a kept form,
 * or a run's settings whose dataset was removed), so the form says so instead of showing a blank
 * box; none still when its removal was heard while the list was read (datasets.removed before
 * the list's answer); else the newest (a fresh form).
 */
export function datasetOnOpen(shown: DatasetShown, readyIds: readonly string[], newestId: string): DatasetShown {
  const { datasetId, wasRemoved } = shown;
  if (datasetId === '') return { datasetId: wasRemoved ? '' : newestId, wasRemoved };
  return readyIds.includes(datasetId) ? shown : { datasetId: '', wasRemoved: true };
}
