// What a list answer shows a page (models.list, datasets.list, runs.list), handed first to the
// watcher of other processes' writes to those rows (rowsWatch.ts, runsWatch.ts), as a look of
// its own: a list reads the store itself, so a row another process added since the watcher's
// last look would be shown to the page without the watcher knowing it, and if that process removed
// it again before the next look, the next look would see no difference and the page would never
// hear it was gone. Taken as a look, the list's rows are known to the watcher (what it found new
// or changed in them is announced before the answer goes), and a later removal is a difference.
// Keyed by the rows' repository, the one object the list handler and its watcher both hold.

/** A watcher's look, at rows of the type its list answers (watchListed's R). */
type Look = (rows: readonly unknown[]) => void;

const looks = new WeakMap<object, Look>();

/**
 * While a watcher watches the rows of `source` (their repository), each list of them is handed to
 * `look` before it is answered; returns the undo (the watcher stopped).
 */
export function watchListed<R>(source: object, look: (rows: readonly R[]) => void): () => void {
  looks.set(source, look as Look);
  return () => {
    if (looks.get(source) === (look as Look)) looks.delete(source);
  };
}

/** `rows`, every row `source` holds as a list answers them, once its watcher (if one watches) has looked at them. */
export function listed<R>(source: object, rows: R[]): R[] {
  try {
    looks.get(source)?.(rows);
  } catch {
    // (The store busy for a moment: the list is answered all the same; the timer's look reads again.)
  }
  return rows;
}
