// The names of an export's folders beside its destination: `.<name>.export-<stamp>` (being
// written) and `.<name>.replaced-<stamp>` (the earlier export being replaced), the stamp naming
// the process (processIdentity.ts, about 70 characters). A destination name near the longest a
// file system takes (NAME_MAX, 255 bytes) would make those too long (ENAMETOOLONG), so then the
// name in them is shortened to its start and a hash of the whole: `<start>~<8 hex>`. A replaced
// folder so named holds the earlier export under its own name (folder.ts), which is how the
// cleanup of a killed export knows where to put it back. And the names an export into a folder
// that exists keeps inside it while it runs (intoFolder.ts): its lock (and what taking over a
// stale one keeps beside it: stampLock.ts) and its staging folder.

import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { RECORD_IN_NAME, recordInName, recordOfThisProcess } from '../../processIdentity';

let lastStampMs = 0;

/**
 * Who writes an export and when (processIdentity.ts), for the names of its temp folders: what
 * the clean-up after a killed export reads (leftBehind.ts removeLeftBehind, stagingRecords.ts).
 * Never the same twice in this process (two exports started in one millisecond would share a
 * temp folder).
 */
export function freshStamp(): string {
  lastStampMs = Math.max(Date.now(), lastStampMs + 1);
  return recordInName(recordOfThisProcess(lastStampMs));
}

/** The lock file naming the export that writes into a folder that exists. */
export const EXPORT_LOCK = '.spanfill-export.lock';
/** The staging folder (stagingInside) an export into a folder writes its files in. */
const STAGING = String.raw`\.spanfill-export-(?:${RECORD_IN_NAME})`;
/**
 * The lock, and what taking over a stale one keeps beside it for a moment, or leaves when its
 * process is killed then (stampLock.ts replaceStaleLock): `<lock>.break` (and `.break.break`, ...,
 * when a breaker is itself taken over) and `<lock or breaker>.<record>.tmp`.
 */
const LOCK_FILES = String.raw`\.spanfill-export\.lock(?:\.break)*(?:\.(?:${RECORD_IN_NAME})\.tmp)?`;
/** What an export into a folder keeps there while it runs; no export's own file, never listed. */
export const IN_PROGRESS = new RegExp(`^(?:${LOCK_FILES}|${STAGING})$`);
/** A staging folder of IN_PROGRESS (not the lock's files). */
export const STAGING_INSIDE = new RegExp(`^${STAGING}$`);

/** The folder an export with `stamp` stages its files in, inside `dir` (which exists). */
export function stagingInside(dir: string, stamp: string): string {
  return join(dir, `.spanfill-export-${stamp}`);
}

/** The longest file name, in bytes, that Linux, macOS and Windows file systems take. */
export const NAME_MAX = 255;

export type StagingKind = 'export' | 'replaced';

/** `.<name>.<kind>-<stamp>`, `name` shortened (`<start>~<hash>`) when whole it would pass NAME_MAX. */
export function stagingName(name: string, kind: StagingKind, stamp: string): string {
  const whole = `.${name}.${kind}-${stamp}`;
  if (Buffer.byteLength(whole) <= NAME_MAX) return whole;
  const hash = createHash('sha256').update(name).digest('hex').slice(0, 8);
  const tail = `~${hash}.${kind}-${stamp}`;
  return `.${startWithin(name, NAME_MAX - 1 - Buffer.byteLength(tail))}${tail}`;
}

/** Whether stagingName shortened `name` (a replaced folder then holds the earlier export under its name). */
export function isShortened(name: string, kind: StagingKind, stamp: string): boolean {
  return stagingName(name, kind, stamp) !== `.${name}.${kind}-${stamp}`;
}

/** The longest start of `text` of at most `bytes` bytes in UTF-8, never splitting a character. */
function startWithin(text: string, bytes: number): string {
  let start = '';
  for (const char of text) {
    if (Buffer.byteLength(start + char) > bytes) break;
    start += char;
  }
  return start;
}
