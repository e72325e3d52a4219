// What an import says of one file it read (import.ts): the notes of its summary (a legacy
// encoding, bytes replaced, a web page's markup, a size that changed while it was read:
// fileWarnings) and, for a file that gave no document, what it lacks (noTextIn).

import { plural } from '../../../shared/format';
import { IMPORT_ADVICE, legacyEncodingNote, replacedSequencesNote, type TextEncoding } from './decode';
import type { FrontMatterFence } from './frontMatter';
import type { SourceFile, SourceFormat } from './sources';

/** What was read of a file (import.ts ImportedFileSummary). */
interface FileRead {
  readonly encoding: TextEncoding;
  /** Bytes read, not as listed. */
  readonly bytes: number;
  readonly invalidUtf8Replaced: number;
}

/** A web page given by name: read as text like any file, markup included. */
const WEB_PAGE = /\.(html?|xhtml)$/i;

/**
 * A file whose size when listed differs from what was read: written (or cut short) during the
 * import, so its text may be partial. A file listed as 0 bytes that has text is one whose size is
 * not known ahead (those under /proc), not a change.
 */
function sizeChangeNote(source: SourceFile, file: FileRead): string | null {
  if (source.bytes === file.bytes || source.bytes === 0) return null;
  return (
    `${source.path} changed size during the import: it was ${plural(source.bytes, 'byte')} when the import began ` +
    `and ${plural(file.bytes, 'byte')} were read; if something was still writing it, import it again once that is done`
  );
}

/** What the summary says about one imported file (a legacy encoding; bytes replaced; markup; a size change). */
export function fileWarnings(source: SourceFile, file: FileRead): string[] {
  const filePath = source.path;
  const sizeChange = sizeChangeNote(source, file);
  const warnings: string[] = sizeChange === null ? [] : [sizeChange];
  if (WEB_PAGE.test(filePath)) {
    warnings.push(
      `${filePath} was imported as it is, tags and all; if you meant the page's text, save it from the browser as text (.txt) and import that`,
    );
  }
  if (file.encoding === 'windows-1252') warnings.push(legacyEncodingNote(filePath, IMPORT_ADVICE));
  if (file.invalidUtf8Replaced > 0) warnings.push(replacedSequencesNote(filePath, file.invalidUtf8Replaced));
  return warnings;
}

/**
 * What a file of `format` that gave no document lacks: a CSV of a header alone has no rows; a
 * Markdown file of front matter alone (`fence`) has nothing under it.
 */
export function noTextIn(
  format: SourceFormat,
  reader: { readonly field: string; readonly column: string },
  fence: FrontMatterFence | null | undefined,
): string {
  if (format === 'csv' || format === 'tsv')
    return `has no text in its column "${reader.column}" (no rows under the header, or only empty ones)`;
  if (format === 'jsonl')
    return `has no text in the field "${reader.field}" of any line (no lines, or only empty ones)`;
  if (fence != null)
    return `holds only front matter (a ${fence} block of title, date, tags), which the import leaves out; it has no text under it`;
  return 'contains no text (only whitespace)';
}
