// The number of elements of a tensor of a given shape: the product of its dimensions, 1 for a
// scalar (the empty shape) and 0 when any dimension is 0.

/** Elements in a tensor of `shape` (every dimension a whole number ≥ 0). */
export function elementCount(shape: readonly number[]): number {
  let count = 1;
  for (const d of shape) count *= d;
  return count;
}
