// Option parsing that several commands share, on top of CommandContext's string/flag/integer.

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
