// The same file given more than once in one import (the same path twice, a.txt and ./a.txt, a
// link and its target, a file on its own and inside a folder given too, two folders that
// overlap) is imported once, and the import says so in one note for each repeat. Files are told
// apart by device and inode, so any name of a file is the file; where the system gives no
// usable inode (0, or past 2^53 as some Windows file systems' are) by the path with links
// followed. Used by sources.ts while it lists what to import.

import type { Stats } from 'node:fs';
import { realpath } from 'node:fs/promises';
import { resolve } from 'node:path';

/** Where a file was first found: its path and the path given (itself, or a folder holding it). */
interface Found {
  readonly path: string;
  readonly given: string;
  readonly isInFolder: boolean;
}

/** A path given again as a whole: the first spelling and each later one. */
interface GivenAgain {
  readonly first: string;
  readonly again: string[];
}

/** The file (or folder) itself, whatever path names it. */
async function identity(path: string, info: Stats): Promise<string> {
  if (info.ino > 0 && Number.isSafeInteger(info.ino)) return `${info.dev}:${info.ino}`;
  return `path:${await realpath(path).catch(() => resolve(path))}`;
}

const timesGiven = (n: number): string => (n === 2 ? 'twice' : `${n} times`);

/** How a path was given: on its own, or in a folder given. */
const givenHow = (found: Found): string => (found.isInFolder ? `in ${found.given}` : 'on its own');

export class SourceRepeats {
  /** Files taken so far, by identity. */
  private readonly files = new Map<string, Found>();
  /** Paths given (files and folders), by identity, with the later spellings of each. */
  private readonly givenPaths = new Map<string, GivenAgain>();
  /** Files given or found again under another given path, by that path. */
  private readonly repeatsByGiven = new Map<string, { readonly found: Found; readonly earlier: Found }[]>();

  /** False when `path`, given as a whole (a file or a folder), was given before: it is not taken again. */
  async takeGiven(path: string, info: Stats): Promise<boolean> {
    const id = `${info.isDirectory() ? 'folder' : 'file'} ${await identity(path, info)}`;
    const earlier = this.givenPaths.get(id);
    if (earlier !== undefined) {
      earlier.again.push(path);
      return false;
    }
    this.givenPaths.set(id, { first: path, again: [] });
    return info.isDirectory() || this.takeFile(path, info, path, false);
  }

  /** False when the file at `path` (found under `given`) was taken before; it is not taken again. */
  async takeFile(path: string, info: Stats, given: string, isInFolder: boolean): Promise<boolean> {
    const id = await identity(path, info);
    const found: Found = { path, given, isInFolder };
    const earlier = this.files.get(id);
    if (earlier === undefined) {
      this.files.set(id, found);
      return true;
    }
    const repeats = this.repeatsByGiven.get(given) ?? [];
    if (repeats.length === 0) this.repeatsByGiven.set(given, repeats);
    repeats.push({ found, earlier });
    return false;
  }

  /** One note for each path given again, and one for each given path holding files taken before. */
  notes(): string[] {
    const notes: string[] = [];
    for (const { first, again } of this.givenPaths.values()) {
      if (again.length === 0) continue;
      const others = [...new Set(again.filter((p) => p !== first))];
      const also = others.length > 0 ? ` (also as ${others.join(', ')})` : '';
      notes.push(`${first} was given ${timesGiven(again.length + 1)}${also}; it was imported once`);
    }
    for (const [given, repeats] of this.repeatsByGiven) {
      if (repeats.length > 1) {
        const shown = repeats.slice(0, 3).map((r) => r.found.path);
        const more = repeats.length > 3 ? ', …' : '';
        notes.push(
          `${repeats.length} files in ${given} were given already, by this path or another (${shown.join(', ')}${more}); ` +
            'each was imported once',
        );
        continue;
      }
      const [{ found, earlier }] = repeats;
      notes.push(
        found.path === earlier.path
          ? `${found.path} was given twice (${givenHow(earlier)} and ${givenHow(found)}); it was imported once`
          : `${found.path} is the same file as ${earlier.path}; it was imported once`,
      );
    }
    return notes;
  }
}
