// Option parsing that several commands share, on top of CommandContext's string/flag/integer.

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
