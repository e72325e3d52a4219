// Finding what to import: explicit files and folders walked recursively by extension (a
// linked folder is walked like a folder, once), each with its format from the extension.
// Only regular files and folders qualify: a named pipe, socket or device is refused by name
// before anything opens it (opening a FIFO for reading blocks until a writer appears). A name
// that is not valid UTF-8 is found by its bytes and noted (fileNames.ts). Not reading the files
// (import.ts does that).
import type { Stats } from 'node:fs';
import { lstat, readdir, readlink, stat } from 'node:fs/promises';
import { basename, extname, resolve } from 'node:path';
import { DataError } from './errors';
import { byteSpellings, childPath, isOpenedByBytes, type FilePath } from './fileNames';
import { SourceRepeats } from './sourceRepeats';
import {
  ambiguousNotUtf8Reason,
  isMissingPathError,
  notUtf8NamesNote,
  unreadableFileReason,
} from '../../../shared/fileErrors';
import { folderExtensions, formatByExtension, passedOverNote, type SourceFormat } from '../../../shared/importFormats';

export type { SourceFormat };

/** `path` for messages and the store; `opens`, what to open it by (its bytes, where not UTF-8). */
export interface SourceFile extends FilePath {
  readonly format: SourceFormat;
  readonly bytes: number;
  /** Found by walking a folder (then an empty file is skipped rather than an error). */
  readonly isFromFolder: boolean;
}

/** Text files whose contents are not the text itself: why each is refused and what to import instead. */
const REFUSED_EXTENSIONS: Readonly<Record<string, string>> = {
  '.json':
    "is a JSON file; import JSON Lines instead (one object per line, .jsonl) with the text in a field (`jq -c '.[]' FILE.json > FILE.jsonl` converts an array of objects)",
  '.rtf': 'is Rich Text Format, whose markup would be trained on as text; save it as plain text (.txt) and import that',
};

/** Format for a named file; unknown extensions read as plain text (binary files still fail). */
export function formatForPath(path: string): SourceFormat {
  const ext = extname(path).toLowerCase();
  const refused = REFUSED_EXTENSIONS[ext];
  if (refused !== undefined) throw new DataError('unsupported-file', `${path} ${refused}`, path);
  return formatByExtension[ext] ?? 'text';
}

/** "a named pipe (FIFO)" etc. for what is neither a regular file nor a folder; null otherwise. */
export function specialFileKind(info: Stats): string | null {
  if (info.isFile() || info.isDirectory()) return null;
  if (info.isFIFO()) return 'a named pipe (FIFO)';
  if (info.isSocket()) return 'a socket';
  if (info.isCharacterDevice()) return 'a character device';
  if (info.isBlockDevice()) return 'a block device';
  return 'not a regular file';
}

/** The refusal for a special file: the same words whether found by stat or after opening. */
export function notARegularFile(path: string, kind: string): DataError {
  return new DataError(
    'unsupported-file',
    `${path} is ${kind}, not a regular file; only files and folders can be imported (save the text to a file first)`,
    path,
  );
}

/**
 * A file-system error on `path` in words (a loop, a dangling link, a missing path,
 * permissions); a DataError passes through unchanged.
 */
export async function pathError(path: string, error: unknown, opens: string | Buffer = path): Promise<DataError> {
  return error instanceof DataError ? error : statFailure({ path, opens }, error);
}

/** A file-system error on `file` in words (fileErrors.ts); a missing path that is a link names where it leads. */
async function statFailure({ path, opens }: FilePath, error: unknown): Promise<DataError> {
  const isMissing = isMissingPathError(error);
  const link = isMissing ? await lstat(opens).catch(() => null) : null;
  if (link?.isSymbolicLink()) {
    const target = await readlink(opens, 'utf8').catch(() => '?');
    const shown = resolve(path, '..', target);
    return new DataError('not-found', `${path} is a symbolic link to ${shown}, which does not exist`, path);
  }
  return new DataError(isMissing ? 'not-found' : 'unreadable', `${path} ${unreadableFileReason(error)}`, path);
}

/** stat() that follows links and turns every failure into a DataError naming `file`. */
async function statSource(file: FilePath): Promise<Stats> {
  try {
    return await stat(file.opens);
  } catch (e) {
    throw await statFailure(file, e);
  }
}

/**
 * A path given, with its stats; one missing as written that holds U+FFFD is found by its bytes
 * (a name that is not valid UTF-8: fileNames.ts), refused when several files read as it.
 */
async function statGiven(path: string): Promise<{ file: FilePath; info: Stats }> {
  const file = { path, opens: path };
  const info = await stat(path).catch((e: unknown) => e as Error);
  if (!(info instanceof Error)) return { file, info };
  const spellings = isMissingPathError(info) ? await byteSpellings(path) : [];
  if (spellings.length > 1)
    throw new DataError('unreadable', `${path} ${ambiguousNotUtf8Reason(spellings.length)}`, path);
  if (spellings.length === 0) throw await statFailure(file, info);
  const found = { path, opens: spellings[0] };
  return { file: found, info: await statSource(found) };
}

/** "Skipped …" text for a file among others that cannot be imported; `message` starts with the path. */
export function skipWarning(path: string, message: string): string {
  const reason = message.startsWith(`${path} `) ? message.slice(path.length + 1) : message;
  return `Skipped ${path}: it ${reason}`;
}

export interface ResolveOptions {
  /** Extensions picked up inside folders. Default folderExtensions (shared/importFormats.ts). */
  readonly extensions?: readonly string[];
  /** Told about each file in a folder that is skipped (a FIFO, a link loop), as a warning. */
  readonly onSkip?: (warning: string) => void;
  /** Checked at every folder entry, so walking a huge tree can be cancelled. */
  readonly signal?: AbortSignal;
}

interface Walk {
  readonly extensions: ReadonlySet<string>;
  /** Files passed over for their extension, counted by it ('' for none), for one note per folder. */
  readonly passedOver: Map<string, number>;
  readonly out: SourceFile[];
  /** The path given that is being walked, and how many files with a wanted extension it holds. */
  readonly given: { path: string; files: number };
  /** Files already taken (a file given on its own, a link to one): each is imported once. */
  readonly repeats: SourceRepeats;
  readonly onSkip: (warning: string) => void;
  readonly signal: AbortSignal | undefined;
  /** Folders walked under this root, by device and inode: a linked folder is walked once. */
  readonly walked: Set<string>;
}

/** A linked folder's stats, or null for a link to anything else (or to nothing). */
async function linkedFolder(file: FilePath): Promise<Stats | null> {
  const info = await stat(file.opens).catch(() => null);
  return info?.isDirectory() ? info : null;
}

/** Names as text, in order (as they were sorted before names were listed in bytes), then by their bytes. */
const byName = (a: { name: Buffer }, b: { name: Buffer }): number => {
  const [x, y] = [a.name.toString('utf8'), b.name.toString('utf8')];
  return x < y ? -1 : x > y ? 1 : Buffer.compare(a.name, b.name);
};

async function walk(dir: FilePath, w: Walk, info: Stats): Promise<void> {
  const id = `${info.dev}:${info.ino}`;
  if (w.walked.has(id)) return;
  w.walked.add(id);
  // In bytes: a name that is not valid UTF-8 is opened by its bytes (fileNames.ts).
  const entries = await readdir(dir.opens, { withFileTypes: true, encoding: 'buffer' }).catch(async (e: unknown) => {
    throw await statFailure(dir, e);
  });
  entries.sort(byName);
  for (const entry of entries) {
    w.signal?.throwIfAborted();
    if (entry.name[0] === 0x2e) continue; // '.': hidden files and folders (.git, .DS_Store)
    const file = childPath(dir, entry.name);
    const { path } = file;
    // A linked folder is followed like a folder; `walked` keeps a link cycle from going on.
    const folder = entry.isDirectory()
      ? await statSource(file)
      : entry.isSymbolicLink()
        ? await linkedFolder(file)
        : null;
    if (folder !== null) {
      await walk(file, w, folder);
      continue;
    }
    const ext = extname(path).toLowerCase();
    if (!w.extensions.has(ext)) {
      w.passedOver.set(ext, (w.passedOver.get(ext) ?? 0) + 1);
      continue;
    }
    let info: Stats;
    try {
      info = await statSource(file); // follows a link to a file
    } catch (e) {
      if (!(e instanceof DataError)) throw e;
      w.onSkip(skipWarning(path, e.message));
      continue;
    }
    if (info.isDirectory()) continue;
    const kind = specialFileKind(info);
    if (kind !== null) {
      w.onSkip(`Skipped ${path}: it is ${kind}, not a regular file`);
      continue;
    }
    w.given.files++; // one imported before still counts: the folder has something to import
    if (await w.repeats.takeFile(path, info, w.given.path, true))
      w.out.push({ ...file, format: formatForPath(path), bytes: info.size, isFromFolder: true });
  }
}

/** Walks a folder given to import; one without a file to import is an error. */
async function walkGiven(dir: FilePath, w: Walk, info: Stats): Promise<void> {
  const { path } = dir;
  w.given.path = path;
  w.given.files = 0;
  w.walked.clear();
  await walk(dir, w, info);
  if (w.passedOver.size > 0) w.onSkip(passedOverNote(path, w.passedOver, [...w.extensions]));
  w.passedOver.clear();
  if (w.given.files === 0) {
    throw new DataError('not-found', `${basename(path)}/ has no files ending in ${[...w.extensions].join(', ')}`, path);
  }
}

/**
 * Expands paths (files or folders) into the files to import, in a stable order. Files in a
 * folder that cannot be read (a FIFO, a link loop) are skipped and described to `onSkip`;
 * the same given directly fail with a DataError. A file given twice, by any path, is listed once
 * (sourceRepeats.ts says so to `onSkip`).
 */
export async function resolveSources(paths: readonly string[], options: ResolveOptions = {}): Promise<SourceFile[]> {
  if (paths.length === 0) throw new DataError('not-found', 'Nothing to import: give at least one file or folder');
  const extensions = options.extensions ?? folderExtensions;
  const wanted = new Set(extensions.map((e) => (e.startsWith('.') ? e : `.${e}`).toLowerCase()));
  const out: SourceFile[] = [];
  const onSkip = options.onSkip ?? (() => undefined);
  const w: Walk = {
    extensions: wanted,
    passedOver: new Map(),
    out,
    given: { path: '', files: 0 },
    repeats: new SourceRepeats(),
    onSkip,
    signal: options.signal,
    walked: new Set(),
  };
  for (const path of paths) {
    options.signal?.throwIfAborted();
    const { file, info } = await statGiven(path);
    const kind = specialFileKind(info);
    if (kind !== null) throw notARegularFile(path, kind);
    if (!(await w.repeats.takeGiven(path, info))) continue;
    if (info.isDirectory()) await walkGiven(file, w, info);
    else out.push({ ...file, format: formatForPath(path), bytes: info.size, isFromFolder: false });
  }
  for (const note of w.repeats.notes()) onSkip(note);
  const byBytes = out.filter(isOpenedByBytes);
  if (byBytes.length > 0) onSkip(notUtf8NamesNote(byBytes.map((source) => source.path)));
  return out;
}
