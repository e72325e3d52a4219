// A look at the store every interval, for the watchers of what other processes write
// (runsWatch.ts, datasetsWatch.ts): it does not keep the process alive, and a look that throws
// (a busy or briefly locked store) is simply made again by the next one.

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
