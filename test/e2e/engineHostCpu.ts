// Whether the engine host of a `spanfill serve` this test process started is working: the share
// of one CPU core its processes (the children of the serve process) used over a moment, read
// from Linux's /proc. A generation nobody waits for any more shows as a busy host.

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { expect } from 'vitest';

interface ProcessStat {
  readonly pid: number;
  readonly ppid: number;
  /** User and system CPU time so far, in clock ticks. */
  readonly ticks: number;
}

function readStat(pid: number): ProcessStat | undefined {
  try {
    const text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // After "pid (comm) ": state ppid … with utime and stime the 12th and 13th fields.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { pid, ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) };
  } catch {
    return undefined; // it ended meanwhile
  }
}

/** Whether `stat` is a `spanfill serve` that this process started. */
function isServeOfOurs(stat: ProcessStat): boolean {
  try {
    return stat.ppid === process.pid && fs.readFileSync(`/proc/${stat.pid}/cmdline`, 'utf8').includes('\0serve\0');
  } catch {
    return false; // it ended meanwhile
  }
}

/** CPU ticks so far of the processes that the `spanfill serve` children of this process started. */
function engineHostTicks(): number {
  const all = fs
    .readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .flatMap((name) => readStat(Number(name)) ?? []);
  const serves = new Set(all.filter(isServeOfOurs).map((stat) => stat.pid));
  if (serves.size === 0) throw new Error('No `spanfill serve` started by this process is running');
  return all.filter((stat) => serves.has(stat.ppid)).reduce((sum, stat) => sum + stat.ticks, 0);
}

/** The share of one core the engine host used over the next `ms` (1: one core busy all along). */
export async function engineHostCpuShare(ms: number): Promise<number> {
  const ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
  const before = engineHostTicks();
  const started = performance.now();
  await new Promise((resolve) => setTimeout(resolve, ms));
  const seconds = (performance.now() - started) / 1000;
  return (engineHostTicks() - before) / ticksPerSecond / seconds;
}

/**
 * The engine host's share of a core over 2 s, looked at again until it is over `share` (a fill
 * that started generating; before that the host may still be loading the model, for longer on a
 * loaded machine than any fixed wait allows); throws if it is not within `timeoutMs`.
 */
export async function engineHostBusyShare(share: number, timeoutMs: number): Promise<number> {
  let busy = 0;
  await expect
    .poll(async () => (busy = await engineHostCpuShare(2000)), { timeout: timeoutMs, interval: 0 })
    .toBeGreaterThan(share);
  return busy;
}
