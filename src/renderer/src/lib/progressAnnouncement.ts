// What a polite live region says of long work with a progress bar (an upload, an import, a Hub
// download, tokenizing a dataset, an export): its start, each quarter reached, and its end once
// all of it is done — never each chunk, so a screen reader hears a few lines where the bar moves
// thousands of times. The bar, the byte counts and Cancel stay on screen, outside the region.
// Work that stops short (cancelled, failed) is said by the screen's own message, not here.
// Work done within a second (a small file's upload and import) says nothing here at all: its
// start, quarters and end would come five at once, and a screen reader drops or cuts most of
// them; the screen's own message of what it did ("Imported …") is the one line heard.
// (The Train screen's run-announcement does the same for a run: lib/runAnnouncement.ts.)

/** Work in progress: what runs, in words ("Uploading notes.txt"), and how far it has come. */
export interface Progress {
  readonly what: string;
  readonly done: number;
  /** Unknown (null) or not yet known (0): only the start is said. */
  readonly total: number | null;
}

/** How long work runs before the region says anything of it (less: only the screen's own message is heard). */
export const QUIET_MS = 1000;

/**
 * What the region said last: of which work, since when (ms, the clock `announceProgress` is given),
 * whether anything of it was said yet, and the quarter reached then (0 its start, 4 all done).
 */
export interface Said {
  readonly what: string;
  readonly since: number;
  readonly isHeard: boolean;
  readonly quarter: number;
}

/** The quarters of `progress` done: 0 to 4 (4: all of it); 0 while its total is unknown. */
export function quartersDone(progress: Progress): number {
  if (progress.total === null || progress.total <= 0) return 0;
  return Math.max(0, Math.min(4, Math.floor((4 * progress.done) / progress.total)));
}

/** The region's text and what it has said, once `now` follows what was `said`. */
export interface Announcement {
  readonly said: Said | undefined;
  /** The region's new text ('' clears it, for the next start to be heard); undefined: keep it. */
  readonly text: string | undefined;
  /** Ask again in this many ms, with no new progress: the work's quiet first second ends then. */
  readonly wakeInMs?: number;
}

/**
 * What to say now (`at`, in ms): once other work has run QUIET_MS, its start (quarters passed
 * meanwhile are not said); then each quarter beyond the last said (the total may grow, as a
 * download's does: a quarter is said once), `what: done.` once all is done; nothing meanwhile.
 * Work that ends within its quiet time says nothing.
 */
export function announceProgress(said: Said | undefined, now: Progress | undefined, at: number): Announcement {
  if (!now) return { said: undefined, text: said?.isHeard ? '' : undefined };
  const quarter = quartersDone(now);
  if (said?.what !== now.what) {
    return { said: { what: now.what, since: at, isHeard: false, quarter }, text: undefined, wakeInMs: QUIET_MS };
  }
  if (!said.isHeard) {
    const quietLeft = said.since + QUIET_MS - at;
    if (quietLeft > 0) return { said: { ...said, quarter }, text: undefined, wakeInMs: quietLeft };
    // (done as its quiet time ended: the screen's own message says so)
    if (quarter === 4) return { said: { ...said, quarter }, text: undefined };
    return { said: { ...said, isHeard: true, quarter }, text: `${now.what}…` };
  }
  if (quarter <= said.quarter) return { said, text: undefined };
  return {
    said: { ...said, quarter },
    text: quarter === 4 ? `${now.what}: done.` : `${now.what}: ${25 * quarter} %.`,
  };
}

/** A dataset's tokens counted into its cache (the Masking preview, the Train estimate, Count tokens). */
export function tokenizingProgress(counted: { readonly done: number; readonly total: number | null }): Progress {
  return { what: 'Tokenizing the dataset for this tokenizer', done: counted.done, total: counted.total };
}
