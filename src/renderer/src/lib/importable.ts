// Browser mode: which dropped or picked files to upload (a pure choice over their relative
// names, "book/ch1.txt"; upload.ts sends them) and the names they are sent under, what the drop
// is called while it uploads, and the note on files the server would not take by their names.

import { DISPLAY_NAME_MAX, nameFromFile } from '../../../shared/contract/displayName';
import { clipText, plural } from '../../../shared/format';
import { extensionOf, folderExtensions, passedOverNote } from '../../../shared/importFormats';
import { maxUploadFiles, maxUploadNamePartBytes, utf8Length } from '../../../shared/upload';

/**
 * What of a drop to send: a file dropped by itself always (the import reads it whatever its
 * extension), and inside dropped folders only the kinds the import reads from a folder, hidden
 * ones left out as it leaves them; with a note per folder for what was left out, so a folder of
 * PDFs and images with a few notes in it uploads the notes alone. Names too long for the server
 * are cut to fit (uploadNames), with a note.
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
  const notes = [...passedOver].map(([folder, counts]) => passedOverNote(folder, counts));
  const sent = uploadNames(kept.map((f) => f.name));
  const cut = sent.filter((name, i) => name !== kept[i].name).length;
  if (cut > 0) {
    notes.push(
      `Shortened ${cut} ${cut === 1 ? 'name' : 'names'} over ${maxUploadNamePartBytes} bytes (UTF-8), the most a file name may have on the server; ` +
        'the dataset names those files as shortened.',
    );
  }
  return { files: kept.map((f, i) => ({ ...f, name: sent[i] })), notes };
}

/** Why `count` files cannot go in one upload (the server holds at most maxUploadFiles), or undefined when they can. */
export function tooManyFiles(count: number): string | undefined {
  if (count <= maxUploadFiles) return undefined;
  const number = (n: number): string => n.toLocaleString('en-US');
  return (
    `${number(count)} files are more than one upload may hold (${number(maxUploadFiles)}). ` +
    'Drop fewer at a time, or import their folder by its path on the machine running Spanfill (Datasets → Or import paths…).'
  );
}

/**
 * The names to upload `names` under: each file or folder name over maxUploadNamePartBytes of
 * UTF-8 cut to fit, as the server refuses it otherwise. A laptop holds 255 characters a name
 * and the server's file system 255 bytes, so 100 Chinese characters (300 bytes) are cut. Two
 * names cut to one are kept apart with " (2)", " (3)"… before the extension.
 */
export function uploadNames(names: readonly string[]): string[] {
  const taken = new Set(names);
  return names.map((name) => {
    const parts = name.split('/');
    if (parts.every((part) => utf8Length(part) <= maxUploadNamePartBytes)) return name;
    const folders = parts.slice(0, -1).map((part) => clipPart(part));
    const last = parts[parts.length - 1];
    let sent = [...folders, clipPart(last)].join('/');
    for (let n = 2; taken.has(sent); n++) sent = [...folders, clipPart(last, ` (${n})`)].join('/');
    taken.add(sent);
    return sent;
  });
}

/**
 * `part` with `suffix` before its extension, cut with an ellipsis to maxUploadNamePartBytes of
 * UTF-8 if longer, whole characters only. The extension stays, so the import reads the file as
 * it would have (".jsonl" as JSON Lines); a dot deep in a long name starts no extension.
 */
function clipPart(part: string, suffix = ''): string {
  const extLength = extensionOf(part).length; // ".TXT" kept as it is written, not lower-cased
  const ext = extLength <= 16 ? part.slice(part.length - extLength) : '';
  const stem = part.slice(0, part.length - ext.length);
  if (utf8Length(stem + suffix + ext) <= maxUploadNamePartBytes) return stem + suffix + ext;
  const tail = `…${suffix}${ext}`;
  let budget = maxUploadNamePartBytes - utf8Length(tail);
  let cut = '';
  for (const char of stem) {
    budget -= utf8Length(char);
    if (budget < 0) break;
    cut += char;
  }
  return cut + tail;
}

/**
 * "notes.txt", "book", or "notes.txt and 2 more": what a drop is called in its progress and
 * messages, held to the name rule (nameFromFile: a file name of 250 characters is cut). Not the
 * dataset's name: that is left to the import, which names it from its first path as `spanfill
 * import` does (services/datasetImport.ts), so "plain.txt" for plain.txt and an empty file.
 */
export function describePicked(files: readonly { readonly name: string }[]): string {
  const tops = [...new Set(files.map((f) => f.name.split('/')[0]))];
  const more = tops.length <= 1 ? '' : ` and ${tops.length - 1} more`;
  return clipText(nameFromFile(tops[0] ?? '', 'upload'), DISPLAY_NAME_MAX - more.length) + more;
}

/** The note on the files an upload skipped for their names (upload.ts: the server's words, one each), or undefined. */
export function skippedUploadNote(skipped: readonly string[]): string | undefined {
  if (skipped.length === 0) return undefined;
  const whose = skipped.length === 1 ? 'whose name' : 'whose names';
  return `Skipped ${plural(skipped.length, 'file')} ${whose} the server cannot hold: ${skipped.map((s) => `${s}.`).join(' ')}`;
}
