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
export function cancelledNotice(step: 'upload' | 'import', what: string): string {
  return `${step === 'upload' ? 'Upload' : 'Import'} of ${what} cancelled; nothing was imported.`;
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
 * How the imports this page watched (listed as importing, not its own: a closed or reloaded
 * tab's upload, another tab's or window's, a terminal's `spanfill import`) ended, as the list now
 * has them, said as the page that started one would have said it; and the imports to watch next
 * (the importing ones in `listed`, but for `own`). A failed import's row is kept only where its
 * page went; else `reasons` (heard in datasets.statusChanged, by id) may say why it failed, and a
 * terminal's import says why there. Only what ended while this page was open is said: a dataset
 * already ready or failed when the page came is shown by the list, not announced.
 */
export function importsEnded(
  watched: ReadonlyMap<string, string>,
  listed: readonly DatasetSummary[],
  own: ReadonlySet<string>,
  reasons: ReadonlyMap<string, string> = new Map(),
): ImportsEnded {
  const byId = new Map(listed.map((ds) => [ds.id, ds]));
  const notices: string[] = [];
  const errors: string[] = [];
  let toShow: string | undefined;
  for (const [id, name] of watched) {
    const ds = byId.get(id);
    if (ds?.status === 'ready') toShow = id;
    const reason = reasons.get(id);
    if (ds === undefined && reason !== undefined) errors.push(failedImport({ name, error: reason }));
    else if (ds === undefined) notices.push(goneImport(name));
    else if (ds.status === 'ready') notices.push(importedNotice(ds));
    else if (ds.status === 'failed') errors.push(failedImport(ds));
  }
  const importing = listed.filter((ds) => ds.status === 'importing' && !own.has(ds.id));
  return { notices, errors, watching: new Map(importing.map((ds) => [ds.id, ds.name])), toShow };
}

/** An import gone without a word of why: cancelled, failed in a terminal (which says why), or its process ended. */
function goneImport(name: string): string {
  return `Import of ${name} ended without a dataset: it was cancelled or failed where it was started (a terminal says why there), or its process stopped.`;
}

/** "Import of notes.txt failed: REASON" (the reason the dataset's row keeps, or its event said). */
export function failedImport(ds: Pick<DatasetSummary, 'name' | 'error'>): string {
  return `Import of ${ds.name} failed: ${ds.error ?? 'its reason was not kept'}`;
}
