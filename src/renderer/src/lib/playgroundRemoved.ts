// The Playground's word on a registered model's column that went without being unticked: the
// model was removed (on this window's Models screen, or elsewhere: another window, `spanfill
// models rm` in a terminal) or its folder is gone, so models.list no longer offers it; and on the
// registered columns kept from the last launch (the kept screen's modelNames) whose models went
// while the app was closed. The store (playground.svelte.ts) follows its columns here and shows
// the sentence in its notice, as a run's removal is said there (modelChoices.ts goneColumns);
// stopping that column's fill is the store's.

import type { ModelSummary } from '../../../shared/contract/models';
import { checkpointKey, type ModelChoice } from './modelChoices';
import { builtinChoice } from './playgroundChoices';
import type { FillOutcome } from './playgroundFill';

/** What the sentence reads of the screen, and where it goes: the store's own (reactive) fields. */
export interface RemovedShown {
  /** Keys of the ticked models: a column that went while still ticked was not unticked. A removed model's key leaves it. */
  selected: string[];
  readonly outcomes: Readonly<Record<string, FillOutcome>>;
  /** Said in a polite live region until the next fill. */
  notice: string | undefined;
}

/** A registered model's column as the kept screen names it (PlaygroundScreen.modelNames). */
export interface KeptName {
  readonly key: string;
  readonly label: string;
}

type Listed = Pick<ModelSummary, 'id' | 'name' | 'isAvailable'>;

const importAgain = 'import or download it again on the Models screen to fill with it';

/**
 * What happened to the registered model `column` no longer offered, `listed` (models.list) now,
 * and whether its fill (running or waiting its turn) was stopped with it; `removedHere`: the ids
 * this window's Models screen removed (the person did it, so it is not news from elsewhere).
 */
export function removedModelWords(
  column: ModelChoice,
  listed: readonly Pick<ModelSummary, 'id'>[],
  isFillStopped: boolean,
  removedHere: ReadonlySet<string> = new Set(),
): string {
  const went = isFillStopped ? 'its fill was stopped and its column went' : 'its column went';
  if (listed.some((model) => model.id === column.key))
    return `The folder of model “${column.label}” is gone (moved or deleted outside Spanfill), so ${went}: put it back, or import it from where it is now on the Models screen, to fill with it.`;
  return removedHere.has(column.key)
    ? `Model “${column.label}” was removed on the Models screen, so ${went}.`
    : `Model “${column.label}” was removed elsewhere, so ${went}: ${importAgain}.`;
}

/** The key of a registered model's column: not the built-in model's, a folder's or a checkpoint's. */
export function isRegisteredKey(key: string): boolean {
  return key !== builtinChoice.key && !key.startsWith('folder:') && !key.startsWith(checkpointKey(''));
}

/**
 * The kept columns' models gone while the app was closed, `listed` now, in sentences: a removed
 * one by its kept name (unnamed in a screen kept before names were), one whose folder is gone by
 * its listed name.
 */
export function keptGoneWords(
  selected: readonly string[],
  names: readonly KeptName[],
  listed: readonly Listed[],
): string[] {
  const gone = selected.filter((key) => isRegisteredKey(key) && !listed.some((m) => m.id === key && m.isAvailable));
  const moved = listed.filter((model) => gone.includes(model.id));
  const removed = gone.filter((key) => !listed.some((model) => model.id === key));
  const label = (key: string): string | undefined => names.find((name) => name.key === key)?.label;
  const unnamed = removed.filter((key) => label(key) === undefined).length;
  return [
    ...moved.map(
      (model) =>
        `The folder of model “${model.name}”, shown here last time, is gone (moved or deleted outside Spanfill): put it back, or import it from where it is now on the Models screen, to fill with it.`,
    ),
    ...removed.flatMap((key) => {
      const name = label(key);
      return name === undefined ? [] : [`Model “${name}”, shown here last time, was removed since: ${importAgain}.`];
    }),
    ...(unnamed === 0
      ? []
      : unnamed === 1
        ? [`A model shown here last time was removed since: ${importAgain}.`]
        : [
            `${unnamed} models shown here last time were removed since: import or download them again on the Models screen to fill with them.`,
          ]),
  ];
}

export class RemovedModels {
  /** The registered models' columns as last shown. */
  private shown: readonly ModelChoice[] = [];
  /** The names kept with the screen read back, until its columns are checked (sayKeptGone). */
  private kept: readonly KeptName[] | undefined;
  /** The names kept with the screen read back, for the columns not listed yet (namesToKeep). */
  private keptNames: readonly KeptName[] = [];

  constructor(private readonly screen: RemovedShown) {}

  /**
   * The columns shown now (`chosen`) and the registered models listed now: a registered model's
   * column that went while still ticked is said in the notice, after what it says already; a
   * removed model's key leaves `selected`, so that the next launch does not say it again.
   */
  follow(
    chosen: readonly ModelChoice[],
    listed: readonly Pick<ModelSummary, 'id'>[],
    removedHere: ReadonlySet<string> = new Set(),
  ): void {
    const registered = chosen.filter((column) => column.source === 'registered');
    const gone = this.shown.filter(
      (column) => !registered.some((c) => c.key === column.key) && this.screen.selected.includes(column.key),
    );
    this.shown = registered;
    if (gone.length === 0) return;
    const words = gone.map((column) =>
      removedModelWords(column, listed, this.screen.outcomes[column.key]?.status === 'running', removedHere),
    );
    this.say(words);
    this.leaveOut(gone.map((column) => column.key).filter((key) => !listed.some((model) => model.id === key)));
  }

  /** The kept screen was put back (with `names`, or none when kept before names were): checked once listed. */
  expectKept(names: readonly KeptName[] | undefined): void {
    this.kept = names ?? [];
    this.keptNames = this.kept;
  }

  /**
   * The names of the ticked registered models, for the screen kept: as shown (`chosen`), or as
   * read back for one not listed (yet), so that a model removed before the next launch is named then.
   */
  namesToKeep(chosen: readonly ModelChoice[]): KeptName[] {
    return this.screen.selected.flatMap((key) => {
      const label =
        chosen.find((column) => column.key === key && column.source === 'registered')?.label ??
        this.keptNames.find((name) => name.key === key)?.label;
      return isRegisteredKey(key) && label !== undefined ? [{ key, label }] : [];
    });
  }

  /**
   * The registered models listed at last, after a kept screen was put back: its columns whose
   * models went while the app was closed are said, once, and the removed ones leave `selected`.
   */
  sayKeptGone(listed: readonly Listed[]): void {
    if (this.kept === undefined) return;
    const words = keptGoneWords(this.screen.selected, this.kept, listed);
    this.kept = undefined;
    if (words.length === 0) return;
    this.say(words);
    this.leaveOut(this.screen.selected.filter((key) => isRegisteredKey(key) && !listed.some((m) => m.id === key)));
  }

  private say(words: readonly string[]): void {
    this.screen.notice = [this.screen.notice, ...words].filter((said) => said !== undefined).join(' ');
  }

  /** Takes the keys of removed models (no longer listed) out of `selected`. */
  private leaveOut(removed: readonly string[]): void {
    if (removed.length > 0) this.screen.selected = this.screen.selected.filter((key) => !removed.includes(key));
  }
}
