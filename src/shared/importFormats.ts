// What the import reads, by file extension, shared by the engine (which walks folders on the
// machine running Spanfill) and the page (which sends only those files of a dropped folder to
// `spanfill serve`, rather than uploading what the import would pass over), and the one note
// that says what was passed over.

import { plural } from './format';

export type SourceFormat = 'text' | 'jsonl' | 'csv' | 'tsv';

export const formatByExtension: Readonly<Record<string, SourceFormat>> = {
  '.txt': 'text',
  '.text': 'text',
  '.md': 'text',
  '.markdown': 'text',
  '.jsonl': 'jsonl',
  '.ndjson': 'jsonl',
  '.csv': 'csv',
  '.tsv': 'tsv',
  '.tab': 'tsv',
};

/** Extensions picked up when walking a folder. */
export const folderExtensions: readonly string[] = Object.keys(formatByExtension);

/** ".md" for "notes/a.MD", "" for "notes/LICENSE" (a leading dot is a hidden name, not an extension). */
export function extensionOf(name: string): string {
  const base = name.slice(name.lastIndexOf('/') + 1);
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(dot).toLowerCase() : '';
}

/** One note for the files of a folder passed over for their extension: how many of each kind. */
export function passedOverNote(
  folder: string,
  counts: ReadonlyMap<string, number>,
  wanted: readonly string[] = folderExtensions,
): string {
  const total = [...counts.values()].reduce((sum, n) => sum + n, 0);
  const kinds = [...counts]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([ext, n]) => `${n} ${ext === '' ? 'without an extension' : ext}`)
    .join(', ');
  return (
    `Skipped ${plural(total, 'file')} in ${folder} that ${total === 1 ? 'is' : 'are'} not ${wanted.join(' ')} (${kinds}); ` +
    'save their text as .txt to import it, or give a plain-text file by name'
  );
}
