// What the Datasets screen says when an import or an upload is cancelled: a notice, not an error
// (the person asked for it), in the same words for both, naming what was being imported: the
// name given, the dropped or picked files, or the typed paths by their last part. And how an
// import this page did not start ended (importsEnded), in the words its own page would have used.

import type { DatasetSummary } from '../../../shared/contract/datasets';
import { importedNotice } from './datasetChoices';

/** "big100.txt", "notes" (a folder) or "big100.txt and 2 more": typed paths by the last part of the first. */
export function describePaths(paths: readonly string[]): string {
  const last = (p: string): string =>
    p
      .replace(/[\\/]+$/, '')
      .split(/[\\/]/)
      .pop() || p;
  const more = paths.length <= 1 ? '' : ` and ${paths.length - 1} more`;
  return `${last(paths[0] ?? '')}${more}`;
}

/** "Upload of notes.txt cancelled; nothing was imported." or "Import of … cancelled; …". */
export function cancelledNotice(step: 'upload' | 'import', what: string, where?: string): string {
  const cancelled = where === undefined ? 'cancelled' : `cancelled ${where}`;
  return `${step === 'upload' ? 'Upload' : 'Import'} of ${what} ${cancelled}; nothing was imported.`;
}

/** What importsEnded found: what to say of the imports that ended, and those still watched. */
export interface ImportsEnded {
  /** Polite: an import that gave a dataset (importedNotice), or one that left nothing. */
  readonly notices: readonly string[];
  /** Said as errors: an import that failed, with why. */
  readonly errors: readonly string[];
  /** The imports still running that this page did not start, by id, with their names. */
  readonly watching: ReadonlyMap<string, string>;
  /** The dataset to open under the list, as its own page does (the notice says its notes are there). */
  readonly toShow: string | undefined;
}

/**
 * How a watched import that left no dataset ended, as its datasets.statusChanged 'failed' said:
 * with `error` it failed, without one it was cancelled (the services' way: announceImportEnded).
 */
export type WatchedEnding = { readonly outcome: 'failed'; readonly reason: string } | { readonly outcome: 'cancelled' };

/** The WatchedEnding of a datasets.statusChanged 'failed' with `error` (or none). */
export function watchedEnding(error: string | undefined): WatchedEnding {
  return error === undefined ? { outcome: 'cancelled' } : { outcome: 'failed', reason: error };
}

/**
 * How the imports this page watched (listed as importing, not its own: a closed or reloaded
 * tab's upload, another tab's or window's, a terminal's `spanfill import`) ended, as the list now
 * has them, said as the page that started one would have said it; and the imports to watch next
 * (the importing ones in `listed`, but for `own`). A failed import's row is kept only where its
 * page went; else `endings` (heard in datasets.statusChanged, by id) say why it failed or that
 * it was cancelled, where it was started (another process's, from the note it left). Only what
 * ended while this page was open is said: a dataset already ready or failed when the page came is
 * shown by the list, not announced.
 */
export function importsEnded(
  watched: ReadonlyMap<string, string>,
  listed: readonly DatasetSummary[],
  own: ReadonlySet<string>,
  endings: ReadonlyMap<string, WatchedEnding> = new Map(),
): ImportsEnded {
  const byId = new Map(listed.map((ds) => [ds.id, ds]));
  const notices: string[] = [];
  const errors: string[] = [];
  let toShow: string | undefined;
  for (const [id, name] of watched) {
    const ds = byId.get(id);
    if (ds?.status === 'ready') toShow = id;
    const ending = endings.get(id);
    if (ds === undefined && ending?.outcome === 'failed') errors.push(failedImport({ name, error: ending.reason }));
    else if (ds === undefined && ending?.outcome === 'cancelled') notices.push(cancelledElsewhere(name));
    else if (ds === undefined) notices.push(goneImport(name));
    else if (ds.status === 'ready') notices.push(importedNotice(ds));
    else if (ds.status === 'failed') errors.push(failedImport(ds));
  }
  const importing = listed.filter((ds) => ds.status === 'importing' && !own.has(ds.id));
  return { notices, errors, watching: new Map(importing.map((ds) => [ds.id, ds.name])), toShow };
}

/** An import cancelled by the person where it was started, said as the notice of a cancel here is. */
function cancelledElsewhere(name: string): string {
  return cancelledNotice('import', name, 'where it was started (another window or tab, or a terminal)');
}

/** An import gone without a word of why: its process was killed, say, or had no room to note it. */
function goneImport(name: string): string {
  return `Import of ${name} ended without a dataset, and its process left no word of why (it may have been killed, or had no room to write it); a terminal that ran it says why there. Import it again to try once more.`;
}

/** "Import of notes.txt failed: REASON" (the reason the dataset's row keeps, or its event said). */
export function failedImport(ds: Pick<DatasetSummary, 'name' | 'error'>): string {
  return `Import of ${ds.name} failed: ${ds.error ?? 'its reason was not kept'}`;
}
