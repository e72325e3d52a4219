// A choice remembered per browser profile (localStorage): the theme, the loss charts' view, the
// Runs table's order. Reading, writing and following another tab's change (the `storage` event)
// live here once. Storage may be refused (a profile that blocks site data throws on every
// access): a refused read is the default, a refused write holds the choice until the page
// reloads, and neither stops the page.

export interface Preference<T> {
  /** What is stored, read with `fromText` (nothing stored, unreadable or refused: `fromText(null)`). */
  load(): T;
  /** Stores `value` (its text null: removes the key); false when storage refused it. */
  save(value: T): boolean;
  /** Calls `onChange` with the stored value when another tab may have changed it; returns the stop. */
  follow(onChange: (value: T) => void): () => void;
}

/** Whether a `storage` event (another tab's change) may have changed `key`: it, or all cleared (key null). */
export const isStorageChangeOf = (event: Pick<StorageEvent, 'key'>, key: string): boolean =>
  event.key === null || event.key === key;

/**
 * The preference stored under `key`: `fromText` reads a stored text (null when there is none)
 * and must answer the default for anything it does not know; `toText` writes one (null: remove).
 */
export function preference<T>(
  key: string,
  fromText: (saved: string | null) => T,
  toText: (value: T) => string | null,
): Preference<T> {
  const load = (): T => {
    let saved: string | null;
    try {
      saved = localStorage.getItem(key);
    } catch {
      saved = null;
    }
    return fromText(saved);
  };
  return {
    load,
    save(value) {
      const text = toText(value);
      try {
        if (text === null) localStorage.removeItem(key);
        else localStorage.setItem(key, text);
        return true;
      } catch {
        return false;
      }
    },
    follow(onChange) {
      if (typeof window === 'undefined') return () => {};
      const listener = (event: StorageEvent): void => {
        if (isStorageChangeOf(event, key)) onChange(load());
      };
      window.addEventListener('storage', listener);
      return () => window.removeEventListener('storage', listener);
    },
  };
}
