// processIdentity.ts: a recorded process is alive only while its pid exists and names the
// same process: not one of an earlier boot, not a later process that got the pid. A fake
// process table plays the system for reused pids, reboots and a wall clock stepped by hours;
// the real one is checked on this process and a pid that has exited.

import { describe, expect, it } from 'vitest';
import {
  bootIdOfText,
  bootTimeOfProcStat,
  CLOCK_TOLERANCE_MS,
  isRecordedProcessAlive,
  processStartedAt,
  readProcessIdentity,
  recordInName,
  recordOfName,
  recordOfThisProcess,
  startTicksOfStat,
  systemProcesses,
  type ProcessTable,
  type RecordedProcess,
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
    bootId: () => null,
    startTicks: () => null,
  };
}

const BOOT_ID = '0f1e2d3c4b5a69788796a5b4c3d2e1f0';
const OTHER_BOOT_ID = 'aaaabbbbccccddddeeeeffff00001111';
/** Process 4242's start in ticks since boot (100 a second): an hour after boot. */
const TICKS = 360_000;

/**
 * A Linux machine as `machine(started)` whose boot id is `bootId` and whose process 4242 started
 * at `ticks`, with every wall-clock reading `clockStep` ms off what it was when records were
 * written (the clock stepped meanwhile); null for what /proc does not say (hidepid).
 */
function linuxMachine(
  clockStep: number,
  { bootId = BOOT_ID, ticks = TICKS }: { bootId?: string | null; ticks?: number | null } = {},
): ProcessTable {
  const started = BOOT + HOUR + clockStep;
  return {
    ...machine(started),
    bootedAt: () => BOOT + clockStep,
    bootId: () => bootId,
    startTicks: (pid) => (pid === 4242 ? ticks : null),
  };
}

/** Process 4242 as a record written on Linux keeps it, when it started (BOOT + HOUR by the clock then). */
const linuxRecord: RecordedProcess = { pid: 4242, ranAt: BOOT + HOUR, bootId: BOOT_ID, startTicks: TICKS };

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

describe('isRecordedProcessAlive where the record and the system have boot id and start ticks (Linux)', () => {
  it('is the same process whatever the wall clock did since, when boot id and start ticks match', () => {
    for (const step of [0, 6 * HOUR, -6 * HOUR, CLOCK_TOLERANCE_MS * 3])
      expect(isRecordedProcessAlive(linuxRecord, linuxMachine(step))).toBe(true);
    // Recorded when it wrote a file, hours after it started, then the clock went back a day.
    expect(isRecordedProcessAlive({ ...linuxRecord, ranAt: BOOT + 5 * HOUR }, linuxMachine(-24 * HOUR))).toBe(true);
  });

  it('is another process when the pid started at another tick, whatever the clocks say', () => {
    // By the clock alone it would be the same one (started before it was recorded).
    expect(isRecordedProcessAlive({ ...linuxRecord, ranAt: BOOT + 2 * HOUR }, linuxMachine(0))).toBe(true);
    expect(
      isRecordedProcessAlive({ ...linuxRecord, ranAt: BOOT + 2 * HOUR }, linuxMachine(0, { ticks: TICKS + 1 })),
    ).toBe(false);
    expect(isRecordedProcessAlive(linuxRecord, linuxMachine(0, { ticks: TICKS - 100 }))).toBe(false);
  });

  it('is a process of an earlier boot when the boot id differs, whatever the clocks and ticks say', () => {
    expect(isRecordedProcessAlive(linuxRecord, linuxMachine(0, { bootId: OTHER_BOOT_ID }))).toBe(false);
    expect(isRecordedProcessAlive(linuxRecord, linuxMachine(0, { bootId: OTHER_BOOT_ID, ticks: null }))).toBe(false);
  });

  it('is not alive when no process has the pid', () => {
    expect(isRecordedProcessAlive({ ...linuxRecord, pid: 4243 }, linuxMachine(0))).toBe(false);
  });

  it('checks a record without them (an older version, another system) by the clock, as before', () => {
    const old: RecordedProcess = { pid: 4242, ranAt: BOOT + HOUR };
    expect(isRecordedProcessAlive(old, linuxMachine(0))).toBe(true);
    // The limit that remains for such records: a clock stepped forward by hours reads as a reboot.
    expect(isRecordedProcessAlive(old, linuxMachine(6 * HOUR))).toBe(false);
    expect(isRecordedProcessAlive({ pid: 4242, ranAt: BOOT - HOUR }, linuxMachine(0))).toBe(false);
    expect(isRecordedProcessAlive({ pid: 4242, ranAt: null }, linuxMachine(6 * HOUR))).toBe(true);
  });

  it('checks by the clock where the system does not say them now (/proc hiding the pid, no boot id)', () => {
    expect(isRecordedProcessAlive(linuxRecord, linuxMachine(0, { ticks: null }))).toBe(true);
    expect(isRecordedProcessAlive(linuxRecord, linuxMachine(6 * HOUR, { ticks: null }))).toBe(false);
    expect(isRecordedProcessAlive(linuxRecord, linuxMachine(6 * HOUR, { bootId: null }))).toBe(false);
  });

  it('reads malformed ones from storage as absent: the clock decides, nothing throws', () => {
    const stored = [
      '{"pid":4242,"ranAt":%,"bootId":"not a boot id","startTicks":360000}',
      '{"pid":4242,"ranAt":%,"bootId":"0F1E2D3C4B5A69788796A5B4C3D2E1F0","startTicks":360000}',
      '{"pid":4242,"ranAt":%,"bootId":"0f1e2d3c4b5a69788796a5b4c3d2e1f0","startTicks":-1}',
      '{"pid":4242,"ranAt":%,"bootId":"0f1e2d3c4b5a69788796a5b4c3d2e1f0","startTicks":"360000"}',
      '{"pid":4242,"ranAt":%,"bootId":"0f1e2d3c4b5a69788796a5b4c3d2e1f0","startTicks":3600.5}',
      '{"pid":4242,"ranAt":%,"bootId":null,"startTicks":360000}',
      '{"pid":4242,"ranAt":%,"bootId":["0f1e2d3c4b5a69788796a5b4c3d2e1f0"],"startTicks":{}}',
    ];
    for (const text of stored) {
      const at = (ranAt: number): RecordedProcess => JSON.parse(text.replace('%', String(ranAt))) as RecordedProcess;
      // Another tick than the process has: were the values taken, it would read gone.
      const table = linuxMachine(0, { ticks: TICKS + 7 });
      expect(isRecordedProcessAlive(at(BOOT + HOUR), table), text).toBe(true);
      expect(isRecordedProcessAlive(at(BOOT - HOUR), table), text).toBe(false);
    }
  });
});

describe('readProcessIdentity', () => {
  it('keeps a boot id and start ticks only when both are valid', () => {
    expect(readProcessIdentity(BOOT_ID, TICKS)).toEqual({ bootId: BOOT_ID, startTicks: TICKS });
    expect(readProcessIdentity(BOOT_ID, 0)).toEqual({ bootId: BOOT_ID, startTicks: 0 });
    const none = { bootId: null, startTicks: null };
    for (const [bootId, ticks] of [
      [undefined, undefined],
      [BOOT_ID, null],
      [null, TICKS],
      [BOOT_ID.slice(1), TICKS],
      [`${BOOT_ID.slice(0, 8)}-${BOOT_ID.slice(8)}`, TICKS],
      [BOOT_ID, Number.NaN],
      [BOOT_ID, 2 ** 60],
      [BOOT_ID, String(TICKS)],
    ])
      expect(readProcessIdentity(bootId, ticks)).toEqual(none);
  });
});

describe('a record in a file name', () => {
  it('carries the pid and moment, and the boot id and start ticks where the record has them', () => {
    expect(recordInName({ pid: 4242, ranAt: BOOT })).toBe(`4242.${BOOT}`);
    expect(recordInName({ pid: 4242, ranAt: BOOT, bootId: null, startTicks: null })).toBe(`4242.${BOOT}`);
    const name = recordInName({ ...linuxRecord, ranAt: BOOT });
    expect(name).toBe(`4242.${BOOT}.360000.${BOOT_ID}`);
    expect(recordOfName(name)).toEqual({ pid: 4242, ranAt: BOOT, bootId: BOOT_ID, startTicks: TICKS });
    expect(recordOfName(`4242.${BOOT}`)).toEqual({ pid: 4242, ranAt: BOOT, bootId: null, startTicks: null });
  });

  it('reads no record from other text, and ticks too large to be exact as absent', () => {
    for (const text of ['4242', '4242.', `4242.${BOOT}.360000`, `4242.${BOOT}.x.${BOOT_ID}`, `a.${BOOT}`])
      expect(recordOfName(text)).toBeNull();
    expect(recordOfName(`4242.${BOOT}.${'9'.repeat(20)}.${BOOT_ID}`)).toEqual({
      pid: 4242,
      ranAt: BOOT,
      bootId: null,
      startTicks: null,
    });
  });
});

describe('the system process table', () => {
  it('says this process, recorded with its start time, is alive', () => {
    expect(isRecordedProcessAlive({ pid: process.pid, ranAt: processStartedAt() })).toBe(true);
    expect(isRecordedProcessAlive({ pid: process.pid, ranAt: null })).toBe(true);
    expect(processStartedAt()).toBeGreaterThanOrEqual(systemProcesses.bootedAt() - CLOCK_TOLERANCE_MS);
  });

  it("says this process's own record is alive, on Linux however far the wall clock has moved since", () => {
    const own = recordOfThisProcess();
    expect(own).toMatchObject({ pid: process.pid, ranAt: processStartedAt() });
    expect(isRecordedProcessAlive(own)).toBe(true);
    expect(isRecordedProcessAlive(recordOfThisProcess(Date.now()))).toBe(true);
    // As if the clock had been stepped forward by hours since it was recorded (it reads as before boot).
    const stepped = { ...own, ranAt: systemProcesses.bootedAt() - 3 * HOUR };
    expect(isRecordedProcessAlive(stepped)).toBe(process.platform === 'linux');
    if (process.platform !== 'linux') return expect(own).toMatchObject({ bootId: null, startTicks: null });
    expect(own.bootId).toMatch(/^[0-9a-f]{32}$/);
    expect(own.startTicks).toBe(systemProcesses.startTicks(process.pid));
    // The same pid started at another tick, or in another boot: another process.
    expect(isRecordedProcessAlive({ ...own, startTicks: own.startTicks! + 1 })).toBe(false);
    expect(isRecordedProcessAlive({ ...own, bootId: OTHER_BOOT_ID })).toBe(false);
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

  it('takes a boot id as /proc writes it (a UUID) as 32 lowercase hex digits', () => {
    expect(bootIdOfText('0F1E2D3C-4B5A-6978-8796-A5B4C3D2E1F0\n')).toBe(BOOT_ID);
    for (const text of ['', 'unknown', '0f1e2d3c-4b5a-6978-8796', `${BOOT_ID}0`]) expect(bootIdOfText(text)).toBeNull();
  });

  it("takes /proc/stat's btime in ms", () => {
    expect(bootTimeOfProcStat('cpu  1 2 3\nintr 5\nbtime 1796417662\nprocesses 9\n')).toBe(1_796_417_662_000);
    expect(bootTimeOfProcStat('cpu  1 2 3\n')).toBeNull();
  });
});
