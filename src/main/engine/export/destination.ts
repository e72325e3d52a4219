// Which folders an export may write: a new or empty folder, or one that holds an earlier export
// and nothing else (its manifest, manifest.ts, lists every file in it), whose files only a forced
// export replaces; any other folder is refused, forced or not (a project, a home folder, a source
// checkout), as is any folder that is or holds one the caller protects (the data directory, the
// model being exported), one inside an earlier export, a name longer than a file system takes,
// and a folder another export is writing now, here or in another process (writers.ts). Not the
// writing itself (folder.ts).

import { type Stats, existsSync, lstatSync, readlinkSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { formatBytes, plural } from '../../../shared/format';
import { isWithin } from '../../pathWithin';
import { ExportError } from './exportError';
import { EXPORT_MANIFEST, folderContents } from './manifest';
import { NAME_MAX } from './stagingName';
import { writerOf, type WriterLookup, writingWords } from './writers';

/** `p` absolute, with links resolved as far as it exists, so two spellings of one folder compare equal. */
export function canonicalPath(p: string): string {
  let head = resolve(p);
  const rest: string[] = [];
  while (!existsSync(head) && dirname(head) !== head) {
    rest.unshift(basename(head));
    head = dirname(head);
  }
  return join(realpathSync(head), ...rest);
}

/** A folder an export must not replace, and what to call it in the refusal. */
export interface ProtectedFolder {
  readonly dir: string;
  readonly what: string;
  /** Refuse an `out` inside it too (an export there would make it hold a folder it did not). */
  readonly isInsideRefused?: boolean;
  /** What to do instead, when not "export to a new or empty folder elsewhere". */
  readonly instead?: string;
}

/** Throws ExportError when `out` is, or holds, one of `folders` (or lies inside one that says so). */
export function checkNotEnclosing(out: string, folders: readonly ProtectedFolder[]): void {
  const target = canonicalPath(out);
  for (const { dir, what, isInsideRefused, instead } of folders) {
    if (!existsSync(dir)) continue;
    const protectedDir = canonicalPath(dir);
    const how =
      protectedDir === target
        ? 'is'
        : isWithin(protectedDir, target)
          ? 'holds'
          : isInsideRefused && isWithin(target, protectedDir)
            ? 'is inside'
            : undefined;
    if (how === undefined) continue;
    throw new ExportError(`${out} ${how} ${what}; ${instead ?? 'export to a new or empty folder elsewhere'}`);
  }
}

/**
 * Throws ExportError when `out` is a file, a link to nothing, or a folder that holds anything
 * but an earlier export (manifest.ts: its spanfill-export.json lists every file in it), forced
 * or not; when another export (than `lookup.self`, a stamp) is writing it now, here or in another
 * process (writers.ts: named with what it exports where it recorded that in `lookup.records`),
 * forced or not; and when it holds an earlier export and `force` is false.
 */
export function checkDestination(out: string, force: boolean, lookup: WriterLookup = {}): void {
  let link: Stats | undefined;
  try {
    link = lstatSync(out, { throwIfNoEntry: false });
  } catch {
    link = undefined; // ENOTDIR and the like: creating the folder says what is wrong
  }
  if (link?.isSymbolicLink() && !existsSync(out))
    throw new ExportError(
      `${out} is a link to ${readlinkSync(out)}, which does not exist; remove the link or give another folder`,
    );
  checkName(out);
  checkNotInExport(out);
  checkNotBeingWritten(out, lookup); // before what it holds: an export being written is no earlier one
  if (!existsSync(out)) return;
  if (!statSync(out).isDirectory())
    throw new ExportError(`${out} is a file, not a folder; give the path of a new or empty folder`);
  const contents = folderContents(out);
  if (contents.kind === 'unlisted')
    throw new ExportError(
      `${out} holds what an earlier Spanfill (before ${EXPORT_MANIFEST}) or another tool writes as ` +
        `${contents.what} export — ${contents.names} — ${contents.added === '' ? '' : `but also ${contents.added}, `}` +
        `and no ${EXPORT_MANIFEST}, so Spanfill does not replace it: move it away or delete it yourself, or ` +
        'choose another folder',
    );
  if (contents.kind === 'altered')
    throw new ExportError(
      `${out} holds an earlier ${contents.format} export, but ${contents.how}, so Spanfill never replaces it. ` +
        'Choose an empty or new folder, or move those files away yourself',
    );
  if (contents.kind === 'other')
    throw new ExportError(
      `${out} is not an earlier Spanfill export, so Spanfill never replaces it: ${contents.why}. ` +
        'Choose an empty or new folder, or move those files away yourself',
    );
  if (contents.kind === 'export' && !force)
    throw new ExportError(
      `${out} holds an earlier ${contents.format} export (${plural(contents.files, 'file')}, ` +
        `${formatBytes(contents.bytes)}); choose an empty or new folder, or replace it`,
      'not-empty',
    );
}

/** Throws ExportError when `out`'s own name is longer than a file system takes (else ENAMETOOLONG at the end). */
export function checkName(out: string): void {
  const name = basename(resolve(out));
  const bytes = Buffer.byteLength(name);
  if (bytes <= NAME_MAX) return;
  throw new ExportError(
    `The folder name ${[...name].slice(0, 20).join('')}… is ${bytes} bytes long, over the ${NAME_MAX} a file ` +
      'system takes; choose a shorter name',
  );
}

/**
 * Throws ExportError when `out` lies inside an earlier export (a folder above it holds a
 * manifest): that export would then hold a folder it did not write, and no later export could
 * replace it.
 */
function checkNotInExport(out: string): void {
  const target = canonicalPath(out);
  for (let folder = dirname(target); ; folder = dirname(folder)) {
    if (existsSync(join(folder, EXPORT_MANIFEST)))
      throw new ExportError(`${out} is inside an earlier export (${folder}); export to a folder outside it`);
    if (dirname(folder) === folder) return;
  }
}

/** Throws ExportError when an export other than `lookup.self` is writing `out` now (writers.ts). */
export function checkNotBeingWritten(out: string, lookup: WriterLookup): void {
  const writer = writerOf(resolve(out), lookup);
  if (writer !== undefined) throw new ExportError(writingWords(out, writer));
}
