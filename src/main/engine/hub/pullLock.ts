// One download of a repository at a time per cache, across processes (two terminals, the app
// and a terminal): `<cache>/.locks/models--<owner>--<name>.lock`, made exclusively, names the
// process that downloads (processIdentity.ts recordInName, as export folders' locks do). Its
// `.partial` files are written by that process alone. A lock whose process is gone (killed,
// crashed, a reboot, its pid taken since) is stale and taken over (stampLock.ts, as export
// folders lock). Not the in-process guard (services/models.ts `pulls`), which also lets a pull
// be cancelled.

import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { recordInName, recordOfThisProcess } from '../../processIdentity';
import { createStampLock, liveStampHolder, releaseStampLock } from '../../stampLock';
import { HubError } from './errors';

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
    if (createStampLock(file, stamp)) return () => releaseStampLock(file, stamp);
    const holder = liveStampHolder(file);
    if (holder !== null) throw busy(repoId, holder);
    rmSync(file, { force: true }); // stale: its process is gone
  }
  throw new HubError('busy', `Could not take the pull lock ${file} of ${repoId}; pull again`);
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
