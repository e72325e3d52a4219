// How a pause or stop reaches a run that another process trains or starts: a stop-request file
// in the run's folder (runFolders.ts runStopRequestPath) holding 'paused' or 'stopped', which the
// process that has the run reads before it launches its trainer and while the trainer runs
// (runsControl.ts), and which a resume queues the run past when one is left from before
// (queuePastStaleRequest). Also what a pause or stop says when there is nothing live to end, or
// when the run has not ended within the wait.

import { linkSync, readFileSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { makeFolder } from '../makeFolder';
import { RESUMABLE_STATUSES } from '../../shared/contract/runResults';
import type { RunRow } from '../store/runs';
import { runStopRequestPath } from './runFolders';
import { isRunOwnerAlive } from './runsLock';

/** How a halted run ends: paused or stopped. */
export type HaltedAs = 'paused' | 'stopped';

/**
 * Asks the process that has run `id` to end it `as` (paused or stopped). Written aside, then
 * renamed: that process, which looks every 200 ms, never reads it empty (and stops a pause).
 * The run's folder is made if need be: a new run is queued (live) a moment before its folder is.
 */
export function askToStop(dataDir: string, id: string, as: HaltedAs): void {
  const file = runStopRequestPath(dataDir, id);
  makeFolder(path.dirname(file));
  const aside = `${file}.${process.pid}.tmp`;
  writeFileSync(aside, as);
  renameSync(aside, file);
}

/** What a stop request asks of run `id`, taking it (it is answered once); undefined without one. */
export function takeStopRequest(dataDir: string, id: string): HaltedAs | undefined {
  const file = runStopRequestPath(dataDir, id);
  let asked: string;
  try {
    asked = readFileSync(file, 'utf8');
    unlinkSync(file);
  } catch {
    return undefined;
  }
  return asked.trim() === 'paused' ? 'paused' : 'stopped';
}

/**
 * Queues run `id` again (`queue`: whether it did) past a stop request left from before (its
 * asker killed as it waited): moved aside first, then dropped once the run is queued, so that a
 * request written as soon as it is (another process sees it live) is left for the process that
 * starts it, not removed with the stale one. Put back when it is not queued (another process
 * resumed it meanwhile: it may be for that one), unless a newer one is there.
 */
export function queuePastStaleRequest(dataDir: string, id: string, queue: () => boolean): boolean {
  const file = runStopRequestPath(dataDir, id);
  const aside = `${file}.${process.pid}.stale`;
  let isAside = true;
  try {
    renameSync(file, aside);
  } catch {
    isAside = false; // none was left
  }
  let isQueued = false;
  try {
    isQueued = queue();
    return isQueued;
  } finally {
    if (isAside && !isQueued) putBack(aside, file);
    if (isAside) rmSync(aside, { force: true });
  }
}

/** Stop request `aside` back at `file`, unless a newer one is there (link: never over it). */
function putBack(aside: string, file: string): void {
  try {
    linkSync(aside, file);
  } catch {
    // A newer request is there: it answers for both.
  }
}

/** Whether run `row` trains, or starts to, in a process that still runs: what a pause or stop can end. */
export function isLive(row: RunRow): boolean {
  return (row.status === 'running' || row.status === 'queued') && isRunOwnerAlive(row);
}

/** Why a pause or stop (`as`) asked of live run `row` has not ended it within the wait, and what to do. */
export function notStoppedYet(row: RunRow, as: HaltedAs): string {
  const verb = as === 'paused' ? 'pause' : 'stop';
  if (row.status === 'queued')
    return (
      `Run ${row.id} is still starting to train after 2 minutes (pid ${row.ownerPid}); it ends ${as} before it ` +
      `trains a step: \`spanfill runs show ${row.id}\` says when it has, or ${verb} it again`
    );
  return `Run ${row.id} did not stop within 2 minutes (pid ${row.ownerPid}); try again`;
}

/**
 * Why run `row` cannot be paused or stopped (`as`), not training or starting to, and what can be
 * done instead: resume or remove one that can resume (a run marked running or queued whose
 * process has gone is interrupted), and nothing for a completed one.
 */
export function notRunning(row: RunRow, as: HaltedAs): string {
  const { id } = row;
  const verb = as === 'paused' ? 'pause' : 'stop';
  const status = row.status === 'running' || row.status === 'queued' ? 'interrupted' : row.status;
  if (!RESUMABLE_STATUSES.includes(status))
    return `Run ${id} is ${status}: there is nothing to ${verb}; start a new run to train more`;
  return (
    `Run ${id} is ${status}, not running: there is nothing to ${verb}. Resume (in a terminal: ` +
    `\`spanfill runs resume ${id}\`) continues it; Remove (\`spanfill runs rm ${id}\`) deletes it`
  );
}
