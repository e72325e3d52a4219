// The number of elements of a tensor of a given shape: the product of its dimensions, 1 for a
// scalar (the empty shape) and 0 when any dimension is 0; and how many equal slices a
// dimension can be cut into.

/** Elements in a tensor of `shape` (every dimension a whole number ≥ 0). */
export function elementCount(shape: readonly number[]): number {
  let count = 1;
  for (const d of shape) count *= d;
  return count;
}

/**
 * The most equal slices, at most `limit`, that `n` (a whole number ≥ 1) splits into: its largest
 * divisor ≤ limit, and 1 when limit < 1.
 */
export function mostSlices(n: number, limit: number): number {
  for (let slices = Math.min(Math.floor(limit), n); slices > 1; slices--) if (n % slices === 0) return slices;
  return 1;
}
