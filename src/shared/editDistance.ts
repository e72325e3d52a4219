// Levenshtein distance: the fewest single-character insertions, deletions and substitutions
// that turn one string into the other. Used to score the demo's fills and to suggest the
// nearest name for a mistyped command-line option.
// Reference: V. I. Levenshtein, "Binary codes capable of correcting deletions, insertions and
// reversals", Soviet Physics Doklady 10(8), 1966; the two-row dynamic programme.

/** Edit distance over UTF-16 units. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const substitution = previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(substitution, previous[j] + 1, current[j - 1] + 1));
    }
    previous = current;
  }
  return previous[b.length];
}
