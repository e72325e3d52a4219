// A number box's own check, said under it as the value is typed (NumberField): the words the
// contract uses when it refuses the same value (contract/issues.ts), so the box and a refused
// call say one thing.

export interface NumberRange {
  readonly min?: number;
  readonly max?: number;
  /** Whole numbers only (a box that steps by 1). */
  readonly isWhole?: boolean;
}

/** What is wrong with `value` for the box called `name`, or undefined when nothing is. */
export function numberProblem(name: string, value: number | null | undefined, range: NumberRange): string | undefined {
  if (value === null || value === undefined || Number.isNaN(value)) return `${name} needs a number`;
  if (range.isWhole && !Number.isInteger(value)) return `${name} must be a whole number`;
  if (range.min !== undefined && value < range.min) return `${name} must be ≥ ${range.min}`;
  if (range.max !== undefined && value > range.max) return `${name} must be ≤ ${range.max}`;
  return undefined;
}
