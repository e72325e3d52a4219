// What the watchers of other processes' writes (runsWatch.ts, rowsWatch.ts) share: a look
// at the store every interval — it does not keep the process alive, and a look that throws (a
// busy or briefly locked store) is simply made again by the next one — and finding the rows that
// were there at the last look and are gone now.

export function pollEvery(intervalMs: number, look: () => void): NodeJS.Timeout {
  const timer = setInterval(() => {
    try {
      look();
    } catch {
      // The next look reads the store again; nothing is lost in between.
    }
  }, intervalMs);
  timer.unref();
  return timer;
}

/** The ids `seen` holds that `now` lacks (removed since the last look); they are forgotten. */
export function goneFrom(seen: Map<string, unknown>, now: readonly { readonly id: string }[]): string[] {
  const present = new Set(now.map((row) => row.id));
  const gone = [...seen.keys()].filter((id) => !present.has(id));
  for (const id of gone) seen.delete(id);
  return gone;
}
