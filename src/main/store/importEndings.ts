// How an import that left no dataset ended (failed, and why; or cancelled), noted by the process
// that ran it under <dataDir>/imports-ended/<dataset id>.json before it deletes the dataset's row,
// so another process on the same data directory (the app, `spanfill serve`) that sees the row go
// can say what the terminal said. Not a record of imports: a note lives ENDING_KEPT_MS and goes
// with the next note written after that, so the folder holds only the last few minutes' endings.

import { readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { makeFolder } from '../makeFolder';

/** How an import without a dataset ended: `reason`, as its caller was told, for a failure. */
export type ImportEnding = { readonly outcome: 'failed'; readonly reason: string } | { readonly outcome: 'cancelled' };

/**
 * How long a note is kept: long past the next look of a watching app (every second), and past a
 * later look that clears a row the failed import could not delete on a full disk.
 */
export const ENDING_KEPT_MS = 10 * 60_000;

const NOTE_VERSION = 1;

export class ImportEndings {
  private readonly folder: string;

  constructor(dataDir: string) {
    this.folder = path.join(dataDir, 'imports-ended');
  }

  /**
   * Notes how import `id` ended, and deletes the notes older than ENDING_KEPT_MS. Written aside
   * and renamed into place, so a reader never finds half of it. Never throws: without room for
   * it (a full disk), other processes say the import ended without saying why, as before.
   */
  note(id: string, ending: ImportEnding, now = Date.now()): void {
    try {
      makeFolder(this.folder);
      const aside = path.join(this.folder, `.${id}.${process.pid}`);
      writeFileSync(aside, JSON.stringify({ version: NOTE_VERSION, ...ending }));
      renameSync(aside, this.file(id));
    } catch {
      // (see above)
    }
    this.prune(now);
  }

  /** How import `id` ended, where a note says so (one unreadable or of another version: none). */
  read(id: string): ImportEnding | undefined {
    let note: unknown;
    try {
      note = JSON.parse(readFileSync(this.file(id), 'utf8'));
    } catch {
      return undefined;
    }
    if (typeof note !== 'object' || note === null || !('version' in note) || note.version !== NOTE_VERSION)
      return undefined;
    if ('outcome' in note && note.outcome === 'cancelled') return { outcome: 'cancelled' };
    if ('outcome' in note && note.outcome === 'failed' && 'reason' in note && typeof note.reason === 'string')
      return { outcome: 'failed', reason: note.reason };
    return undefined;
  }

  /** Deletes the notes (and any write left aside by a process killed mid-note) older than ENDING_KEPT_MS. */
  private prune(now: number): void {
    let names: string[];
    try {
      names = readdirSync(this.folder);
    } catch {
      return;
    }
    for (const name of names) {
      const file = path.join(this.folder, name);
      try {
        if (now - statSync(file).mtimeMs > ENDING_KEPT_MS) rmSync(file, { force: true });
      } catch {
        // gone meanwhile (another process pruned it), or not ours to delete: the next note tries again
      }
    }
  }

  private file(id: string): string {
    return path.join(this.folder, `${id}.json`);
  }
}
