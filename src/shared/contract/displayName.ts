// The name a person gives a dataset, a model or a run: trimmed, not empty, at most 200
// characters, on one line (a line break or tab broke the CLI's tables), the same rule
// everywhere so the screens and the CLI say the same thing.

import { z } from 'zod';
import { ApiError } from '../errors';

/** Whether `text` holds a C0 control character (line breaks and tabs included) or DEL. */
export function hasControlCharacter(text: string): boolean {
  for (const char of text) if (char.charCodeAt(0) < 0x20 || char.charCodeAt(0) === 0x7f) return true;
  return false;
}

export const displayNameSchema = z
  .string()
  .trim()
  .min(1, 'a name cannot be empty')
  .max(200)
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
