// Settings repository: small JSON values by key (theme, default execution provider, ...).
// Values are stored as JSON text; callers narrow what they read back. A value whose text is not
// JSON (edited by hand, cut short) reads as unreadable, never as an exception: a caller falls
// back to its default, and the next set() replaces the text without reading it.

import type { Db } from './db';

/** One stored value as read: none, its parsed JSON, or text that does not parse (and why). */
export type StoredSetting =
  | { readonly state: 'absent' }
  | { readonly state: 'stored'; readonly value: unknown }
  | { readonly state: 'unreadable'; readonly reason: string };

export class SettingsRepository {
  constructor(private readonly db: Db) {}

  read(key: string): StoredSetting {
    const row = this.db.prepare('SELECT value_json FROM settings WHERE key = ?').get(key) as
      { value_json: string } | undefined;
    if (row === undefined) return { state: 'absent' };
    try {
      return { state: 'stored', value: JSON.parse(row.value_json) as unknown };
    } catch (error) {
      return { state: 'unreadable', reason: error instanceof Error ? error.message : String(error) };
    }
  }

  /** The stored value; undefined when there is none or its text is not JSON. */
  get(key: string): unknown {
    const stored = this.read(key);
    return stored.state === 'stored' ? stored.value : undefined;
  }

  set(key: string, value: unknown): void {
    this.db
      .prepare(
        `INSERT INTO settings (key, value_json, updated_at) VALUES (?, ?, ?)
         ON CONFLICT(key) DO UPDATE SET value_json = excluded.value_json, updated_at = excluded.updated_at`,
      )
      .run(key, JSON.stringify(value), new Date().toISOString());
  }

  delete(key: string): void {
    this.db.prepare('DELETE FROM settings WHERE key = ?').run(key);
  }
}
