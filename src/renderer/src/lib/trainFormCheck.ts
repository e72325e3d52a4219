// The Train form's checks: the contract's own validation (runConfigSchema, then a new run's
// bounds from runRequestSchema) turned into one message per field for inline display, and why
// the estimate waits while the form is not valid.

import { z } from 'zod';
import { runConfigSchema, runRequestSchema } from '../../../shared/contract/runs';
import { contractMessages } from '../../../shared/contract/issues';
import { warmupProblem } from '../../../shared/contract/schedule';
import { NEEDS_A_NUMBER, withShownBounds } from './numberRange';
import { inLabelWords } from './settingLabels';
import { configOf, type TrainForm } from './trainForm';

export type FieldErrors = Partial<Record<keyof TrainForm, string>>;

/** The form's word for a missing dataset: the schema's names the CLI's listing, not this screen's list. */
export const PICK_DATASET = 'Pick the dataset to train on (none yet? import one on the Datasets screen)';

/** The form's words for a base model not yet picked, or a folder not yet typed. */
export const PICK_MODEL = 'Pick a base model';
export const TYPE_MODEL_FOLDER = 'Type the path of a model folder (the folder that holds config.json)';

/**
 * What the form is checked against, each field in one parse: as a stored run's configuration
 * (runConfigSchema, whose words come first: "noiseDensity must be < 1"), then, where that
 * passes, as runs.start checks a new run's (runRequestSchema), whose bounds may be tighter: a
 * noise density of 0.9995 is a stored run's share in (0, 1) but over MASKING_BOUNDS. So a box
 * says a value Start would have refused as it is typed, and Start waits.
 */
const formSchema = z.strictObject(
  Object.fromEntries(
    Object.entries(runConfigSchema.shape).map(([key, stored]: [string, z.ZodType]) => {
      const started: z.ZodType | undefined = runRequestSchema.shape[key as keyof typeof runRequestSchema.shape];
      return [key, started === undefined ? stored : stored.pipe(started)];
    }),
  ),
);

/**
 * The schema's messages by form field (contractMessages words each bound and a fraction where
 * a whole number belongs); an emptied number box and a dataset not yet picked are said here; and
 * a warm-up longer than the steps asked for, which runs.start refuses (schedule.ts warmupProblem).
 */
export function validate(form: TrainForm): FieldErrors {
  const parsed = formSchema.safeParse(configOf(form), { error: contractMessages });
  const errors: FieldErrors = {};
  for (const issue of parsed.error?.issues ?? []) {
    const key = String(issue.path[0] ?? '');
    const field = (
      key === 'model' ? (form.modelChoice === 'folder' ? 'modelPath' : 'modelChoice') : key
    ) as keyof TrainForm;
    errors[field] ??= messageOf(issue, key, field, form[field]);
  }
  // Passes over the data: the steps are not known here (the estimate refuses it).
  const isLengthMarked = form.length !== 'steps' || errors.maxSteps || errors.warmupSteps;
  const warmup = isLengthMarked ? null : warmupProblem(form, form.maxSteps);
  if (warmup !== null) errors.warmupSteps = inLabelWords(warmup);
  return errors;
}

/**
 * Why the estimate waits, when the form is not valid: a dataset alone missing is not a setting
 * to fix (the estimate counts its examples; before the list is in, there is none to pick yet),
 * anything else is marked at its field.
 */
export function estimateBlocker(errors: FieldErrors, isDatasetsListed = true): string {
  const fields = Object.keys(errors);
  if (fields.length !== 1 || fields[0] !== 'datasetId') return 'Fix the settings marked above first.';
  return isDatasetsListed
    ? 'Pick a dataset first: the estimate counts its examples.'
    : 'Waiting for the list of datasets: the estimate counts the examples of the one picked.';
}

/** A field's refusal in the form's words ("Batch size must be ≥ 1"; settingLabels.ts). */
function messageOf(issue: { code: string; message: string }, key: string, field: string, value: unknown): string {
  if (key === 'datasetId' && value === '') return PICK_DATASET;
  if (key === 'model' && String(value).trim() === '') return field === 'modelPath' ? TYPE_MODEL_FOLDER : PICK_MODEL;
  return withShownBounds(inLabelWords(fieldMessage(issue, key, value)), key);
}

function fieldMessage(issue: { code: string; message: string }, key: string, value: unknown): string {
  if (key === 'clipNorm' && issue.code !== 'invalid_type') return 'clipNorm must be > 0, or 0 for no clipping';
  if (issue.code !== 'invalid_type') return issue.message;
  const isEmpty = value === null || value === undefined || value === '' || Number.isNaN(value);
  // A fraction where a whole number belongs is said by contractMessages.
  return isEmpty ? `${key}${NEEDS_A_NUMBER}` : issue.message;
}
