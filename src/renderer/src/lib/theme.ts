// Light, dark or follow-the-system theme, remembered per browser profile (lib/preference.ts).
// The choice is a data-theme attribute on <html>; styles/theme.css maps it to colour variables.
// A choice made in another tab of the same profile is followed here too.

import { preference } from './preference';

export type ThemeChoice = 'system' | 'light' | 'dark';

const stored = preference<ThemeChoice>(
  'spanfill.theme',
  // None, or anything else: follow the system.
  (saved) => (saved === 'light' || saved === 'dark' ? saved : 'system'),
  (choice) => (choice === 'system' ? null : choice),
);

export const loadTheme = (): ThemeChoice => stored.load();

/**
 * Shows a theme chosen in another tab here too, and tells `onChange` (the Settings screen's
 * choice); returns the function that stops listening.
 */
export function followThemeOfOtherTabs(onChange: (choice: ThemeChoice) => void = () => {}): () => void {
  return stored.follow((choice) => {
    showTheme(choice);
    onChange(choice);
  });
}

/** The data-theme attribute for `choice`, without storing it. */
function showTheme(choice: ThemeChoice): void {
  if (choice === 'system') delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = choice;
}

/** Stores and shows `choice` (storage refused: shown until the page reloads). */
export function applyTheme(choice: ThemeChoice): void {
  stored.save(choice);
  showTheme(choice);
}
