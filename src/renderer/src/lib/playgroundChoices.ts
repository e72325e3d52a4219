// The Playground's model choices that are no run's checkpoint (modelChoices.ts has those): the
// built-in model, always offered, the registered models and the folders added by path, as the
// picker ticks them, and which of them is a run's base model.

import type { ModelSummary } from '../../../shared/contract/models';
import { registeredModel, shortModelName } from '../../../shared/contract/runNames';
import { isPresetModelName } from '../../../shared/contract/runs';
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

/** A model folder added by path, as a column. */
export function folderChoice(path: string): ModelChoice {
  return { key: `folder:${path}`, label: shortModelName(path), detail: path, ref: path, source: 'folder' };
}

/**
 * The picker's key for a run's base model: the built-in one's, a registered model's (by its id or
 * folder, among those `listAvailable` gives, asked only then), else its folder's (to add by path);
 * null for a from-scratch preset:NAME, which has no base worth a column.
 */
export async function baseModelKey(
  model: string,
  listAvailable: () => Promise<readonly ModelSummary[]>,
): Promise<string | null> {
  if (isPresetModelName(model)) return null;
  if (model === builtinChoice.ref) return builtinChoice.key;
  return registeredModel(model, await listAvailable())?.id ?? folderChoice(model.trim()).key;
}
