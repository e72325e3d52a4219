// One trainer per data directory: a lock file `<data>/runs/trainer.lock` holding the pid of
// the process that trains, when it started and the run it trains. A second process is refused
// with that pid and run from the moment the lock is taken, before the run is marked running
// (refusing was chosen over queueing: a queue would need a process that outlives the CLI
// command to drain it). A lock whose process no longer runs (its pid gone, or taken by another process since:
// processIdentity.ts, by boot id and start ticks on Linux) is stale and taken over. Also: whether a run's owner is alive
// (interrupted runs), and the runs training now (what removing a dataset or a model must not
// pull from under them).

import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ApiError, errorMessage } from '../../shared/errors';
import { StoreError, WRITE_ACCESS_ADVICE } from '../store/db';
import {
  isRecordedProcessAlive,
  readProcessIdentity,
  recordOfThisProcess,
  type RecordedProcess,
} from '../processIdentity';
import type { RunRepository, RunRow } from '../store/runs';
import { createStampLock, isLockBeingMade, releaseStampLock, replaceStaleLock } from '../stampLock';
import { runsFolder } from './runFolders';

/**
 * Whether the process that owns a run still runs: its pid, and its start time where the row has
 * one (schema 006), its boot id and start ticks where it has them (Linux, schema 007).
 */
export function isRunOwnerAlive(
  run: Pick<RunRow, 'ownerPid' | 'ownerStartedAt' | 'ownerBootId' | 'ownerStartTicks'>,
): boolean {
  if (run.ownerPid === null) return false;
  const { ownerPid: pid, ownerStartedAt: ranAt, ownerBootId: bootId, ownerStartTicks: startTicks } = run;
  return isRecordedProcessAlive({ pid, ranAt, bootId, startTicks });
}

/** This process as the owner a run's row records (isRunOwnerAlive reads it back). */
export function thisProcessAsOwner(): Pick<RunRow, 'ownerPid' | 'ownerStartedAt' | 'ownerBootId' | 'ownerStartTicks'> {
  const { pid, ranAt, bootId, startTicks } = recordOfThisProcess();
  return { ownerPid: pid, ownerStartedAt: ranAt, ownerBootId: bootId, ownerStartTicks: startTicks };
}

export function trainerLockPath(dataDir: string): string {
  return path.join(runsFolder(dataDir), 'trainer.lock');
}

/** A lock's holder: its process, and the run it trains where the lock names one. */
interface LockHolder extends RecordedProcess {
  readonly runId: string | null;
}

/** What a lock file holds; every field but `pid` may be missing (a lock of an older version) or damaged. */
interface LockFile {
  readonly pid?: unknown;
  readonly startedAt?: unknown;
  readonly bootId?: unknown;
  readonly startTicks?: unknown;
  readonly runId?: unknown;
}

/**
 * The process a lock names; without `startedAt` or `runId` (a lock of an older version) its pid
 * alone, and without a valid `bootId` and `startTicks` (those, or another system) by its start time.
 */
function readLockHolder(file: string): LockHolder | null {
  const text = readLockText(file);
  return text === null ? null : holderOfText(text);
}

/** What the lock `file` holds; null when there is none. */
function readLockText(file: string): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

/** The holder a lock's text names (readLockHolder); null for text that names none. */
function holderOfText(text: string): LockHolder | null {
  try {
    const lock = JSON.parse(text) as LockFile;
    const pid = Number(lock.pid);
    const startedAt = typeof lock.startedAt === 'number' && Number.isFinite(lock.startedAt) ? lock.startedAt : null;
    const runId = typeof lock.runId === 'string' ? lock.runId : null;
    const identity = readProcessIdentity(lock.bootId, lock.startTicks);
    return Number.isSafeInteger(pid) ? { pid, ranAt: startedAt, ...identity, runId } : null;
  } catch {
    return null;
  }
}

/**
 * Takes the lock for this process to train run `runId`, or throws 'conflict' naming the process
 * that holds it, and the run it trains where `runs` knows it. A lock naming no one that was made
 * just now is one its maker still writes (a conflict too); a stale one is taken over in one step
 * (stampLock.ts replaceStaleLock), so two processes that found it stale do not both take it.
 */
export function acquireTrainerLock(dataDir: string, runs?: RunRepository, runId?: string): () => void {
  const file = trainerLockPath(dataDir);
  const { pid, ranAt: startedAt, bootId, startTicks } = recordOfThisProcess();
  const since = new Date().toISOString();
  const lock = JSON.stringify({ pid, startedAt, bootId, startTicks, since, ...(runId ? { runId } : {}) });
  const release = (): void => releaseStampLock(file, lock);
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    for (let attempt = 0; attempt < 3; attempt++) {
      if (createStampLock(file, lock)) return release; // a lock it had no room to write is not left behind
      const text = readLockText(file);
      if (text === null) continue; // given back meanwhile
      const holder = holderOfText(text);
      if (holder !== null && isRecordedProcessAlive(holder)) throw lockHeld(holder, runs);
      if (holder === null && isLockBeingMade(file)) throw lockBeingMade();
      if (replaceStaleLock(file, text, lock)) return release; // stale: its process is gone
    }
  } catch (error) {
    throw error instanceof ApiError ? error : unwritable(file, error);
  }
  throw new ApiError('conflict', `Could not take the trainer lock ${file}; try again`);
}

/**
 * Throws acquireTrainerLock's 'conflict' while another live process holds the lock, without
 * taking it: a new run or a resume asks first, so that it is refused at once rather than after
 * it prepared (counting its dataset's tokens, possibly for minutes) and, for a resume, after its
 * run was queued and put back. The lock itself is still taken once it has prepared.
 */
export function refuseWhileTrainerBusy(dataDir: string, runs: RunRepository): void {
  const holder = readLockHolder(trainerLockPath(dataDir));
  if (holder !== null && isRecordedProcessAlive(holder)) throw lockHeld(holder, runs);
}

/** The refusal while another process makes the lock, before it has written who it is. */
function lockBeingMade(): ApiError {
  return new ApiError(
    'conflict',
    'Another trainer is starting on this data directory; one run trains at a time: wait for it, or stop it ' +
      '(Runs screen, or `spanfill runs stop ID`)',
  );
}

/** Codes of a lock that cannot be written at all: a read-only disk, no permission. */
const UNWRITABLE_CODES = new Set(['EROFS', 'EACCES', 'EPERM']);

/**
 * A lock the data directory cannot take (a read-only disk, no permission) is a data directory
 * that cannot be used, exit 3 as for its database, saying where; anything else as it came.
 */
function unwritable(file: string, error: unknown): unknown {
  if (!UNWRITABLE_CODES.has(String((error as NodeJS.ErrnoException).code))) return error;
  const folder = path.dirname(file);
  return new StoreError(
    `Cannot train here: the trainer lock ${file} cannot be written (${errorMessage(error)}). A run writes its ` +
      `lock, checkpoints and metrics in ${folder}. ${WRITE_ACCESS_ADVICE}.`,
  );
}

/**
 * The refusal while `holder` trains: which run (the one its lock names, else the one the store
 * says its process owns), and how to stop it. A run it has not yet marked running is starting.
 */
function lockHeld(holder: LockHolder, runs: RunRepository | undefined): ApiError {
  const { pid } = holder;
  const holderText = `pid ${pid}${pid === process.pid ? ', this process' : ''}`;
  const named = holder.runId === null ? undefined : runs?.get(holder.runId);
  const run = named ?? (runs && liveRuns(runs).find((row) => row.ownerPid === pid));
  // A run just started may not be in the store yet: its id alone, from the lock.
  const runId = run?.id ?? holder.runId;
  const who =
    runId === null
      ? 'Another trainer is running'
      : `Run ${runId}${run ? ` ("${run.name}")` : ''} ${run?.status === 'running' ? 'is training' : 'is starting to train'}`;
  const stop =
    runId !== null
      ? `stop it (Runs screen, or \`spanfill runs stop ${runId}\`)`
      : 'stop it with `spanfill runs stop ID`';
  return new ApiError(
    'conflict',
    `${who} on this data directory (${holderText}); one run trains at a time: wait for it, or ${stop}`,
  );
}

/** Runs training now, in this process or another on the same data directory. */
export function liveRuns(runs: RunRepository): RunRow[] {
  return runs.listActive().filter(isRunOwnerAlive);
}

/** Why a model a run trains from must stay while it trains (engine/train/checkpoint.ts TOKENIZER_FILES). */
export const CHECKPOINT_COPIES = 'Each checkpoint it saves copies the tokenizer files of the model it trains from.';

/** Why something a live run uses cannot be removed now: `what` it trains on or from, and `why`. */
export function trainingConflict(run: RunRow, what: string, why: string): ApiError {
  // Queued: its process has inserted it and is starting its trainer (runs.ts start).
  const doing = run.status === 'queued' ? 'is starting to train' : 'is training';
  return new ApiError(
    'conflict',
    `Run ${run.id} ("${run.name}") ${doing} ${what}; stop it first (or let it finish). ${why}`,
  );
}

/** Why run `row` cannot be removed now: it trains (`isTraining`), or is starting to; undefined when neither. */
export function liveRunRemoval(row: RunRow, isTraining: boolean): ApiError | undefined {
  const stop = `Runs screen, or \`spanfill runs stop ${row.id}\``;
  if (isTraining) return new ApiError('conflict', `Run ${row.id} is running; stop it first (${stop})`);
  if (row.status !== 'queued' || !isRunOwnerAlive(row)) return undefined;
  return new ApiError(
    'conflict',
    `Run ${row.id} is starting to train (pid ${row.ownerPid}); stop it (${stop}): it ends before it trains a step; then remove it`,
  );
}
