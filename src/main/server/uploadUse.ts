// Which open uploads are in use, and the removal of one its page has left (upload.ts). An upload
// is in use while a chunk of it is being written or a call reads it (a `datasets.import` of its
// paths: Uploads.whileReading). The page that sent it deletes it once its import has ended; a page
// closed or reloaded first never does. So an upload that nothing uses for `idleMs` is removed,
// and one whose reading call ended after its page went (the call's signal aborted: its socket
// closed) is removed at once. Never while in use: an import reads the files to its end.

import path from 'node:path';
import { isStrictlyWithin } from '../pathWithin';

/** Runs `run` after `ms`; returns what stops it from running. */
export type Schedule = (run: () => void, ms: number) => () => void;

/** A timer that does not keep the process alive (a server stopping does not wait for it). */
const unrefTimer: Schedule = (run, ms) => {
  const timer = setTimeout(run, ms);
  timer.unref();
  return () => clearTimeout(timer);
};

interface Use {
  /** Chunks being written and calls reading it, now. */
  users: number;
  /** Stops the removal set for when it has gone unused for idleMs. */
  stopTimer?: () => void;
}

/** Ends one use; `isPageGone`: the page that used it has gone (its socket closed meanwhile). */
export type EndUse = (isPageGone?: boolean) => void;

export class UploadUse {
  private readonly uses = new Map<string, Use>();

  /**
   * `remove` takes an upload away (called once per upload, never while it is in use);
   * `idleMs` undefined: an unused upload is kept (a server that does not report the calls that
   * read uploads cannot tell one an import reads from one its page has left).
   */
  constructor(
    private readonly idleMs: number | undefined,
    private readonly remove: (id: string) => void,
    private readonly schedule: Schedule = unrefTimer,
  ) {}

  /** Counts one more use of upload `id` until the EndUse returned is called (once; more calls do nothing). */
  begin(id: string): EndUse {
    const use = this.uses.get(id) ?? { users: 0 };
    use.stopTimer?.();
    use.stopTimer = undefined;
    use.users++;
    this.uses.set(id, use);
    let isEnded = false;
    return (isPageGone = false) => {
      if (isEnded) return;
      isEnded = true;
      // Removed meanwhile (cancelled, deleted after its import, the server stopping).
      if (this.uses.get(id) !== use) return;
      use.users--;
      if (use.users > 0 || this.idleMs === undefined) return;
      if (isPageGone) this.removeNow(id);
      else use.stopTimer = this.schedule(() => this.removeNow(id), this.idleMs);
    };
  }

  /** Stops tracking upload `id` (it is being removed otherwise): no removal of it is made from here. */
  forget(id: string): void {
    this.uses.get(id)?.stopTimer?.();
    this.uses.delete(id);
  }

  private removeNow(id: string): void {
    this.forget(id);
    this.remove(id);
  }
}

/**
 * The uploads (ids of folders in `root`) a call's `args` name by their paths: the strings among
 * its fields, and in lists in them (`datasets.import`'s paths), that lie inside an upload.
 */
export function uploadsNamedIn(args: unknown, root: string): string[] {
  if (typeof args !== 'object' || args === null) return [];
  const ids = new Set<string>();
  for (const value of Object.values(args)) {
    for (const item of Array.isArray(value) ? (value as unknown[]) : [value]) {
      if (typeof item !== 'string' || !path.isAbsolute(item) || !isStrictlyWithin(item, root)) continue;
      ids.add(path.relative(root, item).split(path.sep)[0]);
    }
  }
  return [...ids];
}
