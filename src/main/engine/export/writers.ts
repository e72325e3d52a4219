// Which export is writing a destination now, so that a second export to it is refused saying
// so, forced or not, rather than offering to replace "an earlier export" that is being written
// (destination.ts checkDestination). An export writes a new folder staged beside it,
// `.<name>.export-<stamp>` (folder.ts), and a folder that exists under its lock,
// `.spanfill-export.lock` (intoFolder.ts); either names its process by the stamp
// (processIdentity.ts), alive or not, in this process or another: the app and `spanfill export`
// in a terminal see each other's. What an export exports is said too: this process's own by the
// label it writes under (whileWriting), another process's by the one it recorded beside its
// staging folder's record in the same records folder (stagingRecords.ts, <data dir>/exporting);
// where there is none (an older Spanfill, another data directory), that process by its pid only.
// Not the lock itself (intoFolder.ts) nor the clean-up of what a killed export left (leftBehind.ts).

import { readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { isRecordedProcessAlive, RECORD_IN_NAME, recordOfName } from '../../processIdentity';
import { liveStampHolder } from '../../stampLock';
import { EXPORT_LOCK, stagingName } from './stagingName';
import { recordedLabel } from './stagingRecords';

/** What this process's exports are called while they write, by stamp (whileWriting). */
const labels = new Map<string, string>();

/** Runs `work`, the export `stamp` of this process, known meanwhile as `label` to the exports it refuses. */
export async function whileWriting<T>(stamp: string, label: string, work: () => Promise<T>): Promise<T> {
  labels.set(stamp, label);
  try {
    return await work();
  } finally {
    labels.delete(stamp);
  }
}

/** An export writing a destination now: its process (NaN: one taking the lock just now, not named yet), and what it exports where known. */
interface ExportWriter {
  readonly pid: number;
  readonly label?: string;
}

/** `.<name>.export-<stamp>` beside a new folder (a shortened name is checked against stagingName). */
const STAGED_BESIDE = new RegExp(String.raw`^\..+\.export-(${RECORD_IN_NAME})$`);

/** Whose writing writerOf looks past (a stamp: the export asking), and the records folder where exports record what they export. */
export interface WriterLookup {
  readonly self?: string;
  readonly records?: string;
}

/**
 * The live export, other than `self`, that writes `target` now: one staging it beside it, or one
 * holding its lock; undefined where none does. What it exports is found in `records` for an
 * export in another process.
 */
export function writerOf(target: string, lookup: WriterLookup = {}): ExportWriter | undefined {
  return stagingWriter(target, lookup) ?? lockHolder(target, lookup);
}

function stagingWriter(target: string, { self, records }: WriterLookup): ExportWriter | undefined {
  let names: string[];
  try {
    names = readdirSync(dirname(target));
  } catch {
    return undefined; // no parent yet: nothing is staged there
  }
  for (const name of names) {
    const stamp = STAGED_BESIDE.exec(name)?.[1];
    if (stamp === undefined || stamp === self || name !== stagingName(basename(target), 'export', stamp)) continue;
    const record = recordOfName(stamp);
    if (record !== null && isRecordedProcessAlive(record)) return writer(record.pid, stamp, records);
  }
  return undefined;
}

function lockHolder(target: string, { self, records }: WriterLookup): ExportWriter | undefined {
  const lock = join(target, EXPORT_LOCK);
  let stamp: string;
  try {
    stamp = readFileSync(lock, 'utf8').trim();
  } catch {
    return undefined; // no lock: no export writes into it
  }
  if (stamp === self) return undefined;
  const pid = liveStampHolder(lock);
  return pid === null ? undefined : writer(pid, stamp, records);
}

function writer(pid: number, stamp: string, records: string | undefined): ExportWriter {
  const label = labels.get(stamp) ?? (records === undefined ? undefined : recordedLabel(records, stamp));
  return label === undefined ? { pid } : { pid, label };
}

/** The refusal of an export to `out` while `writer` writes it: who does, and what to do. */
export function writingWords(out: string, { pid, label }: ExportWriter): string {
  const of = label === undefined ? '' : `, of ${label},`;
  const who =
    pid === process.pid
      ? `Another export in this app${of}`
      : Number.isNaN(pid)
        ? 'Another export'
        : `An export in another Spanfill process (pid ${pid}: the app, or spanfill in a terminal)${of}`;
  return `${who} is writing ${out} now; wait for it to finish, or choose another folder`;
}
