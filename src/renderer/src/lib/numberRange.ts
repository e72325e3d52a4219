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

/** A whole number as the CLI's whole-number flags take it: digits, after a minus sign for a negative one. */
const WHOLE_TEXT = /^-?\d+$/;

/**
 * The number a box's text gives, as the page keeps it: null for an empty box (and for text the
 * browser cannot read, which it gives the page as empty); in a whole-number box (`isWhole`), NaN
 * for text not written in digits (1e3, which the browser reads as 1000; 1.0), as the CLI's
 * whole-number flags refuse it, so that every check of the value (a form's schema, its Start)
 * refuses it too; else the number the browser reads.
 */
export function boxNumber(text: string, isWhole: boolean): number | null {
  const trimmed = text.trim();
  if (trimmed === '') return null;
  return isWhole && !WHOLE_TEXT.test(trimmed) ? Number.NaN : Number(trimmed);
}

/**
 * What is wrong with `value` for the box called `name`, or undefined when nothing is.
 * `isUnreadable`: the box holds text the browser cannot read as a finite number (1e400, which
 * overflows, or a lone "e"; its validity.badInput). The page gets no value for it, as for an
 * empty box, nor the text, so its bounds are said rather than "needs a number". In a
 * whole-number box NaN is text not written in digits (boxNumber): said as not a whole number.
 */
export function numberProblem(
  name: string,
  value: number | null | undefined,
  range: NumberRange,
  isUnreadable = false,
): string | undefined {
  if (range.isWhole && Number.isNaN(value)) return `${name} must be a whole number`;
  if (value === null || value === undefined || Number.isNaN(value)) {
    if (isUnreadable) return unreadableProblem(name, range);
    return range.isOptional ? undefined : `${name}${NEEDS_A_NUMBER}`;
  }
  if (range.isWhole && !Number.isInteger(value)) return `${name} must be a whole number`;
  if (range.min !== undefined && value < range.min) return `${name} must be ≥ ${boundText(range.min, name)}`;
  if (range.max !== undefined && value > range.max) return `${name} must be ≤ ${boundText(range.max, name)}`;
  return undefined;
}

/**
 * A form's `error` for a box (its schema's, which sees the value only: "Steps needs a number" for
 * null or NaN) as the box makes it, where the box holds text: not a whole number (NaN in a
 * whole-number box), or its bounds (text the browser cannot read). Else the error as it is.
 */
export function inBoxWords(
  error: string | undefined,
  value: number | null,
  range: NumberRange,
  isUnreadable = false,
): string | undefined {
  if (!error?.endsWith(NEEDS_A_NUMBER)) return error;
  return numberProblem(error.slice(0, -NEEDS_A_NUMBER.length), value, range, isUnreadable) ?? error;
}

/**
 * A bound as the screens write counts: a whole number from 1,000 on with thousands separators
 * ("Steps must be ≤ 100,000,000"), except a seed's (`field`: a label or a schema key ending in
 * seed), a name rather than an amount (formatSetting writes a seed so too); else as it is.
 */
function boundText(bound: number, field: string): string {
  return Number.isSafeInteger(bound) && !/seed$/i.test(field) ? bound.toLocaleString('en') : String(bound);
}

/** `message` (a field's refusal in the contract's words: "Steps must be ≤ 100000000") with its bounds as boundText writes them. */
export function withShownBounds(message: string, field: string): string {
  return message.replace(
    /([≤≥<>]) (-?\d+)\b(?![.\d])/g,
    (_bound, sign: string, digits: string) => `${sign} ${boundText(Number(digits), field)}`,
  );
}

function unreadableProblem(name: string, range: NumberRange): string {
  const min = range.min === undefined ? undefined : boundText(range.min, name);
  const max = range.max === undefined ? undefined : boundText(range.max, name);
  if (min !== undefined && max !== undefined) return `${name} must be a number from ${min} to ${max}`;
  if (min !== undefined) return `${name} must be a number ≥ ${min}`;
  if (max !== undefined) return `${name} must be a number ≤ ${max}`;
  return `${name}${NEEDS_A_NUMBER}`;
}
