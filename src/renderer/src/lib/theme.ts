// Light, dark or follow-the-system theme, remembered per browser profile. The choice is a
// data-theme attribute on <html>; styles/theme.css maps it to colour variables.

export type ThemeChoice = 'system' | 'light' | 'dark';

const storageKey = 'spanfill.theme';

export function loadTheme(): ThemeChoice {
  const saved = localStorage.getItem(storageKey);
  return saved === 'light' || saved === 'dark' ? saved : 'system';
}

export function applyTheme(choice: ThemeChoice): void {
  if (choice === 'system') {
    localStorage.removeItem(storageKey);
    delete document.documentElement.dataset.theme;
  } else {
    localStorage.setItem(storageKey, choice);
    document.documentElement.dataset.theme = choice;
  }
}
