// The imports this process runs (DatasetService): each one's abort switch, and a promise that
// settles when it has, so that a cancel, or the app closing the store, waits (at most
// CANCEL_WAIT_MS) for an aborted import to delete its row.

/** How long cancelImport / cancelAll wait for an aborted import to delete its row. */
const CANCEL_WAIT_MS = 5000;

/** A running import: its abort switch, and a promise that settles (never rejects) when it has. */
interface RunningImport {
  readonly controller: AbortController;
  readonly settled: Promise<void>;
}

export class RunningImports {
  private readonly running = new Map<string, RunningImport>();

  /** How many imports run now. */
  get size(): number {
    return this.running.size;
  }

  /** Import `id`, which `controller` aborts, runs as `work` until deleted. */
  add(id: string, controller: AbortController, work: Promise<unknown>): void {
    const settled = work.then(
      () => undefined,
      () => undefined,
    );
    this.running.set(id, { controller, settled });
  }

  delete(id: string): void {
    this.running.delete(id);
  }

  /** Aborts import `id` and resolves once it has settled, or CANCEL_WAIT_MS passed; undefined when it does not run here. */
  abort(id: string): Promise<void> | undefined {
    const running = this.running.get(id);
    if (running === undefined) return undefined;
    running.controller.abort();
    return settledWithin([running.settled], CANCEL_WAIT_MS);
  }

  /** Aborts every import and resolves once they have settled, or CANCEL_WAIT_MS passed. */
  abortAll(): Promise<void> {
    const all = [...this.running.values()];
    for (const { controller } of all) controller.abort();
    return settledWithin(
      all.map(({ settled }) => settled),
      CANCEL_WAIT_MS,
    );
  }
}

/** Resolves when every promise has settled or `ms` have passed, whichever is first. */
async function settledWithin(promises: readonly Promise<void>[], ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)));
  try {
    await Promise.race([Promise.all(promises), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
