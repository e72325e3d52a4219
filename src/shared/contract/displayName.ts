// The name a person gives a dataset, a model or a run: trimmed, not empty, at most 200
// characters, on one line (a line break or tab broke the CLI's tables), the same rule
// everywhere so the screens and the CLI say the same thing.

import { z } from 'zod';
import { ApiError } from '../errors';
import { clipText } from '../format';

/** A C0 control character (line breaks and tabs included) or DEL. */
const isControl = (char: string): boolean => char.charCodeAt(0) < 0x20 || char.charCodeAt(0) === 0x7f;

/** Whether `text` holds a control character (isControl). */
export function hasControlCharacter(text: string): boolean {
  for (const char of text) if (isControl(char)) return true;
  return false;
}

/** The longest name, in UTF-16 units. */
export const DISPLAY_NAME_MAX = 200;

export const displayNameSchema = z
  .string()
  .trim()
  .min(1, 'a name cannot be empty')
  .max(DISPLAY_NAME_MAX, `a name may have at most ${DISPLAY_NAME_MAX} characters`)
  .refine((name) => !hasControlCharacter(name), 'a name cannot hold line breaks, tabs or other control characters');

/**
 * A name given where one may be left out (an import's --name): undefined stays undefined,
 * anything else is checked as displayNameSchema checks it, an invalid_argument naming the rule.
 * For the services the CLI calls directly; the contract's schemas check the app's calls.
 */
export function optionalDisplayName(name: string | undefined): string | undefined {
  if (name === undefined) return undefined;
  const parsed = displayNameSchema.safeParse(name);
  if (parsed.success) return parsed.data;
  throw new ApiError('invalid_argument', `name: ${parsed.error.issues[0].message}`);
}

/**
 * The default name of something imported from `fileName` (a file's or folder's last part), held
 * to the same rule as a given one: control characters (a name can hold a line break or an
 * escape sequence that would reach a terminal) become spaces, runs of spaces one, and a name
 * too long is cut with an ellipsis; `fallback` when nothing is left.
 */
export function nameFromFile(fileName: string, fallback: string): string {
  let name = '';
  for (const char of fileName) name += isControl(char) ? ' ' : char;
  name = name.replace(/ {2,}/g, ' ').trim();
  name = clipText(name, DISPLAY_NAME_MAX);
  return name === '' ? fallback : name;
}
