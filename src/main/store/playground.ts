// Playground repository: the prompts filled lately, one row per distinct prompt, newest first.
// The screen as it was left is a settings value (services/playground.ts); this file keeps
// only the history, trimmed to a limit on every write.

import type { Db } from './db';

export class PlaygroundRepository {
  constructor(private readonly db: Db) {}

  /** The newest `limit` prompts, newest first. */
  prompts(limit: number): string[] {
    const rows = this.db.prepare('SELECT prompt FROM playground_prompts ORDER BY rowid DESC LIMIT ?').all(limit) as {
      prompt: string;
    }[];
    return rows.map((row) => row.prompt);
  }

  /** Puts `prompt` at the top (an earlier use moves up) and keeps only the newest `limit`. */
  remember(prompt: string, limit: number): void {
    const write = this.db.transaction(() => {
      // Delete then insert: the row gets the highest rowid, which is the history's order (a
      // clock set back cannot reorder it); used_at is for whoever reads the database.
      this.db.prepare('DELETE FROM playground_prompts WHERE prompt = ?').run(prompt);
      this.db
        .prepare('INSERT INTO playground_prompts (prompt, used_at) VALUES (?, ?)')
        .run(prompt, new Date().toISOString());
      this.db
        .prepare(
          `DELETE FROM playground_prompts WHERE rowid NOT IN
             (SELECT rowid FROM playground_prompts ORDER BY rowid DESC LIMIT ?)`,
        )
        .run(limit);
    });
    write();
  }

  forgetAll(): void {
    this.db.prepare('DELETE FROM playground_prompts').run();
  }
}
