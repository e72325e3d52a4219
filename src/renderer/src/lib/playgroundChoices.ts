// The Playground's model choices that are no run's checkpoint (modelChoices.ts has those): the
// built-in model, always offered, and the registered models, as the picker ticks them.

import type { ModelSummary } from '../../../shared/contract/models';
import type { ModelChoice } from './modelChoices';

export const builtinChoice: ModelChoice = {
  key: 'builtin:byt5-tiny',
  label: 'builtin:byt5-tiny',
  detail: 'bytes, random weights: a smoke test',
  ref: 'builtin:byt5-tiny',
  source: 'builtin',
};

/** The registered models (the Models screen's), each a choice by its id. */
export function registeredChoices(models: readonly ModelSummary[]): ModelChoice[] {
  return models.map((m) => ({
    key: m.id,
    label: m.name,
    detail: `${m.modelType ?? 'model'}, ${m.source.kind === 'hub' ? 'from the Hub' : 'folder'}`,
    ref: m.id,
    source: 'registered',
  }));
}
