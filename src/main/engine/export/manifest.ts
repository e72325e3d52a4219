// An export's manifest, spanfill-export.json: what the export wrote (its format, its source and
// every file with its size), written last into its folder. It is how a later export knows that a
// folder is an earlier export it may replace: every entry of the folder must be a file the
// manifest lists, at the size it lists. A folder with anything else (a user's own files, the
// checkpoints an accelerate job trained, a file edited since) is not an earlier export, and no
// export deletes it. Exports written before Spanfill kept this list have none, and are not replaced.
// A list naming anything but plain paths inside the folder (`../x`, `/x`, `./x`) is no export's,
// and replacing an export removes only files found in its folder, never through a link.
// Not the destination rules themselves: see destination.ts.

import { lstatSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join, relative, sep, win32 } from 'node:path';
import { errorMessage } from '../../../shared/errors';
import { clipText } from '../../../shared/format';
import { isFinderFile } from './finder';
import { IN_PROGRESS } from './stagingName';
import { unlistedExportOf } from './unlisted';

/** Finder's folder settings (finder.ts), as intoFolder.ts knows it. */
export { FINDER_FILE } from './finder';

export const EXPORT_MANIFEST = 'spanfill-export.json';
/** The manifest's version (its `spanfill_export` field); a mismatch is refused in words. */
const MANIFEST_VERSION = 1;

/** What an export is of, as its manifest states it. */
export interface ExportAbout {
  readonly format: string;
  /** The model or checkpoint folder, or the run and step, in words. */
  readonly source: string;
}

interface ManifestFile {
  readonly path: string;
  readonly bytes: number;
}

interface ExportManifest extends ExportAbout {
  readonly spanfill_export: number;
  readonly written_at: string;
  readonly files: readonly ManifestFile[];
}

/** One entry under a folder, its path relative with /; `bytes` for a file. */
interface FolderEntry {
  readonly path: string;
  readonly kind: 'file' | 'folder' | 'other';
  readonly bytes: number;
}

/**
 * Every entry under `dir` at any depth (links and the like not followed), sorted by path; not
 * what an export writing into it keeps there (its lock and staging folder, stagingName.ts).
 */
function walk(dir: string): FolderEntry[] {
  const entries: FolderEntry[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    const full = join(entry.parentPath, entry.name);
    const path = relative(dir, full).split(sep).join('/');
    if (IN_PROGRESS.test(path.split('/')[0])) continue;
    if (entry.isFile()) entries.push({ path, kind: 'file', bytes: lstatSync(full).size });
    else entries.push({ path, kind: entry.isDirectory() ? 'folder' : 'other', bytes: 0 });
  }
  return entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** Every regular file under `dir` (relative, with /, sorted) and their bytes together. */
export function listFiles(dir: string): { files: string[]; bytes: number } {
  const files = walk(dir).filter((entry) => entry.kind === 'file');
  return { files: files.map((file) => file.path), bytes: files.reduce((sum, file) => sum + file.bytes, 0) };
}

/** Writes `dir`'s manifest: every file in it now (the caller writes it once all else is written). */
export function writeExportManifest(dir: string, about: ExportAbout): void {
  const files = walk(dir)
    .filter((entry) => entry.kind === 'file' && entry.path !== EXPORT_MANIFEST)
    .map(({ path, bytes }) => ({ path, bytes }));
  const manifest: ExportManifest = {
    spanfill_export: MANIFEST_VERSION,
    format: about.format,
    source: about.source,
    written_at: new Date().toISOString(),
    files,
  };
  writeFileSync(join(dir, EXPORT_MANIFEST), JSON.stringify(manifest, null, 2) + '\n');
}

/** What a destination folder holds, judged by its manifest. */
export type FolderContents =
  /** Nothing (or only Finder's .DS_Store). */
  | { readonly kind: 'empty' }
  /** An earlier export and nothing else: a forced export may replace it. */
  | { readonly kind: 'export'; readonly format: string; readonly files: number; readonly bytes: number }
  /**
   * No manifest, but every file an export of one format always writes (unlisted.ts): one from
   * before Spanfill wrote manifests, or another tool's. `what`: the format with its article;
   * `names`: that export's files it holds; `added`: what else it holds ('' when nothing).
   */
  | { readonly kind: 'unlisted'; readonly what: string; readonly names: string; readonly added: string }
  /** An earlier export, listed, with files added or changed since; `how` says which. */
  | { readonly kind: 'altered'; readonly format: string; readonly how: string }
  /** Anything else; `why` says what it holds that makes it not an earlier export. */
  | { readonly kind: 'other'; readonly why: string };

/** What readManifest says of a folder without a manifest. */
const NO_MANIFEST = `no ${EXPORT_MANIFEST}`;

/** The manifest of `dir`, or why there is none to go by (to follow "it holds X and"). */
function readManifest(dir: string): ExportManifest | string {
  let text: string;
  try {
    text = readFileSync(join(dir, EXPORT_MANIFEST), 'utf8');
  } catch (error) {
    // NOTE: not "every export writes one": exports from before manifests did not (unlisted.ts).
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return NO_MANIFEST;
    return `a ${EXPORT_MANIFEST} that cannot be read (${errorMessage(error)})`;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return `a ${EXPORT_MANIFEST} that is not JSON`;
  }
  const manifest = value as Partial<ExportManifest> | null;
  if (typeof manifest !== 'object' || manifest === null || typeof manifest.spanfill_export !== 'number')
    return `a ${EXPORT_MANIFEST} that is not a Spanfill export's list`;
  if (manifest.spanfill_export !== MANIFEST_VERSION)
    return `a ${EXPORT_MANIFEST} of version ${manifest.spanfill_export}, not ${MANIFEST_VERSION} (a newer Spanfill wrote it)`;
  const files: readonly Partial<ManifestFile>[] = Array.isArray(manifest.files) ? manifest.files : [];
  if (!files.every((file) => typeof file?.path === 'string' && typeof file.bytes === 'number'))
    return `a ${EXPORT_MANIFEST} that does not list files with their sizes`;
  const problem = listedPathProblem((files as readonly ManifestFile[]).map((file) => file.path));
  return problem === undefined ? (manifest as ExportManifest) : `a ${EXPORT_MANIFEST} that lists ${problem}`;
}

/**
 * Why `paths` are not what writeExportManifest lists (to follow "that lists"), or undefined: each
 * is one plain relative path inside the folder, as walk spells it — segments joined by /, none
 * empty, `.` or `..`, no backslash — and none is listed twice. NOTE: anything else is no Spanfill
 * export's list (it would name files outside the folder: `../x`, `/etc/x`, or one file under many
 * spellings, `./x`, `a/../x`, at every size), so the folder is no export to replace.
 */
function listedPathProblem(paths: readonly string[]): string | undefined {
  const seen = new Set<string>();
  for (const path of paths) {
    const quoted = JSON.stringify(clipText(path, 80));
    const isPlain =
      path.split('/').every((segment) => segment !== '' && segment !== '.' && segment !== '..') &&
      !path.includes('\\') &&
      !path.includes('\0') &&
      !win32.isAbsolute(path);
    if (!isPlain) return `${quoted}, not a plain path inside the folder, so no Spanfill export wrote it`;
    if (seen.has(path)) return `${quoted} twice, so no Spanfill export wrote it`;
    seen.add(path);
  }
  return undefined;
}

/**
 * The files of the earlier export in `dir` a forced export removes: those a walk of the folder
 * finds (links not followed, so never a file outside it) that its manifest lists at the size it
 * lists; and the folders the walk found that the manifest's paths go through, deepest first, to
 * remove once empty. Undefined when `dir` has no manifest to go by.
 */
export function earlierExportFiles(dir: string): { files: string[]; folders: string[] } | undefined {
  const manifest = readManifest(dir);
  if (typeof manifest === 'string') return undefined;
  const listed = new Map(manifest.files.map((file) => [file.path, file.bytes]));
  const entries = walk(dir);
  const files = entries.filter((entry) => entry.kind === 'file' && listed.get(entry.path) === entry.bytes);
  const holding = new Set(manifest.files.flatMap((file) => parentsOf(file.path)));
  const folders = entries.filter((entry) => entry.kind === 'folder' && holding.has(entry.path));
  return {
    files: files.map((file) => file.path),
    folders: folders.map((folder) => folder.path).sort((a, b) => b.length - a.length),
  };
}

/** "a/b" and "a" for "a/b/c.txt". */
function parentsOf(path: string): string[] {
  const parents: string[] = [];
  for (let at = path.lastIndexOf('/'); at > 0; at = path.lastIndexOf('/', at - 1)) parents.push(path.slice(0, at));
  return parents;
}

/** "a, b and c", or "a, b, c and 4 more" past three names. */
export function someNames(names: readonly string[]): string {
  if (names.length <= 1) return names.join('');
  if (names.length > 3) return `${names.slice(0, 3).join(', ')} and ${names.length - 3} more`;
  return `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
}

/**
 * What `dir` (an existing folder) holds: nothing; an earlier export whose manifest lists every
 * file in it at its size (and nothing else but the folders holding them); with no manifest, just
 * the files one format's export writes (unlisted.ts); or something else. Without a manifest only
 * the top level is read (it may be a home folder of a million files), and the folders such an
 * export writes where every name at the top is one it writes.
 */
export function folderContents(dir: string): FolderContents {
  const entries = readdirSync(dir, { withFileTypes: true }).filter(
    (entry) => !isFinderFile(entry.name) && !IN_PROGRESS.test(entry.name),
  );
  const top = entries.map((entry) => (entry.isDirectory() ? `${entry.name}/` : entry.name)).sort();
  if (top.length === 0) return { kind: 'empty' };
  const manifest = readManifest(dir);
  const unlisted = manifest === NO_MANIFEST ? unlistedExportOf(dir, entries) : undefined;
  if (unlisted !== undefined) {
    const names = someNames(top.filter((name) => !unlisted.added.includes(name)));
    return { kind: 'unlisted', what: unlisted.what, names, added: someNames([...unlisted.added].sort()) };
  }
  if (typeof manifest === 'string') return { kind: 'other', why: `it holds ${someNames(top)} and ${manifest}` };
  const listed = new Map(manifest.files.map((file) => [file.path, file.bytes]));
  const isListedFolder = (path: string): boolean => manifest.files.some((file) => file.path.startsWith(`${path}/`));
  const extra: string[] = [];
  const changed: string[] = [];
  for (const entry of walk(dir)) {
    if (entry.path === EXPORT_MANIFEST || isFinderFile(basename(entry.path))) continue;
    if (extra.some((name) => name.endsWith('/') && entry.path.startsWith(name))) continue; // named by its folder
    if (entry.kind === 'folder' && isListedFolder(entry.path)) continue;
    const size = listed.get(entry.path);
    if (entry.kind !== 'file' || size === undefined)
      extra.push(entry.kind === 'folder' ? `${entry.path}/` : entry.path);
    else if (size !== entry.bytes) changed.push(entry.path);
  }
  if (extra.length === 0 && changed.length === 0) {
    const { files, bytes } = listFiles(dir);
    return { kind: 'export', format: manifest.format, files: files.length, bytes };
  }
  const parts = [
    ...(extra.length > 0 ? [`also ${someNames(extra)}, which that export did not write`] : []),
    ...(changed.length > 0 ? [`${someNames(changed)} changed since it was written`] : []),
  ];
  return { kind: 'altered', format: manifest.format, how: parts.join(', and ') };
}
