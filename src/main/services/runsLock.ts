// One trainer per data directory: a lock file `<data>/runs/trainer.lock` holding the pid of
// the process that trains and when it started. A second process is refused with that pid
// (chosen over queueing: a queue would need a process that outlives the CLI command to drain
// it). A lock whose process no longer runs (its pid gone, or taken by another process since:
// processIdentity.ts) is stale and taken over. Also: whether a run's owner is alive
// (interrupted runs), and the runs training now (what removing a dataset or a model must not
// pull from under them).

import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ApiError, errorMessage } from '../../shared/errors';
import { StoreError, WRITE_ACCESS_ADVICE } from '../store/db';
import { isRecordedProcessAlive, processStartedAt, type RecordedProcess } from '../processIdentity';
import type { RunRepository, RunRow } from '../store/runs';
import { runsFolder } from './runFolders';

/** Whether the process that owns a run still runs: its pid, and its start time where the row has one (schema 006). */
export function isRunOwnerAlive(run: Pick<RunRow, 'ownerPid' | 'ownerStartedAt'>): boolean {
  return run.ownerPid !== null && isRecordedProcessAlive({ pid: run.ownerPid, ranAt: run.ownerStartedAt });
}

export function trainerLockPath(dataDir: string): string {
  return path.join(runsFolder(dataDir), 'trainer.lock');
}

/** The process a lock names; without `startedAt` (a lock of an older version) its pid alone. */
function readLockHolder(file: string): RecordedProcess | null {
  try {
    const lock = JSON.parse(readFileSync(file, 'utf8')) as { pid?: unknown; startedAt?: unknown };
    const pid = Number(lock.pid);
    const startedAt = typeof lock.startedAt === 'number' && Number.isFinite(lock.startedAt) ? lock.startedAt : null;
    return Number.isSafeInteger(pid) ? { pid, ranAt: startedAt } : null;
  } catch {
    return null;
  }
}

/**
 * Takes the lock for this process or throws 'conflict' naming the process that holds it, and
 * the run it trains where `runs` knows it.
 */
export function acquireTrainerLock(dataDir: string, runs?: RunRepository): () => void {
  const file = trainerLockPath(dataDir);
  try {
    mkdirSync(path.dirname(file), { recursive: true });
  } catch (error) {
    throw unwritable(file, error);
  }
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const lock = { pid: process.pid, startedAt: processStartedAt(), since: new Date().toISOString() };
      writeFileSync(file, JSON.stringify(lock), { flag: 'wx' });
      return () => {
        if (readLockHolder(file)?.pid === process.pid) rmSync(file, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw unwritable(file, error);
      const holder = readLockHolder(file);
      if (holder !== null && isRecordedProcessAlive(holder)) throw lockHeld(holder.pid, runs);
      rmSync(file, { force: true }); // stale: its process is gone
    }
  }
  throw new ApiError('conflict', `Could not take the trainer lock ${file}; try again`);
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

/** The refusal while process `holder` trains: which run, where the store says, and how to stop it. */
function lockHeld(holder: number, runs: RunRepository | undefined): ApiError {
  const holderText = `pid ${holder}${holder === process.pid ? ', this process' : ''}`;
  const run = runs && liveRuns(runs).find((row) => row.ownerPid === holder);
  const who = run
    ? `Run ${run.id} ("${run.name}") is training on this data directory (${holderText})`
    : `Another trainer is running on this data directory (${holderText})`;
  const stop = run
    ? `stop it (Runs screen, or \`spanfill runs stop ${run.id}\`)`
    : 'stop it with `spanfill runs stop ID`';
  return new ApiError('conflict', `${who}; one run trains at a time: wait for it, or ${stop}`);
}

/** Runs training now, in this process or another on the same data directory. */
export function liveRuns(runs: RunRepository): RunRow[] {
  return runs.listActive().filter(isRunOwnerAlive);
}

/** Why a model a run trains from must stay while it trains (engine/train/checkpoint.ts TOKENIZER_FILES). */
export const CHECKPOINT_COPIES = 'Each checkpoint it saves copies the tokenizer files of the model it trains from.';

/** Why something a live run uses cannot be removed now: `what` it trains on or from, and `why`. */
export function trainingConflict(run: RunRow, what: string, why: string): ApiError {
  return new ApiError(
    'conflict',
    `Run ${run.id} ("${run.name}") is training ${what}; stop it first (or let it finish). ${why}`,
  );
}
