// The Playground's decoding options as the form holds them (every kind's fields, so switching
// kinds keeps what was typed), and as the contract takes them: only the chosen kind's fields.

import type { DecodingStrategyArgs } from '../../../shared/contract/playground';

export interface DecodingForm {
  kind: 'greedy' | 'beam' | 'sample';
  numBeams: number;
  temperature: number;
  topK: number;
  topP: number;
  seed: number;
  maxNewTokens: number;
}

/** The decoding form as the contract's strategy (only the chosen kind's fields). */
export function strategyOf(form: DecodingForm): DecodingStrategyArgs {
  if (form.kind === 'beam') return { kind: 'beam', numBeams: form.numBeams };
  if (form.kind === 'sample')
    return { kind: 'sample', temperature: form.temperature, topK: form.topK, topP: form.topP, seed: form.seed };
  return { kind: 'greedy' };
}
