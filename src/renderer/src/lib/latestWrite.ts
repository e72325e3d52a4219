// A value written to the server as it changes (the Playground's screen as it is left, on every
// keystroke of its prompt): one write at a time, and a value that changes while a write is out
// waits for it and then goes as the latest, skipping any between. Writes never cross on the way
// and never pile up behind a slow server, and the last value always goes.

export class LatestWrite<T> {
  private pending: { readonly value: T } | undefined;
  private draining: Promise<void> | undefined;

  constructor(
    private readonly write: (value: T) => Promise<unknown>,
    /** Called with each failed write's error; the next value is still written. */
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Queues `value` as the next to write (replacing one queued earlier); resolves once it is written or failed. */
  set(value: T): Promise<void> {
    this.pending = { value };
    this.draining ??= this.drain();
    return this.draining;
  }

  private async drain(): Promise<void> {
    try {
      for (let next = this.pending; next !== undefined; next = this.pending) {
        this.pending = undefined;
        try {
          await this.write(next.value);
        } catch (error) {
          this.onError(error);
        }
      }
    } finally {
      // In the same turn as the loop's last look at `pending`: a set() after it starts a new drain.
      this.draining = undefined;
    }
  }
}
