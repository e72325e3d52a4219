// One download of a repository at a time per cache, across processes (two terminals, the app
// and a terminal): `<cache>/.locks/models--<owner>--<name>.lock`, made exclusively, names the
// process that downloads (processIdentity.ts recordInName, as export folders' locks do). Its
// `.partial` files are written by that process alone. A lock whose process is gone (killed,
// crashed, a reboot, its pid taken since) is stale and taken over (stampLock.ts, as export
// folders lock). Not the in-process guard (services/models.ts `pulls`), which also lets a pull
// be cancelled. A pull holds it from its download until the snapshot is registered (whilePulling),
// and a removal from the cache while it deletes (whileNotPulled), so neither deletes nor
// downloads (nor registers) under the other. A removal frees space, so it runs on a disk too
// full for the lock's stamp, holding the lock empty (stampLock.ts takeBriefLock).

import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { recordInName, recordOfThisProcess } from '../../processIdentity';
import { liveStampHolder, releaseStampLock, takeBriefLock, takeStampLock } from '../../stampLock';
import { HubError, PULL_AGAIN } from './errors';

/** The lock file of `repoId` in the cache at `cacheRoot` (outside the repository's folder, which removals delete). */
export function pullLockPath(cacheRoot: string, repoId: string): string {
  return path.join(cacheRoot, '.locks', `models--${repoId.replace(/\//g, '--')}.lock`);
}

/**
 * Takes the pull lock of `repoId` for this process; returns what gives it back. A live holder is
 * a HubError 'busy' naming its pid.
 */
export function lockRepoPull(cacheRoot: string, repoId: string): () => void {
  const file = lockFile(cacheRoot, repoId);
  const stamp = recordInName(recordOfThisProcess(Date.now()));
  const holder = takeStampLock(file, stamp); // a stale lock taken over in one step, never removed and made anew
  if (holder !== null) throw busy(repoId, holder, 'pull'); // NaN: one making it just now, or others taking it over each try
  return () => releaseStampLock(file, stamp);
}

/**
 * Runs `work` (a pull: its download, then what the caller does with the snapshot) holding the
 * pull lock of `repoId`; a live holder is a HubError 'busy' naming its pid.
 */
export async function whilePulling<T>(cacheRoot: string, repoId: string, work: () => Promise<T>): Promise<T> {
  const unlock = lockRepoPull(cacheRoot, repoId);
  try {
    return await work();
  } finally {
    unlock();
  }
}

/**
 * Runs `remove` (deleting `repoId`'s files from the cache) holding its pull lock, so that no
 * pull downloads under it meanwhile: refused (HubError 'busy', naming the process) while a live
 * one pulls it; the lock of a process that has gone does not stop it. On a disk too full for the
 * lock's stamp the removal, which frees space, still runs, holding the lock empty (takeBriefLock).
 */
export function whileNotPulled<T>(cacheRoot: string, repoId: string, remove: () => T): T {
  const file = lockFile(cacheRoot, repoId);
  const taken = takeBriefLock(file, recordInName(recordOfThisProcess(Date.now())));
  if (typeof taken === 'number') throw busy(repoId, taken, 'remove');
  try {
    return remove();
  } finally {
    taken();
  }
}

/** The pull lock file of `repoId`, its folder made. */
function lockFile(cacheRoot: string, repoId: string): string {
  const file = pullLockPath(cacheRoot, repoId);
  mkdirSync(path.dirname(file), { recursive: true });
  return file;
}

const PULL_WAIT = `wait for it to finish, ${PULL_AGAIN}: what it fetched is kept, and the model comes from the cache`;
const REMOVE_WAIT = 'removing its files would pull them out from under it';

/** The refusal of a pull or a removal of `repoId` while the process `pid` pulls it (NaN: one not named yet). */
function busy(repoId: string, pid: number, refused: 'pull' | 'remove'): HubError {
  const isHere = pid === process.pid;
  if (refused === 'pull' && isHere)
    return new HubError('busy', `${repoId} is being pulled already (pid ${pid}, this process); ${PULL_WAIT}`);
  const wait =
    refused === 'pull'
      ? PULL_WAIT
      : isHere
        ? `${REMOVE_WAIT}: cancel that download or wait for it to end, then remove it`
        : `${REMOVE_WAIT}: try again when that pull has ended`;
  return new HubError('busy', `${repoId} is being pulled by ${puller(repoId, pid)}; ${wait}`);
}

/** The pid of the live process that holds the pull lock of `repoId` (NaN: one not named yet); null when none does. */
export function repoPuller(cacheRoot: string, repoId: string): number | null {
  return liveStampHolder(pullLockPath(cacheRoot, repoId));
}

/**
 * The refusal of removing the model of `repoId` (models rm OWNER/NAME) while the process `pid`
 * pulls it and has registered no model from it yet (NaN: one not named yet).
 */
export function notRegisteredYet(repoId: string, pid: number): HubError {
  const when =
    pid === process.pid
      ? 'that download ends: remove it then, or cancel the download'
      : 'that pull ends: try again then';
  return new HubError(
    'busy',
    `No model registered from ${repoId} yet: it is being pulled by ${puller(repoId, pid)}, which registers its model when ${when}`,
  );
}

/** The process `pid` that pulls `repoId`, in words (NaN: one not named yet). */
function puller(repoId: string, pid: number): string {
  if (pid === process.pid) return `this process (pid ${pid})`;
  if (Number.isNaN(pid)) return 'another Spanfill process';
  return (
    `another Spanfill process (pid ${pid}: \`spanfill models pull ${repoId}\` in a terminal, or a Spanfill window or ` +
    '`spanfill serve` on this data directory)'
  );
}
