// Whether the process a record names still runs: a pid alone is not enough, since after a
// reboot (or once pids wrap) another process can have it, and a run killed by a power cut would
// stay "running" for good. On Linux a record keeps, with the pid, the boot's id and the process's
// start in clock ticks since boot: the pid is that process only if both still match, whatever
// the wall clock did meanwhile. Elsewhere (and in records of older versions) it keeps a moment
// that process surely ran, and the pid counts as that process only if it could have run then.
// Generic: runs, imports, the trainer lock, export folders, checkpoint readers and token-cache
// temp files use it; it imports nothing of services, store or electron, so the engine may too.

import { readFileSync } from 'node:fs';
import os from 'node:os';

/** A process as a record keeps it. */
export interface RecordedProcess {
  readonly pid: number;
  /**
   * A moment (epoch ms) the process surely ran: its start time (processStartedAt), or when it
   * wrote the record. Null in records older versions wrote: the pid alone is checked then.
   */
  readonly ranAt: number | null;
  /**
   * Linux: the boot's id (/proc/sys/kernel/random/boot_id as 32 lowercase hex digits) and the
   * process's start in clock ticks since that boot. Absent (or null) in records of other systems
   * and older versions; both or neither (readProcessIdentity).
   */
  readonly bootId?: string | null;
  readonly startTicks?: number | null;
}

/** What the system says about processes; tests pass a fake one (a reused pid, an owner from before boot, a stepped clock). */
export interface ProcessTable {
  /** Whether a process with this pid exists now. */
  exists(pid: number): boolean;
  /** When this machine booted (epoch ms). */
  bootedAt(): number;
  /** When the process with this pid started (epoch ms), where the system says it; null where it does not. */
  startedAt(pid: number): number | null;
  /** This boot's id (32 lowercase hex digits), where the system says it (Linux); null where it does not. */
  bootId(): string | null;
  /** When the process with this pid started, in clock ticks since boot (Linux); null where the system does not say. */
  startTicks(pid: number): number | null;
}

/**
 * How far apart two clocks' readings of one moment may be: /proc's boot time is in whole seconds,
 * os.uptime() in hundredths, and a process's own start time is taken a little after the kernel's.
 * NOTE: only where a record or the system lacks the boot id and start ticks (other systems,
 * records of older versions, /proc hiding the pid): there a wall clock stepped by more than this
 * while the process runs (a virtual machine resumed, WSL after its host slept, NTP, a person
 * setting the clock) makes it look gone.
 */
export const CLOCK_TOLERANCE_MS = 5_000;

let startedAt: number | undefined;

/**
 * When this process started (epoch ms): what records of the processes that own things keep.
 * Taken once: two readings of the clock and the uptime may differ by a millisecond.
 */
export function processStartedAt(): number {
  startedAt ??= Math.round(Date.now() - process.uptime() * 1000);
  return startedAt;
}

let thisIdentity: ReturnType<typeof readProcessIdentity> | undefined;

/**
 * The record of this process that owns something: its pid, `ranAt` (its start time unless the
 * caller has a later moment, such as when it made a file), and on Linux its boot id and start
 * ticks. Those are read once: neither changes while the process runs.
 */
export function recordOfThisProcess(
  ranAt: number = processStartedAt(),
): Required<RecordedProcess> & { readonly ranAt: number } {
  thisIdentity ??= readProcessIdentity(systemProcesses.bootId(), systemProcesses.startTicks(process.pid));
  return { pid: process.pid, ranAt, ...thisIdentity };
}

const BOOT_ID = /^[0-9a-f]{32}$/;

/**
 * A record's boot id and start ticks as storage gives them back (JSON, a column, a file name):
 * both where both are valid, else neither, so a damaged value reads as absent (and the record
 * is checked by its clock moment) rather than failing.
 */
export function readProcessIdentity(
  bootId: unknown,
  startTicks: unknown,
): { bootId: string | null; startTicks: number | null } {
  const isValid =
    typeof bootId === 'string' &&
    BOOT_ID.test(bootId) &&
    typeof startTicks === 'number' &&
    Number.isSafeInteger(startTicks) &&
    startTicks >= 0;
  return isValid ? { bootId, startTicks } : { bootId: null, startTicks: null };
}

/**
 * Whether the recorded process still runs. The pid must exist. Where the record and the system
 * both have the boot id and the pid's start ticks, those decide: the same boot, and a process
 * with that pid that started at the same tick, is the same process (no clock is read). Else,
 * with `ranAt`: that moment is not before this machine booted (every process of an earlier boot
 * is gone), and the process with that pid now started no later than then. A process with the
 * same pid that started after the recorded one ran is another one: the recorded one had to end
 * first to free the pid. (Where the system does not say start times, only the boot is checked.)
 */
export function isRecordedProcessAlive(recorded: RecordedProcess, table: ProcessTable = systemProcesses): boolean {
  if (!table.exists(recorded.pid)) return false;
  const isSame = isSameByTicks(recorded, table);
  if (isSame !== null) return isSame;
  if (recorded.ranAt === null) return true; // a record from before start times: pid only, as before
  if (recorded.ranAt < table.bootedAt() - CLOCK_TOLERANCE_MS) return false;
  const started = table.startedAt(recorded.pid);
  return started === null || started <= recorded.ranAt + CLOCK_TOLERANCE_MS;
}

/** Whether the pid's process is the recorded one by boot id and start ticks; null where either side lacks them. */
function isSameByTicks(recorded: RecordedProcess, table: ProcessTable): boolean | null {
  const { bootId, startTicks } = readProcessIdentity(recorded.bootId, recorded.startTicks);
  const currentBoot = bootId === null ? null : table.bootId();
  if (currentBoot === null) return null;
  if (currentBoot !== bootId) return false; // a process of an earlier boot
  const ticks = table.startTicks(recorded.pid);
  return ticks === null ? null : ticks === startTicks;
}

/** A record as a file name carries it: `<pid>.<ranAt>`, then `.<startTicks>.<bootId>` where it has them. */
export function recordInName(record: RecordedProcess & { readonly ranAt: number }): string {
  const { bootId, startTicks } = readProcessIdentity(record.bootId, record.startTicks);
  return `${record.pid}.${record.ranAt}${bootId === null ? '' : `.${startTicks}.${bootId}`}`;
}

/** A pattern (RegExp source, no capturing groups) for what recordInName writes, for a caller's own file-name pattern. */
export const RECORD_IN_NAME = String.raw`\d+\.\d+(?:\.\d+\.[0-9a-f]{32})?`;

/** The record recordInName wrote; null for text that is not one. */
export function recordOfName(text: string): RecordedProcess | null {
  const match = /^(\d+)\.(\d+)(?:\.(\d+)\.([0-9a-f]{32}))?$/.exec(text);
  if (!match) return null;
  const identity = readProcessIdentity(match[4], match[3] === undefined ? undefined : Number(match[3]));
  return { pid: Number(match[1]), ranAt: Number(match[2]), ...identity };
}

/** Whether a process with this pid exists (signal 0: nothing is sent). */
function pidExists(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false; // 0 and negatives name process groups
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Linux keeps a process's start in field 22 of /proc/<pid>/stat, in clock ticks since boot. The
 * second field (the command name, in parentheses) may hold spaces and parentheses itself, so
 * fields are counted after the last ')'. Null for text that is not such a line.
 */
export function startTicksOfStat(stat: string): number | null {
  const nameEnd = stat.lastIndexOf(')');
  if (nameEnd < 0) return null;
  const fields = stat
    .slice(nameEnd + 1)
    .trim()
    .split(/\s+/);
  const ticks = Number(fields[22 - 3]); // fields[0] is field 3 (the state)
  return fields.length > 22 - 3 && Number.isSafeInteger(ticks) && ticks >= 0 ? ticks : null;
}

/** The boot time /proc/stat states (`btime`, in seconds since the epoch), in ms; null without one. */
export function bootTimeOfProcStat(text: string): number | null {
  const seconds = Number(/^btime\s+(\d+)\s*$/m.exec(text)?.[1]);
  return Number.isSafeInteger(seconds) ? seconds * 1000 : null;
}

/**
 * Ticks per second of /proc's times (sysconf(_SC_CLK_TCK), USER_HZ): 100 on Linux, fixed by its
 * user-space interface whatever the kernel's own tick rate, on every architecture Node runs on.
 */
const LINUX_TICKS_PER_SECOND = 100;

function readText(file: string): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return null; // gone meanwhile, or hidden (/proc mounted with hidepid)
  }
}

/** A process's start in ticks since boot from /proc/<pid>/stat (Linux only; null elsewhere or where /proc does not say). */
function linuxStartTicks(pid: number): number | null {
  if (process.platform !== 'linux' || !Number.isSafeInteger(pid) || pid <= 0) return null;
  const stat = readText(`/proc/${pid}/stat`);
  return stat === null ? null : startTicksOfStat(stat);
}

/** A process's start time from /proc (Linux only; null elsewhere or where /proc does not say). */
function linuxStartedAt(pid: number): number | null {
  const ticks = linuxStartTicks(pid);
  const text = ticks === null ? null : readText('/proc/stat');
  const booted = text === null ? null : bootTimeOfProcStat(text);
  return ticks === null || booted === null ? null : booted + (ticks * 1000) / LINUX_TICKS_PER_SECOND;
}

/** A boot id as /proc/sys/kernel/random/boot_id writes it (a UUID), as records keep it: 32 lowercase hex digits; null for other text. */
export function bootIdOfText(text: string): string | null {
  const id = text.trim().toLowerCase().replaceAll('-', '');
  return BOOT_ID.test(id) ? id : null;
}

let thisBootId: string | null | undefined;

/** This boot's id (Linux only; null elsewhere or where /proc does not say). Read once: it holds until the next boot. */
function linuxBootId(): string | null {
  if (thisBootId === undefined) {
    const text = process.platform === 'linux' ? readText('/proc/sys/kernel/random/boot_id') : null;
    thisBootId = text === null ? null : bootIdOfText(text);
  }
  return thisBootId;
}

/**
 * This machine's processes: kill(pid, 0), the boot time from os.uptime() (Linux, macOS, Windows),
 * /proc's start times, boot id and start ticks.
 */
export const systemProcesses: ProcessTable = {
  exists: pidExists,
  bootedAt: () => Date.now() - os.uptime() * 1000,
  startedAt: linuxStartedAt,
  bootId: linuxBootId,
  startTicks: linuxStartTicks,
};
