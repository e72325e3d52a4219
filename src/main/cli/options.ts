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
  if (raw === undefined) return undefined;
  if (!(choices as readonly string[]).includes(raw)) {
    throw new UsageError(`--${name} must be one of: ${choices.join(', ')}; got '${raw}'`);
  }
  return raw as T;
}
