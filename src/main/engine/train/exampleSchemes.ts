// Which way a run's examples are made (examples.ts EXAMPLE_SCHEMES), as its checkpoints record
// it, and what a resume says when this Spanfill makes them otherwise than the checkpoint's did
// (a checkpoint that records none is of a Spanfill from before 207452bb). Such a resume is not
// refused: the person cannot choose the old way, and refusing would throw away their progress;
// it is said, once, with what it means for the run's losses and its best checkpoint.
import {
  EXAMPLE_SCHEME_WORDS,
  EXAMPLE_SCHEMES,
  UNRECORDED_EXAMPLE_SCHEMES,
  type ExampleSchemes,
  type MaskingMode,
} from '../data/examples';
import type { ExampleSet } from '../data/trainingData';
import { CheckpointError, readTrainerState, type TrainerState } from './checkpoint';

/** The modes a run's examples are made in (null: it has no validation examples). */
export interface ExampleModes {
  readonly train: MaskingMode;
  readonly validation: MaskingMode | null;
}

/** The modes of a run's training and validation plans; validation null when it has no examples. */
export function exampleModesOf(data: { readonly train: ExampleSet; readonly validation: ExampleSet | null }) {
  const { validation } = data;
  const hasValidation = validation !== null && validation.plan.exampleCount > 0;
  return { train: data.train.plan.mode, validation: hasValidation ? validation.plan.mode : null } as ExampleModes;
}

/** The schemes examples made in `modes` are made by: this Spanfill's, or (`table`) another's. */
export function exampleSchemesOf(modes: ExampleModes, table = EXAMPLE_SCHEMES): ExampleSchemes {
  return { train: table[modes.train], validation: modes.validation === null ? null : table[modes.validation] };
}

const wordsOf = (scheme: string): string => EXAMPLE_SCHEME_WORDS[scheme] ?? `scheme ${scheme}`;

/**
 * What to tell the person resuming from checkpoint `state` whose run this Spanfill makes examples
 * for in `modes`, when they are made otherwise than the checkpoint's were; null when they are not.
 */
export function exampleSchemeNotice(state: TrainerState, modes: ExampleModes): string | null {
  const now = exampleSchemesOf(modes);
  const was = state.examples ?? exampleSchemesOf(modes, UNRECORDED_EXAMPLE_SCHEMES);
  const isTrain = was.train !== now.train;
  const isValidation = now.validation !== null && was.validation !== null && was.validation !== now.validation;
  if (!isTrain && !isValidation) return null;
  const step = state.step;
  const which = isTrain
    ? isValidation
      ? 'training and validation examples'
      : 'training examples'
    : 'validation examples';
  const [before, after] = isTrain ? [was.train, now.train] : [was.validation as string, now.validation as string];
  const means = isTrain
    ? `its losses before and after step ${step} differ slightly and are not quite comparable` +
      (isValidation ? ', nor are its evaluation losses, by which its best checkpoint is chosen' : '')
    : `its evaluation losses before and after step ${step} are not quite comparable, nor is its best checkpoint, chosen by them`;
  return (
    `This run's ${which} were made by an earlier Spanfill (${wordsOf(before)}); after step ${step} they are made ` +
    `as this Spanfill makes them (${wordsOf(after)}), so ${means}. To train on one kind of example throughout, ` +
    'start a new run with these settings (in the app: New run with these settings).'
  );
}

/**
 * What a resume from checkpoint folder `from` says of how its examples were made (exampleSchemeNotice);
 * none without a checkpoint, or when its trainer state does not read (the resume says why when it loads it).
 */
export function resumeSchemeNotices(from: string | undefined, modes: ExampleModes): string[] {
  if (from === undefined) return [];
  let state: TrainerState;
  try {
    state = readTrainerState(from);
  } catch (error) {
    if (error instanceof CheckpointError) return [];
    throw error;
  }
  const notice = exampleSchemeNotice(state, modes);
  return notice === null ? [] : [notice];
}
