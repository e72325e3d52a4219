// Where the bundled resources/ folder is at run time, and the sample text in it: in a packaged
// app electron-builder copies it to `<process.resourcesPath>/resources` (package.json "build"
// extraResources); from a checkout (source through tsx, or the out/main bundle) it is the
// package root's resources/. resources/README.md says what the sample is and where it is from.

import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** A file every resources folder has: how a candidate folder is recognised. */
const SAMPLE_RELATIVE = path.join('sample', 'sample.txt');
const HELD_OUT_RELATIVE = path.join('sample', 'heldout.txt');

/** Candidate folders, most specific first (the packaged copy, then the checkout's). */
export function resourcesCandidates(here: string = path.dirname(fileURLToPath(import.meta.url))): string[] {
  const candidates: string[] = [];
  // NOTE: Electron sets process.resourcesPath; plain Node leaves it undefined.
  const packaged = (process as { resourcesPath?: string }).resourcesPath;
  if (typeof packaged === 'string') candidates.push(path.join(packaged, 'resources'));
  for (let dir = here; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) {
      candidates.push(path.join(dir, 'resources'));
      break;
    }
    if (path.dirname(dir) === dir) break;
  }
  return candidates;
}

/** The resources folder; throws naming every place looked at when none is there. */
export function resourcesDir(candidates: readonly string[] = resourcesCandidates()): string {
  const found = candidates.find((dir) => existsSync(path.join(dir, SAMPLE_RELATIVE)));
  if (found !== undefined) return found;
  throw new Error(
    `Spanfill's bundled resources are missing (looked for ${SAMPLE_RELATIVE} in ${candidates.join(', ') || 'no folder'}); reinstall the app or run from a complete checkout`,
  );
}

/** The bundled sample text (public domain; see resources/README.md), imported like any .txt file. */
export function sampleTextPath(dir: string = resourcesDir()): string {
  return path.join(dir, SAMPLE_RELATIVE);
}

/**
 * Sentences kept out of sample.txt for evaluating a model trained on it, one per line.
 * Each is a whole paragraph of the original, so none occurs in the training text.
 */
export function heldOutSentences(dir: string = resourcesDir()): string[] {
  return readFileSync(path.join(dir, HELD_OUT_RELATIVE), 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
}
