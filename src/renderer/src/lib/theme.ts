// Light, dark or follow-the-system theme, remembered per browser profile. The choice is a
// data-theme attribute on <html>; styles/theme.css maps it to colour variables. A choice made
// in another tab of the same profile is followed here too (the `storage` event).

export type ThemeChoice = 'system' | 'light' | 'dark';

const storageKey = 'spanfill.theme';

/** The choice a stored value means (none, or anything else: follow the system). */
function themeFrom(saved: string | null): ThemeChoice {
  return saved === 'light' || saved === 'dark' ? saved : 'system';
}

export function loadTheme(): ThemeChoice {
  return themeFrom(localStorage.getItem(storageKey));
}

/** Whether a `storage` event (another tab's change) may have changed `key`: it, or all cleared (key null). */
export const isStorageChangeOf = (event: Pick<StorageEvent, 'key'>, key: string): boolean =>
  event.key === null || event.key === key;

/**
 * Shows a theme chosen in another tab here too, and tells `onChange` (the Settings screen's
 * choice); returns the function that stops listening.
 */
export function followThemeOfOtherTabs(onChange: (choice: ThemeChoice) => void = () => {}): () => void {
  const listener = (event: StorageEvent): void => {
    if (!isStorageChangeOf(event, storageKey)) return;
    const choice = loadTheme();
    showTheme(choice);
    onChange(choice);
  };
  window.addEventListener('storage', listener);
  return () => window.removeEventListener('storage', listener);
}

/** The data-theme attribute for `choice`, without storing it. */
function showTheme(choice: ThemeChoice): void {
  if (choice === 'system') delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = choice;
}

export function applyTheme(choice: ThemeChoice): void {
  if (choice === 'system') localStorage.removeItem(storageKey);
  else localStorage.setItem(storageKey, choice);
  showTheme(choice);
}
