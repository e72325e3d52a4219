// processIdentity.ts: a recorded process is alive only while its pid exists and names the
// same process: not one of an earlier boot, not a later process that got the pid. A fake
// process table plays the system for reused pids and reboots; the real one is checked on this
// process and a pid that has exited.

import { describe, expect, it } from 'vitest';
import {
  bootTimeOfProcStat,
  CLOCK_TOLERANCE_MS,
  isRecordedProcessAlive,
  processStartedAt,
  startTicksOfStat,
  systemProcesses,
  type ProcessTable,
} from '../../src/main/processIdentity';
import { deadPid } from '../support/processes';

const BOOT = Date.parse('2026-03-01T08:00:00Z');
const HOUR = 3_600_000;

/** A machine booted at BOOT whose process 4242 started at `started` (null: the system does not say, as on macOS). */
function machine(started: number | null, running: readonly number[] = [4242]): ProcessTable {
  return {
    exists: (pid) => running.includes(pid),
    bootedAt: () => BOOT,
    startedAt: (pid) => (running.includes(pid) ? started : null),
  };
}

describe('isRecordedProcessAlive', () => {
  it('is the same process where the pid runs and started when the record says', () => {
    const started = BOOT + HOUR;
    expect(isRecordedProcessAlive({ pid: 4242, ranAt: started }, machine(started))).toBe(true);
    // Recorded later than it started (when it wrote the record): still that process.
    expect(isRecordedProcessAlive({ pid: 4242, ranAt: started + 2 * HOUR }, machine(started))).toBe(true);
    // Clocks that read one moment a little apart.
    expect(isRecordedProcessAlive({ pid: 4242, ranAt: started - 2_000 }, machine(started))).toBe(true);
  });

  it('is not alive when no process has the pid', () => {
    expect(isRecordedProcessAlive({ pid: 4243, ranAt: BOOT + HOUR }, machine(BOOT + HOUR))).toBe(false);
    expect(isRecordedProcessAlive({ pid: 4243, ranAt: null }, machine(BOOT + HOUR))).toBe(false);
  });

  it('is not alive when the pid now belongs to a process that started after the recorded one ran', () => {
    const recorded = { pid: 4242, ranAt: BOOT + HOUR };
    expect(isRecordedProcessAlive(recorded, machine(BOOT + 3 * HOUR))).toBe(false);
    expect(isRecordedProcessAlive(recorded, machine(BOOT + HOUR + CLOCK_TOLERANCE_MS + 1_000))).toBe(false);
  });

  it('is not alive when the recorded process ran before this machine booted, even where start times are unknown', () => {
    const beforeBoot = { pid: 4242, ranAt: BOOT - HOUR };
    expect(isRecordedProcessAlive(beforeBoot, machine(null))).toBe(false);
    expect(isRecordedProcessAlive(beforeBoot, machine(BOOT + 60_000))).toBe(false);
    // After boot, with no start time to compare: the pid decides.
    expect(isRecordedProcessAlive({ pid: 4242, ranAt: BOOT + HOUR }, machine(null))).toBe(true);
  });

  it('checks only the pid of a record written before start times were kept', () => {
    expect(isRecordedProcessAlive({ pid: 4242, ranAt: null }, machine(BOOT + 3 * HOUR))).toBe(true);
  });
});

describe('the system process table', () => {
  it('says this process, recorded with its start time, is alive', () => {
    expect(isRecordedProcessAlive({ pid: process.pid, ranAt: processStartedAt() })).toBe(true);
    expect(isRecordedProcessAlive({ pid: process.pid, ranAt: null })).toBe(true);
    expect(processStartedAt()).toBeGreaterThanOrEqual(systemProcesses.bootedAt() - CLOCK_TOLERANCE_MS);
  });

  it('says a pid that has exited is not alive, nor pids that name no single process', () => {
    expect(isRecordedProcessAlive({ pid: deadPid(), ranAt: null })).toBe(false);
    for (const pid of [0, -1, 1.5, Number.NaN]) expect(systemProcesses.exists(pid)).toBe(false);
  });

  it('says this process recorded as one of an earlier boot is not alive', () => {
    const ranAt = systemProcesses.bootedAt() - HOUR;
    expect(isRecordedProcessAlive({ pid: process.pid, ranAt })).toBe(false);
  });

  it('says this process recorded as one that ran before it started is another, where the system says start times', () => {
    // This test process starts well after boot: the boot check alone lets such a record through.
    const beforeItStarted = { pid: process.pid, ranAt: processStartedAt() - 2 * CLOCK_TOLERANCE_MS };
    expect(isRecordedProcessAlive(beforeItStarted)).toBe(process.platform !== 'linux');
  });

  it("reads this process's start from /proc on Linux, where it agrees with processStartedAt()", () => {
    const started = systemProcesses.startedAt(process.pid);
    if (process.platform !== 'linux') return expect(started).toBeNull();
    expect(started).not.toBeNull();
    expect(Math.abs(started! - processStartedAt())).toBeLessThan(CLOCK_TOLERANCE_MS);
  });
});

describe('reading /proc', () => {
  it("takes field 22 of a stat line, counting fields after the command name's last ')'", () => {
    const fields = Array.from({ length: 50 }, (_, i) => String(i + 3)); // fields 3 to 52
    fields[22 - 3] = '98765';
    expect(startTicksOfStat(`4242 (a) b (c)) ${fields.join(' ')}\n`)).toBe(98765);
    expect(startTicksOfStat(`4242 (node) ${fields.join(' ')}`)).toBe(98765);
    expect(startTicksOfStat('4242 node R 1 2 3')).toBeNull();
    expect(startTicksOfStat('4242 (node) R 1 2 3')).toBeNull();
  });

  it("takes /proc/stat's btime in ms", () => {
    expect(bootTimeOfProcStat('cpu  1 2 3\nintr 5\nbtime 1796417662\nprocesses 9\n')).toBe(1_796_417_662_000);
    expect(bootTimeOfProcStat('cpu  1 2 3\n')).toBeNull();
  });
});
