// Alt+1…7 opens the screens in navigation order (App.svelte). Read by the key's place
// (KeyboardEvent.code, Digit1…Digit7), not by what it types (event.key): on a Mac, Option+2
// types '™', so a digit in event.key never comes there.
// NOTE: the numpad's digits are left out: on Windows, Alt with numpad digits types a
// character by its code, which the first digit must not turn into a screen change.

import { routes } from './routes';

/** The parts of a KeyboardEvent the shortcut reads. */
export interface ShortcutKeys {
  readonly code: string;
  readonly altKey: boolean;
  readonly ctrlKey: boolean;
  readonly metaKey: boolean;
}

/** The index in `routes` that Alt with this key opens; undefined when it is no screen's shortcut. */
export function screenShortcutIndex(event: ShortcutKeys): number | undefined {
  // Ctrl+Alt is AltGr on Windows (typing a character); Cmd+Option is the Mac's own.
  if (!event.altKey || event.ctrlKey || event.metaKey) return undefined;
  const digit = /^Digit([1-9])$/.exec(event.code)?.[1];
  const index = Number(digit) - 1;
  return digit !== undefined && index < routes.length ? index : undefined;
}

/** The shortcut to the screen at `index`, as aria-keyshortcuts and a title spell it. */
export const screenKeyShortcut = (index: number): string => `Alt+${index + 1}`;
