// Finding what to import: explicit files and folders walked recursively by extension,
// each with its format from the extension. Not reading them (import.ts does that).
import { readdir, stat } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { DataError } from './errors';

export type SourceFormat = 'text' | 'jsonl' | 'csv' | 'tsv';

export interface SourceFile {
  readonly path: string;
  readonly format: SourceFormat;
  readonly bytes: number;
  /** Found by walking a folder (then an empty file is skipped rather than an error). */
  readonly isFromFolder: boolean;
}

const FORMAT_BY_EXTENSION: Readonly<Record<string, SourceFormat>> = {
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
export const FOLDER_EXTENSIONS: readonly string[] = Object.keys(FORMAT_BY_EXTENSION);

/** Format for a named file; unknown extensions read as plain text (binary files still fail). */
export function formatForPath(path: string): SourceFormat {
  const ext = extname(path).toLowerCase();
  if (ext === '.json') {
    throw new DataError(
      'unsupported-file',
      `${path} is a JSON file; import JSON Lines instead (one object per line, .jsonl) with the text in a field`,
      path,
    );
  }
  return FORMAT_BY_EXTENSION[ext] ?? 'text';
}

async function walk(dir: string, extensions: ReadonlySet<string>, out: SourceFile[]): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue; // hidden files and folders (.git, .DS_Store)
    const path = join(dir, entry.name);
    if (entry.isDirectory()) await walk(path, extensions, out);
    else if (entry.isFile() && extensions.has(extname(entry.name).toLowerCase())) {
      out.push({ path, format: formatForPath(path), bytes: (await stat(path)).size, isFromFolder: true });
    }
  }
}

/** Expands paths (files or folders) into the files to import, in a stable order. */
export async function resolveSources(
  paths: readonly string[],
  extensions: readonly string[] = FOLDER_EXTENSIONS,
): Promise<SourceFile[]> {
  if (paths.length === 0) throw new DataError('not-found', 'Nothing to import: give at least one file or folder');
  const wanted = new Set(extensions.map((e) => (e.startsWith('.') ? e : `.${e}`).toLowerCase()));
  const out: SourceFile[] = [];
  for (const path of paths) {
    const info = await stat(path).catch(() => null);
    if (info === null) throw new DataError('not-found', `${path} does not exist`, path);
    if (info.isDirectory()) {
      const before = out.length;
      await walk(path, wanted, out);
      if (out.length === before) {
        throw new DataError('not-found', `${basename(path)}/ has no files ending in ${[...wanted].join(', ')}`, path);
      }
    } else {
      out.push({ path, format: formatForPath(path), bytes: info.size, isFromFolder: false });
    }
  }
  return out;
}
