// Export destinations: refuse a non-empty folder unless forced, build everything in a hidden
// sibling folder and rename it into place at the end, so a cancelled or failed export leaves
// nothing half-written (and a forced one keeps the old folder until the new one is complete).

import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

export class ExportError extends Error {
  override name = 'ExportError';

  /** 'not-empty': the destination holds files and the export was not forced (asking again with force may replace them). */
  constructor(
    message: string,
    readonly kind: 'not-empty' | 'other' = 'other',
  ) {
    super(message);
  }
}

/** Throws ExportError when `out` is a file, or a non-empty folder and `force` is false. */
export function checkDestination(out: string, force: boolean): void {
  if (!existsSync(out)) return;
  if (!statSync(out).isDirectory())
    throw new ExportError(`${out} is a file, not a folder; give the path of a new or empty folder`);
  if (!force && readdirSync(out).length > 0) {
    throw new ExportError(
      `${out} is not empty; choose an empty or new folder, or pass --force to replace it`,
      'not-empty',
    );
  }
}

/**
 * Runs `write(tempDir)` in a fresh sibling of `out`, then puts it in place of `out`. On any
 * error (an abort included) the temp folder is removed and `out` is untouched.
 */
export async function writeFolderAtomically(
  out: string,
  force: boolean,
  write: (dir: string) => Promise<void>,
): Promise<string> {
  const target = resolve(out);
  checkDestination(target, force);
  mkdirSync(dirname(target), { recursive: true });
  const stamp = `${process.pid}.${Date.now()}`;
  const temp = join(dirname(target), `.${basename(target)}.export-${stamp}`);
  mkdirSync(temp);
  try {
    await write(temp);
  } catch (error) {
    rmSync(temp, { recursive: true, force: true });
    throw error;
  }
  if (existsSync(target)) {
    const old = join(dirname(target), `.${basename(target)}.replaced-${stamp}`);
    renameSync(target, old);
    renameSync(temp, target);
    rmSync(old, { recursive: true, force: true });
  } else {
    renameSync(temp, target);
  }
  return target;
}
