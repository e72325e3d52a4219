// Finder's folder settings, .DS_Store: macOS writes one into any folder a person opens in Finder,
// at any depth, and it is never anyone's data. Every look at what an export folder holds (the
// listed export's walk, the top level, the layout walk of an export with no list) passes over it,
// by this one test. Its own file: manifest.ts imports unlisted.ts, and both need it.

/** Finder's folder settings file. */
export const FINDER_FILE = '.DS_Store';

/** Whether an entry named `name` (a base name, at any depth) is Finder's folder settings. */
export function isFinderFile(name: string): boolean {
  return name === FINDER_FILE;
}
