// A run's address in the UI: the Train screen showing that run. The page keeps it in its hash
// while the run is shown (a reload or a bookmark opens it again), and `spanfill demo --serve`
// prints a link to the run it trained with it; lib/routes.ts finds the screen of any hash.

/** The hash of the Train screen showing this run: `#/train/r-1a2b3c4d`. */
export function runHash(runId: string): string {
  return `#/train/${encodeURIComponent(runId)}`;
}

/** The run an address names (runHash), if any; a malformed one names none. */
export function runFromHash(hash: string): string | undefined {
  const encoded = /^#\/?train\/([^/]+)\/?$/.exec(hash)?.[1];
  if (encoded === undefined) return undefined;
  try {
    return decodeURIComponent(encoded);
  } catch {
    return undefined;
  }
}
