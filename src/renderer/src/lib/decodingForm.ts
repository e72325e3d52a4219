// The Playground's decoding options as the form holds them (every kind's fields, so switching
// kinds keeps what was typed), and as the contract takes them: only the chosen kind's fields.
// The form is kept for the next visit with the screen (playgroundMemory.ts), as the contract's
// playgroundDecodingSchema reads it back: a setting that does not hold comes back as its default.

import { PLAYGROUND_DECODING_DEFAULTS, type DecodingStrategyArgs } from '../../../shared/contract/playground';

export interface DecodingForm {
  kind: 'greedy' | 'beam' | 'sample';
  numBeams: number;
  temperature: number;
  topK: number;
  topP: number;
  seed: number;
  maxNewTokens: number;
}

/** The form on a first visit: the contract's defaults, as `spanfill fill` takes them. */
export function defaultDecodingForm(): DecodingForm {
  return { ...PLAYGROUND_DECODING_DEFAULTS };
}

/** The decoding form as the contract's strategy (only the chosen kind's fields). */
export function strategyOf(form: DecodingForm): DecodingStrategyArgs {
  if (form.kind === 'beam') return { kind: 'beam', numBeams: form.numBeams };
  if (form.kind === 'sample')
    return { kind: 'sample', temperature: form.temperature, topK: form.topK, topP: form.topP, seed: form.seed };
  return { kind: 'greedy' };
}
