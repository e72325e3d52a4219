// Lists that reload while an earlier reload is still out (a screen opening as an import ends,
// two actions in a row): their answers may come back in either order, and an older answer
// must not overwrite a newer one. One Newest per list; each reload asks it whether it is
// still the newest before writing.

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
