// Reads that overlap: their answers may come back in either order.
// - Newest: only the last read started may write (what is shown follows what was last asked
//   for: a run opened, a selection). A read started later outdates every earlier one at once.
// - LatestWritten: the same list read again (a screen opening as an import ends, an event
//   saying the list changed): any answer beats none, so each is written unless an answer of a
//   read started after it was written already. With Newest a list whose reads an event keeps
//   restarting, or whose last read fails (the server gone), would never be filled.

export class Newest {
  private latest = 0;

  /** Starts a reload; the check it returns says whether no later reload has started since. */
  begin(): () => boolean {
    const seq = ++this.latest;
    return () => seq === this.latest;
  }

  /** A check that no reload has started since now, for a write that is not a reload of its own. */
  unchanged(): () => boolean {
    const seq = this.latest;
    return () => seq === this.latest;
  }
}

/** One read of a LatestWritten list. */
export interface ListRead {
  /** Whether its answer may be written (no later read's was); true marks it written. */
  claim(): boolean;
  /** Whether no later read has started (the one whose end ends "loading"). */
  isLatest(): boolean;
}

export class LatestWritten {
  private started = 0;
  private written = 0;

  begin(): ListRead {
    const seq = ++this.started;
    return {
      claim: () => {
        if (seq < this.written) return false;
        this.written = seq;
        return true;
      },
      isLatest: () => seq === this.started,
    };
  }
}
