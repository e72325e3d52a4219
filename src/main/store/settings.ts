// Settings repository: small JSON values by key (theme, default execution provider, ...).
// Values are stored as JSON text; callers narrow what they read back.

import type { Db } from './db';

export class SettingsRepository {
  constructor(private readonly db: Db) {}

  get(key: string): unknown {
    const row = this.db.prepare('SELECT value_json FROM settings WHERE key = ?').get(key) as
      { value_json: string } | undefined;
    return row === undefined ? undefined : (JSON.parse(row.value_json) as unknown);
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
