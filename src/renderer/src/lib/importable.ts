// Browser mode: which dropped or picked files to upload (a pure choice over their relative
// names, "book/ch1.txt"; upload.ts sends them), and the dataset's default name from them.

import { DISPLAY_NAME_MAX, nameFromFile } from '../../../shared/contract/displayName';
import { clipText } from '../../../shared/format';
import { extensionOf, folderExtensions, passedOverNote } from '../../../shared/importFormats';

/**
 * What of a drop to send: a file dropped by itself always (the import reads it whatever its
 * extension), and inside dropped folders only the kinds the import reads from a folder, hidden
 * ones left out as it leaves them; with a note per folder for what was left out, so a folder of
 * PDFs and images with a few notes in it uploads the notes alone.
 */
export function importableFiles<T extends { readonly name: string }>(
  files: readonly T[],
): { files: T[]; notes: string[] } {
  const kept: T[] = [];
  const passedOver = new Map<string, Map<string, number>>();
  for (const picked of files) {
    const [top, ...inside] = picked.name.split('/');
    const ext = extensionOf(picked.name);
    const isHidden = inside.some((part) => part.startsWith('.')); // the import skips these too
    if (inside.length === 0 || (!isHidden && folderExtensions.includes(ext))) kept.push(picked);
    else if (!isHidden) {
      const counts = passedOver.get(top) ?? new Map<string, number>();
      passedOver.set(top, counts.set(ext, (counts.get(ext) ?? 0) + 1));
    }
  }
  return { files: kept, notes: [...passedOver].map(([folder, counts]) => passedOverNote(folder, counts)) };
}

/**
 * "notes.txt", "book", or "notes.txt and 2 more": the dataset's default name, held to the name
 * rule (nameFromFile: a file name of 250 characters is cut, not refused by the import call).
 */
export function describePicked(files: readonly { readonly name: string }[]): string {
  const tops = [...new Set(files.map((f) => f.name.split('/')[0]))];
  const more = tops.length <= 1 ? '' : ` and ${tops.length - 1} more`;
  return clipText(nameFromFile(tops[0] ?? '', 'upload'), DISPLAY_NAME_MAX - more.length) + more;
}
