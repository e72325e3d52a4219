// Which server process owns an upload folder, and the removal of the folders left by one that
// has gone (killed, crashed, the machine rebooted). Before it makes `<uploads>/<id>/` the server
// writes `<uploads>/<id>.owner`, its process's record (processIdentity.ts recordInName, as
// locks name their holder): beside the folder, never inside it, where any name is an uploaded
// file's, and never an id itself (ids have no dot). Two servers may share a data directory:
// a folder whose owner still runs is never removed, whatever its age. One whose owner has gone
// is removed at once, when a server starts and each time it opens an upload (then in the
// background, one sweep at a time: UploadSweeps); a folder without a record (left by an older
// version) goes once it is older than the age given.

import { mkdirSync, writeFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { errorMessage } from '../../shared/errors';
import {
  isRecordedProcessAlive,
  recordInName,
  recordOfName,
  recordOfThisProcess,
  type RecordedProcess,
} from '../processIdentity';

const ownerSuffix = '.owner';

/** The record of the process that owns upload `id` of `root`. */
export function uploadOwnerFile(root: string, id: string): string {
  return path.join(root, `${id}${ownerSuffix}`);
}

/**
 * Records this process as the owner of upload `id`, before its folder is made. Synchronous: the
 * upload's first chunk is counted with no await between its checks (upload.ts receive).
 */
export function recordUploadOwner(root: string, id: string): void {
  mkdirSync(root, { recursive: true });
  writeFileSync(uploadOwnerFile(root, id), recordInName(recordOfThisProcess()), { mode: 0o600 });
}

/** Removes the folder of upload `id`, then its owner record; whether the folder was there. */
export async function removeUpload(root: string, id: string): Promise<boolean> {
  const dir = path.join(root, id);
  const existed = await fs.stat(dir).then(
    () => true,
    () => false,
  );
  await fs.rm(dir, { recursive: true, force: true });
  await fs.rm(uploadOwnerFile(root, id), { force: true });
  return existed;
}

export interface LeftUploadsOptions {
  /** A folder without an owner record goes once it is older than this (Infinity: never). */
  readonly maxAgeMs: number;
  readonly now?: number;
  /** Whether the recorded owner still runs; tests pass their own. */
  readonly isAlive?: (owner: RecordedProcess) => boolean;
}

/**
 * Removes the uploads in `root` whose owner has gone, and those without an owner that are older
 * than `maxAgeMs`; returns the names removed (an owner record left without its folder included).
 */
export async function removeLeftUploads(root: string, options: LeftUploadsOptions): Promise<string[]> {
  const { maxAgeMs, now = Date.now(), isAlive = (owner: RecordedProcess) => isRecordedProcessAlive(owner) } = options;
  const names = await fs.readdir(root).catch(() => []);
  const present = new Set(names);
  const removed: string[] = [];
  for (const name of names) {
    const full = path.join(root, name);
    const isRecord = name.endsWith(ownerSuffix);
    // A record whose folder is there goes with that folder.
    if (isRecord && present.has(name.slice(0, -ownerSuffix.length))) continue;
    const record = isRecord ? full : uploadOwnerFile(root, name);
    const owner = await ownerOf(record);
    const isGone = owner ? !isAlive(owner) : await isOlder(full, now - maxAgeMs);
    if (!isGone) continue;
    // The folder first, its record last: a folder is never left without its record.
    if (!isRecord) await fs.rm(full, { recursive: true, force: true });
    await fs.rm(record, { force: true });
    removed.push(name);
  }
  return removed;
}

/**
 * The sweeps of left uploads (removeLeftUploads) a running server makes as it opens uploads: one
 * at a time, and awaited by no answer. One asked while another runs is made once that one ends
 * (that one may have read the folder before a server went); however many are asked meanwhile, it
 * is one. A sweep that fails is said on stderr, and the next upload opened sweeps again.
 */
export class UploadSweeps {
  private running: Promise<void> | undefined;
  private isAskedAgain = false;

  constructor(private readonly sweep: () => Promise<unknown>) {}

  /** Starts a sweep now, or once the one running ends; never throws. */
  ask(): void {
    if (this.running) this.isAskedAgain = true;
    else this.running = this.run();
  }

  /** Resolves once no sweep runs (never rejects). */
  idle(): Promise<void> {
    return this.running ?? Promise.resolve();
  }

  private async run(): Promise<void> {
    do {
      this.isAskedAgain = false;
      try {
        await this.sweep();
      } catch (error) {
        console.error(`Could not remove the uploads of servers that have gone: ${errorMessage(error)}`);
      }
    } while (this.isAskedAgain);
    this.running = undefined;
  }
}

/**
 * The owner `file` records; null when there is no such file, or none in it (being written, or
 * damaged): such an upload goes by its age.
 */
async function ownerOf(file: string): Promise<RecordedProcess | null> {
  const text = await fs.readFile(file, 'utf8').catch(() => undefined);
  return text === undefined ? null : recordOfName(text.trim());
}

/** Whether `file` was last changed before `moment` (false when it is gone). */
async function isOlder(file: string, moment: number): Promise<boolean> {
  const stat = await fs.lstat(file).catch(() => undefined);
  return stat !== undefined && stat.mtimeMs < moment;
}
