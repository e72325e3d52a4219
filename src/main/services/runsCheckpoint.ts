// Which of a run's checkpoints a command or screen means (`--checkpoint best|last|STEP`), also
// while its run trains and prunes them ahead of the store (checkpointPicker), what to say when
// it is not there (not kept, pruned meanwhile, or deleted from disk by hand) or does not read, and
// which to choose instead, which cannot be used (unreadable on disk, or missing:
// checkpointProblems; of those, the ones a fill or an export would meet: withUseProblems, as
// runs.get and runs.checkpoints list them), and reading one while its run trains and prunes, or
// is removed, through a linked copy in <data dir>/readers that names its run and its reader, so
// the copies of a reader that was killed are removed by the next read.

import {
  copyFileSync,
  cpSync,
  existsSync,
  linkSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmdirSync,
  rmSync,
  statSync,
} from 'node:fs';
import path from 'node:path';
import { lastCheckpoint } from '../../shared/contract/runNames';
import type {
  CheckpointUseProblem,
  ListedCheckpoint,
  RunCheckpoint,
  RunCheckpointProblem,
} from '../../shared/contract/runs';
import { ApiError } from '../../shared/errors';
import {
  bestCheckpoint,
  checkpointDirName,
  type CheckpointInfo,
  type CheckpointScan,
  listCheckpoints,
  OPTIMIZER_FILE,
  scanCheckpoints,
  TRAINER_STATE_FILE,
  type UnreadableCheckpoint,
} from '../engine/train/checkpoint';
import {
  CLOCK_TOLERANCE_MS,
  isRecordedProcessAlive,
  type ProcessTable,
  RECORD_IN_NAME,
  recordInName,
  recordOfName,
  recordOfThisProcess,
  systemProcesses,
} from '../processIdentity';

/** The best by validation loss (else the last), the last, or the one of a step. */
export type CheckpointChoice = 'best' | 'last' | number;

/**
 * The folder of run `id`'s checkpoint `which` among `list` (its checkpoints, in step order). With
 * `scan` (its checkpoints folder's, scanCheckpoints), one that is gone or does not read is refused
 * saying which read instead, rather than left to fail as it loads.
 */
export function pickCheckpoint(
  id: string,
  list: readonly RunCheckpoint[],
  which: CheckpointChoice,
  scan?: CheckpointScan,
): string {
  const pick =
    which === 'best'
      ? (list.find((c) => c.isBest) ?? lastCheckpoint(list))
      : which === 'last'
        ? lastCheckpoint(list)
        : list.find((c) => c.step === which);
  if (!pick) {
    const have = list.map((c) => c.step).join(', ') || 'none yet';
    throw new ApiError('not_found', `Run ${id} has no checkpoint ${String(which)} (checkpoints: ${have})`);
  }
  const instead = scan ? `; ${insteadWords(pick.step, scan.whole)}` : '';
  if (!existsSync(pick.path))
    throw new ApiError(
      'not_found',
      `Run ${id}'s checkpoint at step ${pick.step} is no longer on disk (${pick.path}); it was deleted outside Spanfill${instead}`,
    );
  const unreadable = scan?.unreadable.find((c) => c.step === pick.step && stopsModelRead(c));
  if (unreadable)
    throw new ApiError(
      'conflict',
      `Run ${id}'s checkpoint at step ${pick.step} cannot be read: ${unreadable.file} ${unreadable.problem}${instead}`,
    );
  return pick.path;
}

/** A checkpoint's files that only resuming reads. */
const TRAINING_ONLY_FILES: ReadonlySet<string> = new Set([TRAINER_STATE_FILE, OPTIMIZER_FILE]);

/** Whether a read of the model meets what is wrong with `c`: a fill or an export needs no trainer state or moments. */
const stopsModelRead = (c: UnreadableCheckpoint): boolean => !TRAINING_ONLY_FILES.has(c.file);

/** Which checkpoints to choose instead of the one of `step`: the others of `whole` (those that read), newest first. */
function insteadWords(step: number, whole: readonly CheckpointInfo[]): string {
  const others = whole
    .map((c) => c.step)
    .filter((s) => s !== step)
    .reverse();
  if (others.length === 0) return 'it has no other checkpoint that reads';
  return `choose one that reads: step ${others.join(', ')} (in a terminal: \`--checkpoint ${others[0]}\`)`;
}

/** A run's checkpoints as a read picks among them (RunService.readCheckpoint). */
export interface RunCheckpointSource {
  readonly runId: string;
  /** Its rows, the store's, in step order, each with its folder in this data directory. */
  readonly rows: () => readonly RunCheckpoint[];
  /** Its checkpoints folder. */
  readonly folder: string;
  /** Its keepLast while it trains (here or in another process); undefined while it does not. */
  readonly keptWhileTraining: () => number | undefined;
}

/**
 * Picks of checkpoint `which` for one read (readingCheckpoint's `pick`) or one look
 * (RunService.checkpointPath). A run that trains prunes (keepLast; a new best replaces the old)
 * before the store hears of it, in its own time (under load, each time), so the checkpoint the
 * store names may be gone: then, while it trains, best or last is the best by validation loss,
 * else the newest, that reads whole on disk, and a step the store listed as the read began is
 * said to have been pruned. The first pick is the store's (pickCheckpoint) while that is on disk;
 * a pick `isAgain` (the one before went before it was linked) goes to the disk at once while the
 * run trains. A run that does not train keeps the store's picks and words.
 */
export function checkpointPicker(run: RunCheckpointSource, which: CheckpointChoice): (isAgain: boolean) => string {
  const listed = run.rows().map((c) => c.step); // as the read began
  return (isAgain) => {
    const rows = run.rows();
    const scan = scanCheckpoints(run.folder);
    if (!isAgain) {
      try {
        return pickCheckpoint(run.runId, rows, which, scan);
      } catch (error) {
        if (!isGone(error)) throw error;
      }
    }
    const keepLast = run.keptWhileTraining();
    if (keepLast === undefined) return pickCheckpoint(run.runId, rows, which, scan);
    if (typeof which !== 'number') {
      const onDisk = listCheckpoints(run.folder);
      const pick = which === 'best' ? (bestCheckpoint(onDisk) ?? onDisk.at(-1)) : onDisk.at(-1);
      return pick?.dir ?? pickCheckpoint(run.runId, rows, which);
    }
    const dir = path.join(run.folder, checkpointDirName(which));
    if (existsSync(dir)) return dir; // (saved again, or not yet in the store)
    if (!listed.includes(which) && !rows.some((c) => c.step === which)) return pickCheckpoint(run.runId, rows, which);
    throw prunedMeanwhile(run, which, keepLast);
  };
}

function prunedMeanwhile(run: RunCheckpointSource, step: number, keepLast: number): ApiError {
  const now = listCheckpoints(run.folder).map((c) => c.step);
  return new ApiError(
    'not_found',
    `Run ${run.runId}'s checkpoint at step ${step} was deleted while it was being read: the run is training and ` +
      `keeps only its best checkpoint and its newest ${keepLast === 1 ? '' : `${keepLast} `}(keepLast ${keepLast}); ` +
      `its checkpoints now: ${now.join(', ') || 'none'}`,
  );
}

/** What runs show and the run view say of a checkpoint whose folder was deleted outside Spanfill. */
export const MISSING_CHECKPOINT_REASON = 'its folder was deleted outside Spanfill';

/**
 * The checkpoints of a run that cannot be used, in step order: those of `unreadable` (its
 * checkpoints folder's, scanCheckpoints) and the rows of `rows` (the store's) whose folder is gone.
 */
export function checkpointProblems(
  rows: readonly RunCheckpoint[],
  unreadable: readonly UnreadableCheckpoint[],
): RunCheckpointProblem[] {
  const problems: RunCheckpointProblem[] = unreadable.map((c) => ({
    step: c.step,
    path: c.dir,
    kind: 'unreadable',
    reason: `${c.file} ${c.problem}`,
  }));
  for (const row of rows)
    if (!existsSync(row.path) && !unreadable.some((c) => c.step === row.step))
      problems.push({ step: row.step, path: row.path, kind: 'missing', reason: MISSING_CHECKPOINT_REASON });
  return problems.sort((a, b) => a.step - b.step);
}

/**
 * `rows` (a run's checkpoints), each that a pick would refuse (pickCheckpoint) with what keeps it
 * from use among `problems` (checkpointProblems' of `unreadable`, less any the caller drops): its
 * folder missing, or a file its model's read meets unreadable. One whose trainer state or optimizer
 * moments alone do not read is usable: only resuming reads them.
 */
export function withUseProblems(
  rows: readonly RunCheckpoint[],
  problems: readonly RunCheckpointProblem[],
  unreadable: readonly UnreadableCheckpoint[],
): ListedCheckpoint[] {
  const ofUse = new Map<number, CheckpointUseProblem>();
  for (const { step, kind, reason } of problems) {
    const isResumeOnly = kind === 'unreadable' && !unreadable.some((c) => c.step === step && stopsModelRead(c));
    if (!isResumeOnly) ofUse.set(step, { kind, reason });
  }
  return rows.map((row) => {
    const problem = ofUse.get(row.step);
    return problem ? { ...row, problem } : row;
  });
}

/** Picks made at most: a run that trains may delete the checkpoint picked before it is linked. */
const PICK_TRIES = 5;
/** Between tries, for the trainer's newest checkpoint to reach the store. */
const RETRY_MS = 100;

/**
 * <dataDir>/readers: the linked copies of checkpoints being read. Outside every run's folder, so
 * a run removed while one of its checkpoints is read (an export, then `runs rm`) takes no copy
 * along: the read finishes, and its copy goes after it.
 */
export function checkpointReadersFolder(dataDir: string): string {
  return path.join(dataDir, 'readers');
}

/**
 * <run>/reading: where versions before the readers folder kept the copies of a run's
 * checkpoints; what their killed readers left there is removed when the run is looked at.
 */
export const OLD_READING_FOLDER = 'reading';

/** Where a read puts its copy (`root`: checkpointReadersFolder) and the run whose checkpoint it reads. */
export interface CheckpointReading {
  readonly root: string;
  readonly runId: string;
}

/**
 * A copy's holder in the readers folder: `<run id>.step-N.<record>-<random>`, naming the run and
 * the process that reads through it (processIdentity.ts: `<pid>.<start ms>`, then on Linux
 * `.<start ticks>.<boot id>`), so a later read can tell a copy whose reader was killed (SIGKILL,
 * a crash, a power cut: its `finally` never ran) from one still in use. Copies in an older
 * version's <run>/reading are named the same without the run id.
 */
const HOLDER = new RegExp(String.raw`^.+?\.(${RECORD_IN_NAME})-[^.]+$`);

function holderPrefix(runId: string, name: string): string {
  return `${runId}.${name}.${recordInName(recordOfThisProcess())}-`;
}

/**
 * Removes the copies under `readingRoot` (the readers folder, or an older version's <run>/reading)
 * whose reader is gone: those whose named process no longer runs, whatever their run (one
 * removed since included), and those of versions that named none (step-N-<random>) made before
 * this machine booted. A live reader's copy, here or in another process, stays. Returns how
 * many it removed.
 */
export function removeStaleReadings(readingRoot: string, table: ProcessTable = systemProcesses): number {
  let entries: string[];
  try {
    entries = readdirSync(readingRoot);
  } catch {
    return 0; // no reading folder: nothing was ever read, or the last read removed it
  }
  let removed = 0;
  for (const name of entries) {
    const holder = path.join(readingRoot, name);
    if (!isStaleHolder(name, holder, table)) continue;
    rmSync(holder, { recursive: true, force: true });
    removed++;
  }
  if (removed > 0) removeIfEmpty(readingRoot);
  return removed;
}

function isStaleHolder(name: string, holder: string, table: ProcessTable): boolean {
  const owner = recordOfName(HOLDER.exec(name)?.[1] ?? '');
  if (owner) return !isRecordedProcessAlive(owner, table);
  const made = statSync(holder, { throwIfNoEntry: false })?.mtimeMs;
  return made !== undefined && made < table.bootedAt() - CLOCK_TOLERANCE_MS;
}

/**
 * <readers>/<holder>/step-N: the files of checkpoint `dir` (…/<run>/checkpoints/step-N)
 * hard-linked (copied where links cannot be made), so the trainer may delete the checkpoint, and
 * `runs rm` its run, while it is read; under its own name, which is what a model's messages call
 * it. Throws ENOENT when the checkpoint went before all its files were linked. Copies that
 * killed readers left are removed first.
 */
function linkCheckpoint(reading: CheckpointReading, dir: string): string {
  removeStaleReadings(reading.root);
  const holder = readingFolder(reading.root, holderPrefix(reading.runId, path.basename(dir)));
  const snapshot = path.join(holder, path.basename(dir));
  try {
    mkdirSync(snapshot);
    linkCheckpointFiles(dir, snapshot);
  } catch (error) {
    rmSync(holder, { recursive: true, force: true });
    throw error;
  }
  return snapshot;
}

/** `error` with the copy's path in its message put back as the checkpoint's own. */
function asOfCheckpoint(error: unknown, snapshot: string, dir: string): unknown {
  if (error instanceof Error && error.message.includes(snapshot))
    error.message = error.message.replaceAll(snapshot, dir);
  return error;
}

/** A new folder under `root`, made again should another read remove `root` (removeIfEmpty) in between. */
function readingFolder(root: string, prefix: string): string {
  for (let tries = 1; ; tries++) {
    mkdirSync(root, { recursive: true });
    try {
      return mkdtempSync(path.join(root, prefix));
    } catch (error) {
      if (tries >= 3 || (error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
}

/**
 * The files of checkpoint folder `from` into the existing folder `to`, hard-linked (copied where
 * links cannot be made), but those named in `except`; ENOENT when `from` goes meanwhile.
 */
export function linkCheckpointFiles(from: string, to: string, except: readonly string[] = []): void {
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    if (except.includes(entry.name)) continue;
    const [source, target] = [path.join(from, entry.name), path.join(to, entry.name)];
    if (entry.isDirectory()) cpSync(source, target, { recursive: true });
    else linkOrCopy(source, target);
  }
}

function linkOrCopy(from: string, to: string): void {
  try {
    linkSync(from, to);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw error;
    copyFileSync(from, to); // a file system without hard links
  }
}

/** The readers folder goes with its last copy; another read's copy keeps it (ENOTEMPTY), as does a gone one. */
function removeIfEmpty(folder: string): void {
  try {
    rmdirSync(folder);
  } catch {
    // not empty: another read (here or in another process) still holds a copy in it
  }
}

function isGone(error: unknown): boolean {
  return (
    (error instanceof ApiError && error.code === 'not_found') || (error as NodeJS.ErrnoException).code === 'ENOENT'
  );
}

/**
 * `read` of the checkpoint `pick` names, through a linked copy of it in `reading.root`
 * (linkCheckpoint): a run that is training deletes older checkpoints as it saves new ones
 * (keepLast), and a new best replaces the old, so the folder picked may go at any moment, as may
 * the whole run (removed). When it goes before it is linked (or the store still lists one the
 * disk no longer has), the checkpoint is picked again (`isAgain`: checkpointPicker), at most
 * PICK_TRIES times. `read`'s own failures are its own; the copy is removed after.
 */
export async function readingCheckpoint<T>(
  reading: CheckpointReading,
  pick: (isAgain: boolean) => string,
  read: (dir: string) => Promise<T>,
): Promise<T> {
  for (let tries = 1; ; tries++) {
    if (tries > 1) await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
    let dir: string | undefined;
    let snapshot: string;
    try {
      dir = pick(tries > 1);
      snapshot = linkCheckpoint(reading, dir);
    } catch (error) {
      if (tries < PICK_TRIES && isGone(error)) continue;
      if (dir === undefined || !isGone(error)) throw error;
      throw new ApiError(
        'conflict',
        `The checkpoint ${dir} was deleted before it could be read: its run is training and keeps only its ` +
          'latest and best checkpoints (keepLast). Try again, or stop the run first.',
      );
    }
    try {
      return await read(snapshot);
    } catch (error) {
      throw asOfCheckpoint(error, snapshot, dir);
    } finally {
      rmSync(path.dirname(snapshot), { recursive: true, force: true });
      removeIfEmpty(path.dirname(path.dirname(snapshot)));
    }
  }
}
