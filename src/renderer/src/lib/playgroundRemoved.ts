// The Playground's word on a registered model's column that went without being unticked: the
// model was removed elsewhere (another window, the Models screen, `spanfill models rm` in a
// terminal) or its folder is gone, so models.list no longer offers it. The store (playground.svelte.ts)
// follows its columns here as they change and shows the sentence in its notice, as a run's
// removal is said there (modelChoices.ts goneColumns); stopping that column's fill is the store's.

import type { ModelSummary } from '../../../shared/contract/models';
import type { ModelChoice } from './modelChoices';
import type { FillOutcome } from './playgroundFill';

/** What the sentence reads of the screen, and where it goes: the store's own (reactive) fields. */
export interface RemovedShown {
  /** Keys of the ticked models: a column that went while still ticked was not unticked. */
  readonly selected: readonly string[];
  readonly outcomes: Readonly<Record<string, FillOutcome>>;
  /** Said in a polite live region until the next fill. */
  notice: string | undefined;
}

/**
 * What happened to the registered model `column` no longer offered, `listed` (models.list) now,
 * and whether its fill (running or waiting its turn) was stopped with it.
 */
export function removedModelWords(
  column: ModelChoice,
  listed: readonly Pick<ModelSummary, 'id'>[],
  isFillStopped: boolean,
): string {
  const went = isFillStopped ? 'its fill was stopped and its column went' : 'its column went';
  return listed.some((model) => model.id === column.key)
    ? `The folder of model “${column.label}” is gone (moved or deleted outside Spanfill), so ${went}: put it back, or import it from where it is now on the Models screen, to fill with it.`
    : `Model “${column.label}” was removed elsewhere, so ${went}: import or download it again on the Models screen to fill with it.`;
}

export class RemovedModels {
  /** The registered models' columns as last shown. */
  private shown: readonly ModelChoice[] = [];

  constructor(private readonly screen: RemovedShown) {}

  /**
   * The columns shown now (`chosen`) and the registered models listed now: a registered model's
   * column that went while still ticked is said in the notice, after what it says already.
   */
  follow(chosen: readonly ModelChoice[], listed: readonly Pick<ModelSummary, 'id'>[]): void {
    const registered = chosen.filter((column) => column.source === 'registered');
    const gone = this.shown.filter(
      (column) => !registered.some((c) => c.key === column.key) && this.screen.selected.includes(column.key),
    );
    this.shown = registered;
    if (gone.length === 0) return;
    const words = gone.map((column) =>
      removedModelWords(column, listed, this.screen.outcomes[column.key]?.status === 'running'),
    );
    this.screen.notice = [this.screen.notice, ...words].filter((said) => said !== undefined).join(' ');
  }
}
