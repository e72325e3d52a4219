// A number box's own check, said under it as the value is typed (NumberField): the words the
// contract uses when it refuses the same value (contract/issues.ts), so the box and a refused
// call say one thing.

export interface NumberRange {
  readonly min?: number;
  readonly max?: number;
  /** Whole numbers only (a box that steps by 1). */
  readonly isWhole?: boolean;
  /** An empty box is a value of its own (Example number: blank, the seed picks one). */
  readonly isOptional?: boolean;
}

/** How an empty number box is said: "Batch size needs a number" (the Train form's messages end so too). */
export const NEEDS_A_NUMBER = ' needs a number';

/**
 * What is wrong with `value` for the box called `name`, or undefined when nothing is.
 * `isUnreadable`: the box holds text the browser cannot read as a finite number (1e400, which
 * overflows, or a lone "e"; its validity.badInput). The page gets no value for it, as for an
 * empty box, nor the text, so its bounds are said rather than "needs a number".
 */
export function numberProblem(
  name: string,
  value: number | null | undefined,
  range: NumberRange,
  isUnreadable = false,
): string | undefined {
  if (value === null || value === undefined || Number.isNaN(value)) {
    if (isUnreadable) return unreadableProblem(name, range);
    return range.isOptional ? undefined : `${name}${NEEDS_A_NUMBER}`;
  }
  if (range.isWhole && !Number.isInteger(value)) return `${name} must be a whole number`;
  if (range.min !== undefined && value < range.min) return `${name} must be ≥ ${range.min}`;
  if (range.max !== undefined && value > range.max) return `${name} must be ≤ ${range.max}`;
  return undefined;
}

function unreadableProblem(name: string, { min, max }: NumberRange): string {
  if (min !== undefined && max !== undefined) return `${name} must be a number from ${min} to ${max}`;
  if (min !== undefined) return `${name} must be a number ≥ ${min}`;
  if (max !== undefined) return `${name} must be a number ≤ ${max}`;
  return `${name}${NEEDS_A_NUMBER}`;
}
