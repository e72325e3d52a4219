// One download of a repository at a time per cache, across processes (two terminals, the app
// and a terminal): `<cache>/.locks/models--<owner>--<name>.lock`, made exclusively, names the
// process that downloads (processIdentity.ts recordInName, as export folders' locks do). Its
// `.partial` files are written by that process alone. A lock whose process is gone (killed,
// crashed, a reboot, its pid taken since) is stale and taken over. Not the in-process guard
// (services/models.ts `pulls`), which also lets a pull be cancelled.

import { closeSync, lstatSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import { isRecordedProcessAlive, recordInName, recordOfName, recordOfThisProcess } from '../../processIdentity';
import { HubError } from './errors';

/** A lock this old and still empty or unreadable was left by a process killed as it made it. */
const UNREADABLE_LOCK_MS = 60_000;

/** The lock file of `repoId` in the cache at `cacheRoot` (outside the repository's folder, which removals delete). */
export function pullLockPath(cacheRoot: string, repoId: string): string {
  return path.join(cacheRoot, '.locks', `models--${repoId.replace(/\//g, '--')}.lock`);
}

/**
 * Takes the pull lock of `repoId` for this process; returns what gives it back. A live holder is
 * a HubError 'busy' naming its pid.
 */
export function lockRepoPull(cacheRoot: string, repoId: string): () => void {
  const file = pullLockPath(cacheRoot, repoId);
  mkdirSync(path.dirname(file), { recursive: true });
  const stamp = recordInName(recordOfThisProcess(Date.now()));
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      try {
        writeSync(fd, stamp);
      } finally {
        closeSync(fd);
      }
      return () => {
        if (readOrNull(file) === stamp) rmSync(file, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = liveHolder(file);
    if (holder !== null) throw busy(repoId, holder);
    rmSync(file, { force: true }); // stale: its process is gone
  }
  throw new HubError('busy', `Could not take the pull lock ${file} of ${repoId}; pull again`);
}

/** The pid holding `file` while its process runs (NaN while a lock just made is still empty); null when stale or gone. */
function liveHolder(file: string): number | null {
  const text = readOrNull(file);
  if (text === null) return null;
  const holder = recordOfName(text.trim());
  if (holder !== null) return isRecordedProcessAlive(holder) ? holder.pid : null;
  try {
    return Date.now() - lstatSync(file).mtimeMs < UNREADABLE_LOCK_MS ? Number.NaN : null;
  } catch {
    return null; // gone meanwhile
  }
}

function readOrNull(file: string): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

function busy(repoId: string, pid: number): HubError {
  const wait = 'wait for it to finish, then pull again: what it fetched is kept, and the model comes from the cache';
  if (pid === process.pid)
    return new HubError('busy', `${repoId} is being pulled already (pid ${pid}, this process); ${wait}`);
  const who = Number.isNaN(pid)
    ? 'another Spanfill process'
    : `another Spanfill process (pid ${pid}: \`spanfill models pull ${repoId}\` in a terminal, or a Spanfill window or \`spanfill serve\` on this data directory)`;
  return new HubError('busy', `${repoId} is being pulled by ${who}; ${wait}`);
}
