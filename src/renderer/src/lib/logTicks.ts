// Where a logarithmic chart axis puts its ticks: at 1, 2 and 5 times a power of ten when that
// gives three or more inside the range, else at every whole multiple (1…9) of one, so that a
// loss between 1.7 and 6.9 reads 2, 3, 4, 5, 6 rather than one tick at an edge value.

const MANTISSAS = [[1], [1, 2, 5], [1, 2, 3, 4, 5, 6, 7, 8, 9]] as const;

/** Tick values in [min, max] (both > 0), ascending; the densest set when none has three. */
export function logTicks(min: number, max: number): number[] {
  if (!(min > 0 && max >= min)) return [];
  let ticks: number[] = [];
  for (const mantissas of MANTISSAS) {
    ticks = [];
    for (let exponent = Math.floor(Math.log10(min)); exponent <= Math.ceil(Math.log10(max)); exponent++) {
      for (const mantissa of mantissas) {
        const value = Number((mantissa * 10 ** exponent).toPrecision(12));
        if (value >= min && value <= max) ticks.push(value);
      }
    }
    if (ticks.length >= 3) return ticks;
  }
  return ticks;
}
