// Option parsing that several commands share: choices, numbers (CommandContext's integer reads
// through numberOption too, so every number flag of every command is read one way), and
// contract checks.

import type { z } from 'zod';
import { contractMessages } from '../../shared/contract/issues';
import { UsageError } from './command';

/**
 * `raw` when it is one of `choices`; undefined when the flag was not given; otherwise a usage
 * error naming --`name` and the choices.
 */
export function choiceOption<T extends string>(
  name: string,
  raw: string | undefined,
  choices: readonly T[],
): T | undefined {
  return raw === undefined ? undefined : oneOf(`--${name}`, raw, choices);
}

/** `raw` when it is one of `choices`, else a usage error naming `what` (a flag, a setting) and the choices. */
export function oneOf<T extends string>(what: string, raw: string, choices: readonly T[]): T {
  if (!(choices as readonly string[]).includes(raw))
    throw new UsageError(`${what} must be one of: ${choices.join(', ')}; got '${raw}'`);
  return raw as T;
}

/** A decimal number as people write one (2, -0.5, .5, 1e-3). */
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;
/** A whole number: digits (after a minus sign for a negative one), no '+', no point, no exponent. */
const WHOLE = /^-?\d+$/;

export interface NumberRule {
  /** The accepted range, named in the refusal. */
  readonly range?: { readonly min: number; readonly max: number };
  /** Digits only: an integer flag (a port, a seed, a count). */
  readonly isWhole?: boolean;
}

/** `raw` as a number when it is written as one (digits only when `isWhole`), else undefined. */
export function numberText(raw: string, isWhole = false): number | undefined {
  const value = Number(raw);
  return (isWhole ? WHOLE : DECIMAL).test(raw) && Number.isFinite(value) ? value : undefined;
}

/**
 * `--name`'s value `raw` as a number, or undefined when the flag was not given; a usage error
 * naming the flag, what it takes and the value otherwise. NOTE: Number() alone reads '' and
 * '  ' as 0, and takes ' 5', '0x10', '0b1' and 'Infinity': `--seed ""` was seed 0 and
 * `--port 0x4975` port 18805, so the text must look like a number first.
 */
export function numberOption(
  name: string,
  raw: string | undefined,
  { range, isWhole = false }: NumberRule = {},
): number | undefined {
  if (raw === undefined) return undefined;
  const value = numberText(raw, isWhole);
  if (value !== undefined && (range === undefined || (value >= range.min && value <= range.max))) return value;
  const what = `${isWhole ? 'an integer' : 'a number'}${range ? ` from ${range.min} to ${range.max}` : ''}`;
  throw new UsageError(`--${name} must be ${what}, got '${raw}'`);
}

/**
 * The values a bounded number schema takes, as an interval: "(0, 0.5]" for gt(0).max(0.5), "[1, 64]"
 * for min(1).max(64); each end's bracket by whether the schema takes that end.
 */
export function intervalText(schema: z.ZodNumber): string {
  const { minValue: min, maxValue: max } = schema;
  if (min === null || max === null) throw new Error('intervalText needs a schema bounded on both ends');
  const takes = (value: number): boolean => schema.safeParse(value).success;
  return `${takes(min) ? '[' : '('}${min}, ${max}${takes(max) ? ']' : ')'}`;
}

/**
 * A call's arguments checked with its contract schema before the call, so a refusal reads in
 * the command's words: the first issue's message alone ("a name cannot be empty"), a field
 * named as the command names it (`names`: cpuThreads → threads), not "Invalid argument for
 * system.saveSettings: field 'cpuThreads': …" as the dispatcher words it for any caller.
 */
export function checkedArgs(schema: z.ZodType, args: unknown, names: Readonly<Record<string, string>> = {}): void {
  const parsed = schema.safeParse(args, { error: contractMessages });
  if (parsed.success) return;
  const message = parsed.error.issues[0].message.replace(/^Invalid input: /, '');
  const field = Object.keys(names).find((name) => message.startsWith(name));
  throw new UsageError(field === undefined ? message : names[field] + message.slice(field.length));
}
