// Rows that another process on the same data directory adds, changes or deletes — datasets a
// `spanfill import` in a terminal writes, models a `spanfill models pull` registers — seen by
// reading their id, status and name every interval and comparing with the last look. What
// changed is said through the announcer (datasetsWatch.ts and modelsWatch.ts send the events the
// service sends for its own work); what the store held when watching began is known already, and
// so is what this process's services announced themselves (heard through `listen`), so a rename or
// removal made here is not said a second time at the next look. What a list answer shows a page
// is a look too (listedRows.ts), so the removal of a row a page was shown is always said.

import { goneFrom, pollEvery } from './pollEvery';

/** One row as a watcher reads it. */
export interface RowState {
  readonly id: string;
  readonly status: string;
  readonly name: string;
}

export interface RowAnnouncer<S extends RowState> {
  /** A row not seen before, or whose status changed. */
  readonly status: (row: S) => void;
  /** A row seen before under another name. */
  readonly renamed: (row: S) => void;
  /** A row seen before and gone now. */
  readonly removed: (id: string) => void;
}

/** A change this process announced itself: a row's new status or name, or its removal. */
export type HeardChange = { readonly status?: string; readonly name?: string } | 'removed';

/** Subscribes `heard` to what this process announces; returns the unsubscribe. */
export type RowsListen = (heard: (id: string, change: HeardChange) => void) => () => void;

/** Hands `look` every list of the rows answered (listedRows.ts watchListed); returns the undo. */
export type RowsListed<S extends RowState> = (look: (rows: readonly S[]) => void) => () => void;

export class RowsWatcher<S extends RowState> {
  /** What was last said or heard of each row (a name not known yet: undefined). */
  private readonly seen = new Map<string, { status?: string; name?: string }>();
  private timer: NodeJS.Timeout | undefined;
  private unlisten: (() => void) | undefined;
  private unwatchLists: (() => void) | undefined;

  constructor(
    private readonly read: () => readonly S[],
    private readonly say: RowAnnouncer<S>,
    private readonly listen?: RowsListen,
    private readonly lists?: RowsListed<S>,
  ) {}

  /** Takes what the store holds now as known, then looks again every `intervalMs`. */
  start(intervalMs = 1000): void {
    if (this.timer) return;
    for (const { id, status, name } of this.read()) this.seen.set(id, { status, name });
    this.unlisten = this.listen?.((id, change) => this.heard(id, change));
    this.unwatchLists = this.lists?.((rows) => this.look(rows));
    this.timer = pollEvery(intervalMs, () => this.poll());
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.unlisten?.();
    this.unlisten = undefined;
    this.unwatchLists?.();
    this.unwatchLists = undefined;
  }

  /** What this process announced itself: known, so the next look does not say it again. */
  heard(id: string, change: HeardChange): void {
    if (change === 'removed') this.seen.delete(id);
    else this.seen.set(id, { ...this.seen.get(id), ...change });
  }

  /** One look at the store (the timer's; tests call it directly). */
  poll(): void {
    this.look(this.read());
  }

  /** One look at `rows`, every row there is: read by poll, or answered by a list. */
  private look(rows: readonly S[]): void {
    for (const row of rows) {
      const seen = this.seen.get(row.id);
      this.seen.set(row.id, { status: row.status, name: row.name });
      if (seen?.name !== undefined && seen.name !== row.name) this.say.renamed(row);
      if (seen?.status !== row.status) this.say.status(row);
    }
    for (const id of goneFrom(this.seen, rows)) this.say.removed(id);
  }
}
