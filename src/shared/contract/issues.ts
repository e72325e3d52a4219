// The contract's words for a value out of its bounds. Zod's own ("Too small: expected number
// to be >=1") reached people as is wherever a schema had no message of its own: under the Train
// form's Batch size box, after `spanfill train --batch-size 0`, in a call's error. Every parse
// of contract input passes `contractMessages` so those say "batchSize must be ≥ 1" instead, as
// the schemas' own messages do ("lr must be > 0"); a schema's own message still comes first.
// Those messages name a field as the schema does; renameFields lets a caller say it in its own
// words (a CLI flag, a screen's label).

import type { z } from 'zod';
import { clipText } from '../format';

type Issue = z.core.$ZodRawIssue;

/** The field an issue is about: the last name in its path ("the value" at the top level). */
function fieldOf(issue: Issue): string {
  const names = (issue.path ?? []).filter((part): part is string => typeof part === 'string');
  return names.at(-1) ?? 'the value';
}

function numberBound(issue: Issue, field: string): string | undefined {
  if (issue.code === 'too_small') return `${field} must be ${issue.inclusive ? '≥' : '>'} ${String(issue.minimum)}`;
  if (issue.code === 'too_big') return `${field} must be ${issue.inclusive ? '≤' : '<'} ${String(issue.maximum)}`;
  return undefined;
}

function lengthBound(issue: Issue, field: string, unit: string): string | undefined {
  if (issue.code === 'too_small') {
    const least = Number(issue.minimum);
    return least === 1 && unit === 'characters'
      ? `${field} must not be empty`
      : `${field} needs at least ${least} ${least === 1 ? unit.replace(/s$/, '') : unit}`;
  }
  if (issue.code === 'too_big') return `${field} may have at most ${String(issue.maximum)} ${unit}`;
  return undefined;
}

/** What an empty number box sends: nothing, null or NaN. */
const isNothing = (input: unknown): boolean =>
  input === undefined || input === null || (typeof input === 'number' && Number.isNaN(input));

/** A value that is not one of an enum's: "masking must be one of: packed, per-document; got 'packd'". */
function choiceMessage(issue: Issue & { code: 'invalid_value' }, field: string): string {
  const got = typeof issue.input === 'string' ? `; got '${clipText(issue.input, 80)}'` : '';
  return `${field} must be one of: ${issue.values.map(String).join(', ')}${got}`;
}

/**
 * A zod error map (pass as `schema.safeParse(value, { error: contractMessages })`): bounds on
 * numbers, text lengths and list lengths, a value outside an enum's, no number where one is
 * needed and a fraction where a whole number is, in words that name the field; undefined (zod's
 * own message) for anything else.
 */
export function contractMessages(issue: Issue): string | undefined {
  if (issue.code === 'invalid_value') return choiceMessage(issue, fieldOf(issue));
  if (issue.code === 'invalid_type' && issue.expected === 'number' && isNothing(issue.input))
    return `${fieldOf(issue)} needs a number`;
  // zod's "expected int, received number" for 2.5 where a count belongs.
  if (issue.code === 'invalid_type' && issue.expected === 'int' && typeof issue.input === 'number')
    return `${fieldOf(issue)} must be a whole number`;
  if (issue.code !== 'too_small' && issue.code !== 'too_big') return undefined;
  const field = fieldOf(issue);
  if (issue.origin === 'number' || issue.origin === 'int' || issue.origin === 'bigint')
    return numberBound(issue, field);
  if (issue.origin === 'string') return lengthBound(issue, field, 'characters');
  if (issue.origin === 'array' || issue.origin === 'set') return lengthBound(issue, field, 'items');
  return undefined;
}

/**
 * `message` with each camelCase word in it ("maxSteps", "stepsPerCall": a field as the schema
 * names it) replaced by `rename(word, offset)`; a word it answers undefined for stays. Plain
 * one-word fields ("lr", "tokenizer") look like any other word, so callers rename those only
 * where they open a message, each by its own rule.
 */
export function renameFields(message: string, rename: (word: string, offset: number) => string | undefined): string {
  return message.replace(/\b[a-z]+[A-Z][A-Za-z]*\b/g, (word, offset: number) => rename(word, offset) ?? word);
}
