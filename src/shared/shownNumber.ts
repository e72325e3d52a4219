// Document and example numbers as people see and type them: counted from 1, so the first
// document is 1 ("#1", "1 of 3"). The contract's ordinals and indices (a dataset document's
// `ordinal`, a masking preview's `example`) count from 0 and stay so on the wire and in --json;
// the screens, the CLI's text and flags, and messages for people convert with these two.

/** The number a person sees for the 0-based ordinal or index `index`. */
export function shownNumber(index: number): number {
  return index + 1;
}

/** The 0-based ordinal or index of `shown`, a number as a person sees (and types) it. */
export function indexOfShown(shown: number): number {
  return shown - 1;
}
