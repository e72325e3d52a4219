// Where a new run starts before anyone chooses: the Train form opens on the quick preset, so a
// dataset's count of training examples (the Datasets screen's "Count tokens", `spanfill
// datasets show ID --model X`) is taken at that preset's input length unless another is given:
// one question, one answer on either road.

import { MASKING_DEFAULTS } from './masking';
import { runPresets, type RunPresetName } from './runs';

/** The preset a new Train form opens on. */
export const STARTING_PRESET: RunPresetName = 'quick';

/** A run's input length at the starting preset: a token estimate's when none is given. */
export const STARTING_INPUT_LENGTH: number = runPresets[STARTING_PRESET].inputLength ?? MASKING_DEFAULTS.inputLength;
