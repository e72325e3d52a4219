// Train › a number box outside its bounds (fields.ts), said as it is typed in NumberField's words,
// where the schema the form is validated with (runConfigSchema, which stored runs are read with)
// takes more than runs.start does: a noise density of 0.9995 is a stored run's share in (0, 1)
// but over a new run's bound (MASKING_BOUNDS), and would otherwise be heard of only from the
// estimate or Start.

import { numberProblem } from '../../lib/numberRange';
import { SETTING_LABELS } from '../../lib/settingLabels';
import type { FieldErrors, TrainForm } from '../../lib/trainForm';
import { ALL_NUMBER_FIELDS, EPOCHS_FIELD, STEPS_FIELD, type NumberFieldSpec } from './fields';

/** The number boxes the form shows now: the steps or the passes, as chosen, and all the others. */
function shownFields(form: TrainForm): readonly NumberFieldSpec[] {
  const hidden = form.length === 'epochs' ? STEPS_FIELD : EPOCHS_FIELD;
  return ALL_NUMBER_FIELDS.filter((spec) => spec !== hidden);
}

/** Each shown box whose number is outside its bounds ("Noise density must be ≤ 0.999"); an empty box is validate's to say. */
export function rangeErrors(form: TrainForm): FieldErrors {
  const errors: FieldErrors = {};
  for (const spec of shownFields(form)) {
    const value = form[spec.key];
    const problem =
      typeof value === 'number' && !Number.isNaN(value) && numberProblem(SETTING_LABELS[spec.key], value, spec);
    if (problem) errors[spec.key] = problem;
  }
  return errors;
}
