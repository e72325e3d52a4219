// File names that are not valid UTF-8 (Latin-1 café.txt from an old archive or a Windows zip
// unpacked on Linux). Node reads such a name, from the command line or a folder listing, with
// U+FFFD for each odd byte: a name no file has, so opening it fails with ENOENT. A folder
// listed in bytes keeps the real name to open the file by, and a path given as text is looked
// up by its bytes in its folders. Used by the import (sources.ts) and by the CLI's text files
// (cli/textInput.ts); the words are shared/fileErrors.ts's.

import { isUtf8 } from 'node:buffer';
import { readdir } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';

/**
 * A path twice: as text, for messages and the store (with U+FFFD where a name is not UTF-8),
 * and as the file system has it, to open it by: the same text, or the bytes where they differ.
 */
export interface FilePath {
  readonly path: string;
  readonly opens: string | Buffer;
}

/** Whether `file` can be opened only by its bytes (a name on the way is not valid UTF-8). */
export const isOpenedByBytes = (file: FilePath): boolean => typeof file.opens !== 'string';

/** `name` (bytes, from a listing of `dir` in bytes) inside `dir`. */
export function childPath(dir: FilePath, name: Buffer): FilePath {
  const path = join(dir.path, name.toString('utf8'));
  if (typeof dir.opens === 'string' && isUtf8(name)) return { path, opens: join(dir.opens, name.toString('utf8')) };
  return { path, opens: Buffer.concat([Buffer.from(dir.opens), Buffer.from(sep), name]) };
}

const REPLACEMENT = '\ufffd';

/**
 * The paths in bytes that `path`, read with U+FFFD for bytes that were not UTF-8, may stand
 * for: each folder on the way whose name holds U+FFFD is listed in bytes, and each entry that
 * reads as it is taken. None when `path` holds no U+FFFD (it is the name itself) or nothing
 * reads as it; at most `limit` (more than one: the name is ambiguous, and says how many).
 */
export async function byteSpellings(path: string, limit = 10): Promise<Buffer[]> {
  if (!path.includes(REPLACEMENT)) return [];
  const [root, ...parts] = resolve(path).split(sep);
  let found: Buffer[] = [Buffer.from(root)];
  for (const part of parts) {
    const next: Buffer[] = [];
    for (const folder of found) {
      const inside = (name: Buffer): Buffer => Buffer.concat([folder, Buffer.from(sep), name]);
      if (!part.includes(REPLACEMENT)) {
        next.push(inside(Buffer.from(part)));
        continue;
      }
      const names = await readdir(folder.length === 0 ? sep : folder, { encoding: 'buffer' }).catch(() => []);
      for (const name of names) if (name.toString('utf8') === part) next.push(inside(name));
    }
    found = next.slice(0, limit);
  }
  return found;
}
