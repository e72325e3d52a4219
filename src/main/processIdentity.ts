// Whether the process a record names still runs: a pid alone is not enough, since after a
// reboot (or once pids wrap) another process can have it, and a run killed by a power cut would
// stay "running" for good. A record therefore keeps, with the pid, a moment that process surely
// ran (its start time; or when it wrote the record), and the pid counts as that process only if
// it could have run then. Generic: runs, imports, the trainer lock and token-cache temp files
// use it; it imports nothing of services, store or electron, so the engine may use it too.

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
}

/** What the system says about processes; tests pass a fake one (a reused pid, an owner from before boot). */
export interface ProcessTable {
  /** Whether a process with this pid exists now. */
  exists(pid: number): boolean;
  /** When this machine booted (epoch ms). */
  bootedAt(): number;
  /** When the process with this pid started (epoch ms), where the system says it; null where it does not. */
  startedAt(pid: number): number | null;
}

/**
 * How far apart two clocks' readings of one moment may be: /proc's boot time is in whole seconds,
 * os.uptime() in hundredths, and a process's own start time is taken a little after the kernel's.
 * NOTE: a wall clock stepped forward by more than this while the process runs (a virtual machine
 * resumed, WSL after its host slept) makes it look gone.
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

/**
 * Whether the recorded process still runs. The pid must exist, and with `ranAt`: that moment
 * is not before this machine booted (every process of an earlier boot is gone), and the
 * process with that pid now started no later than then. A process with the same pid that
 * started after the recorded one ran is another one: the recorded one had to end first to free
 * the pid. (Where the system does not say start times, only the boot is checked.)
 */
export function isRecordedProcessAlive(recorded: RecordedProcess, table: ProcessTable = systemProcesses): boolean {
  if (!table.exists(recorded.pid)) return false;
  if (recorded.ranAt === null) return true; // a record from before start times: pid only, as before
  if (recorded.ranAt < table.bootedAt() - CLOCK_TOLERANCE_MS) return false;
  const started = table.startedAt(recorded.pid);
  return started === null || started <= recorded.ranAt + CLOCK_TOLERANCE_MS;
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

/** A process's start time from /proc (Linux only; null elsewhere or where /proc does not say). */
function linuxStartedAt(pid: number): number | null {
  if (process.platform !== 'linux') return null;
  const stat = readText(`/proc/${pid}/stat`);
  const ticks = stat === null ? null : startTicksOfStat(stat);
  const text = ticks === null ? null : readText('/proc/stat');
  const booted = text === null ? null : bootTimeOfProcStat(text);
  return ticks === null || booted === null ? null : booted + (ticks * 1000) / LINUX_TICKS_PER_SECOND;
}

/** This machine's processes: kill(pid, 0), the boot time from os.uptime() (Linux, macOS, Windows), /proc's start times. */
export const systemProcesses: ProcessTable = {
  exists: pidExists,
  bootedAt: () => Date.now() - os.uptime() * 1000,
  startedAt: linuxStartedAt,
};
