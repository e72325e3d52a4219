// The imports the Datasets screen watches that this page did not start (a closed or reloaded
// tab's upload, another tab's or window's, a terminal's `spanfill import`): listed as importing,
// then said as they end, as the page that started one would have said it (importsEnded); and the
// imports this page started, whose outcome is said where they were started. The datasets store
// (datasets.svelte.ts) tells it what the list holds and what its events say.

import type { DatasetSummary } from '../../../shared/contract/datasets';
import { importsEnded, watchedEnding, type WatchedEnding } from './datasetsImportOutcome';

/** Where the endings are said: the store's own (reactive) fields, and its view of a dataset. */
export interface WatchShown {
  notice: string | undefined;
  error: string | undefined;
  readonly detail: { readonly id: string } | undefined;
  show(id: string): Promise<void>;
}

export class ImportWatch {
  /** Imports this page listed as importing and did not start, by id, with their names (importsEnded). */
  private watched: ReadonlyMap<string, string> = new Map();
  /** The imports this page started (their outcome is said where they were started: importPaths). */
  private readonly own = new Set<string>();
  /** How a watched import ended, failed with why or cancelled, as its datasets.statusChanged said (its row may be gone). */
  private readonly endings = new Map<string, WatchedEnding>();

  constructor(private readonly shown: WatchShown) {}

  /** Whether `id` is an import this page watches (listed as importing, not its own). */
  isWatched(id: string): boolean {
    return this.watched.has(id);
  }

  /** An import this page started: its outcome is said where it was started, not as one watched. */
  ownImport(id: string): void {
    this.own.add(id);
    if (this.watched.has(id)) this.watched = new Map([...this.watched].filter(([watched]) => watched !== id));
  }

  /** A datasets.statusChanged 'failed': a watched import failed with `error`, or was cancelled without one. */
  failed(id: string, error: string | undefined): void {
    if (this.watched.has(id)) this.endings.set(id, watchedEnding(error));
  }

  /** Says how each watched import ended, `listed` now, as the page that started it would have (importsEnded). */
  sayEnded(listed: readonly DatasetSummary[]): void {
    const ended = importsEnded(this.watched, listed, this.own, this.endings);
    this.watched = ended.watching;
    for (const id of this.endings.keys()) if (!this.watched.has(id)) this.endings.delete(id);
    if (ended.notices.length > 0) this.shown.notice = ended.notices.join(' ');
    if (ended.errors.length > 0) this.shown.error = ended.errors.join(' ');
    // (not in place of one the person opened: a terminal's import is not what they are reading)
    if (ended.toShow !== undefined && this.shown.detail === undefined) void this.shown.show(ended.toShow);
  }
}
