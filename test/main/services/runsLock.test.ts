// runsLock.ts: a trainer lock the data directory cannot write (a read-only disk) is a data
// directory that cannot be used (exit 3), saying where; a read-only mount is not made in a test,
// so writing the lock file fails as it does on one. A lock whose pid another process has taken
// since (after a reboot) is taken over; one whose process lives is not, on Linux (by boot id and
// start ticks) even after the wall clock was stepped by hours.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  acquireTrainerLock,
  isRunOwnerAlive,
  thisProcessAsOwner,
  trainerLockPath,
} from '../../../src/main/services/runsLock';
import { processStartedAt, systemProcesses } from '../../../src/main/processIdentity';
import { StoreError } from '../../../src/main/store/db';
import { tempDirs } from '../../support/tmp';

const refused = vi.hoisted(() => ({ code: '' }));
// Runs once, right after the next read of a trainer lock: another taker acting between a read and what follows it.
const afterRead = vi.hoisted(() => ({ hook: null as (() => void) | null }));

vi.mock('node:fs', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs')>();
  const openSync = ((file: string, ...rest: unknown[]) => {
    if (refused.code !== '' && String(file).endsWith('trainer.lock')) {
      const verb = refused.code === 'EROFS' ? 'read-only file system' : 'no such device';
      throw Object.assign(new Error(`${refused.code}: ${verb}, open '${String(file)}'`), { code: refused.code });
    }
    return (actual.openSync as (...args: unknown[]) => number)(file, ...rest);
  }) as typeof actual.openSync;
  const readFileSync = ((file: string, ...rest: unknown[]) => {
    const text = (actual.readFileSync as (...args: unknown[]) => unknown)(file, ...rest);
    const hook = afterRead.hook;
    if (hook === null || !String(file).endsWith('trainer.lock')) return text;
    afterRead.hook = null;
    hook();
    return text;
  }) as typeof actual.readFileSync;
  const mocked = { openSync, readFileSync };
  return { ...actual, default: { ...actual, ...mocked }, ...mocked };
});

const tempDir = tempDirs('spanfill-lock-');
afterEach(() => {
  refused.code = '';
  afterRead.hook = null;
});

/** A lock of a process that has gone: process.ppid's pid, recorded as started before this machine booted. */
function staleLock(): string {
  const bootedAt = Date.now() - os.uptime() * 1000;
  return JSON.stringify({ pid: process.ppid, startedAt: bootedAt - 3_600_000, runId: 'r-gone' });
}

describe('acquireTrainerLock taking over a stale lock', () => {
  it('refuses a taker that read the same stale lock as one that took it over meanwhile', () => {
    const dir = tempDir();
    const file = trainerLockPath(dir);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, staleLock());
    let releaseFirst: (() => void) | undefined;
    // The second taker has read the stale lock; before it acts, the first takes the lock over.
    afterRead.hook = () => {
      releaseFirst = acquireTrainerLock(dir, undefined, 'r-first');
    };
    expect(() => acquireTrainerLock(dir, undefined, 'r-second')).toThrow(
      `Run r-first is starting to train on this data directory (pid ${process.pid}, this process)`,
    );
    expect(JSON.parse(fs.readFileSync(file, 'utf8')).runId).toBe('r-first');
    releaseFirst?.();
    expect(fs.readdirSync(path.dirname(file))).toEqual([]);
  });

  it('leaves a lock still being made (empty, just now) to its maker, and takes over one left empty long ago', () => {
    const dir = tempDir();
    const file = trainerLockPath(dir);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, '');
    expect(() => acquireTrainerLock(dir, undefined, 'r-second')).toThrow(
      /^Another trainer is starting on this data directory; one run trains at a time: wait for it/,
    );
    expect(fs.readFileSync(file, 'utf8')).toBe('');
    const longAgo = new Date(Date.now() - 120_000);
    fs.utimesSync(file, longAgo, longAgo);
    acquireTrainerLock(dir, undefined, 'r-second')();
    expect(fs.existsSync(file)).toBe(false);
  });
});

describe('acquireTrainerLock', () => {
  it('takes the lock and gives it back', () => {
    const dir = tempDir();
    const release = acquireTrainerLock(dir);
    expect(fs.existsSync(trainerLockPath(dir))).toBe(true);
    release();
    expect(fs.existsSync(trainerLockPath(dir))).toBe(false);
  });

  it('says a lock on a read-only disk as a data directory that cannot be written, naming its folder', () => {
    const dir = tempDir();
    refused.code = 'EROFS';
    const lock = trainerLockPath(dir);
    let caught: unknown;
    try {
      acquireTrainerLock(dir);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(StoreError);
    expect((caught as Error).message).toBe(
      `Cannot train here: the trainer lock ${lock} cannot be written (EROFS: read-only file system, open '${lock}'). ` +
        `A run writes its lock, checkpoints and metrics in ${path.join(dir, 'runs')}. Check that you may read and ` +
        'write it and its folder (permissions, a read-only disk), or use another --data-dir.',
    );
  });

  it("records this process's pid and start time in the lock", () => {
    const dir = tempDir();
    const release = acquireTrainerLock(dir);
    const lock = JSON.parse(fs.readFileSync(trainerLockPath(dir), 'utf8')) as Record<string, unknown>;
    expect(lock.pid).toBe(process.pid);
    expect(Math.abs(Number(lock.startedAt) - (Date.now() - process.uptime() * 1000))).toBeLessThan(1000);
    expect(Date.parse(String(lock.since))).toBeLessThanOrEqual(Date.now());
    if (process.platform === 'linux') {
      expect(lock.bootId).toBe(fs.readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim().replaceAll('-', ''));
      expect(lock.startTicks).toBe(systemProcesses.startTicks(process.pid));
    }
    release();
  });

  it('tells a live holder by its boot id and start ticks (Linux), however far the wall clock was stepped', () => {
    const dir = tempDir();
    fs.mkdirSync(path.dirname(trainerLockPath(dir)), { recursive: true });
    const bootedAt = Date.now() - os.uptime() * 1000;
    const [bootId, ticks] = [systemProcesses.bootId(), systemProcesses.startTicks(process.ppid)];
    const holder = (startedAt: number, startTicks: unknown, id: unknown = bootId): string =>
      JSON.stringify({ pid: process.ppid, startedAt, bootId: id, startTicks, runId: 'r-live' });
    const isLinux = process.platform === 'linux';
    // process.ppid holds it, recorded before the clock was stepped forward by hours: it reads as
    // one of an earlier boot by the clock, and is refused by its boot id and ticks.
    fs.writeFileSync(trainerLockPath(dir), holder(bootedAt - 3_600_000, ticks));
    if (isLinux) expect(() => acquireTrainerLock(dir)).toThrow(/^Run r-live is starting to train/);
    else acquireTrainerLock(dir)();
    // By the clock its holder may live; its start ticks say another process took the pid.
    fs.writeFileSync(trainerLockPath(dir), holder(Date.now(), ticks === null ? null : ticks + 1));
    if (isLinux) acquireTrainerLock(dir)();
    else expect(() => acquireTrainerLock(dir)).toThrow(/^Run r-live is starting to train/);
    // A damaged boot id or ticks are read as absent: the clock says, as for a lock of an older version.
    fs.writeFileSync(trainerLockPath(dir), holder(Date.now(), 'x', 'not a boot id'));
    expect(() => acquireTrainerLock(dir)).toThrow(/^Run r-live is starting to train/);
    fs.writeFileSync(trainerLockPath(dir), holder(bootedAt - 3_600_000, 'x', 'not a boot id'));
    acquireTrainerLock(dir)();
  });

  it("records this process as a run's owner, told alive by its boot id and start ticks (Linux) whatever the clock did", () => {
    const owner = thisProcessAsOwner();
    expect(owner).toMatchObject({ ownerPid: process.pid, ownerStartedAt: processStartedAt() });
    expect(isRunOwnerAlive(owner)).toBe(true);
    const stepped = { ...owner, ownerStartedAt: Date.now() - os.uptime() * 1000 - 3_600_000 };
    expect(isRunOwnerAlive(stepped)).toBe(process.platform === 'linux');
    if (process.platform !== 'linux') return expect(owner).toMatchObject({ ownerBootId: null, ownerStartTicks: null });
    expect(owner.ownerStartTicks).toBe(systemProcesses.startTicks(process.pid));
    expect(isRunOwnerAlive({ ...owner, ownerStartTicks: owner.ownerStartTicks! + 1 })).toBe(false);
    expect(isRunOwnerAlive({ ...owner, ownerBootId: 'f'.repeat(32) })).toBe(false);
    expect(isRunOwnerAlive({ ...owner, ownerPid: null })).toBe(false);
  });

  it('takes over a lock whose pid another process has taken since its holder ran, not one whose holder lives', () => {
    const dir = tempDir();
    fs.mkdirSync(path.dirname(trainerLockPath(dir)), { recursive: true });
    // process.ppid runs; the holder recorded with it started before this machine booted.
    const bootedAt = Date.now() - os.uptime() * 1000;
    const since = new Date(bootedAt - 3_000_000).toISOString();
    fs.writeFileSync(
      trainerLockPath(dir),
      JSON.stringify({ pid: process.ppid, startedAt: bootedAt - 3_600_000, since }),
    );
    const release = acquireTrainerLock(dir);
    expect(JSON.parse(fs.readFileSync(trainerLockPath(dir), 'utf8')).pid).toBe(process.pid);
    release();
    // Its holder lives (it started before now): refused, naming it.
    fs.writeFileSync(trainerLockPath(dir), JSON.stringify({ pid: process.ppid, startedAt: Date.now() }));
    expect(() => acquireTrainerLock(dir)).toThrow(
      new RegExp(`Another trainer is running on this data directory \\(pid ${process.ppid}\\)`),
    );
  });

  it('records the run it is taken for, and a refusal names that run from the lock alone', () => {
    const dir = tempDir();
    const release = acquireTrainerLock(dir, undefined, 'r-first');
    expect(JSON.parse(fs.readFileSync(trainerLockPath(dir), 'utf8')).runId).toBe('r-first');
    release();
    // Another live process holds it for a run the store does not list yet (it has only begun).
    fs.writeFileSync(
      trainerLockPath(dir),
      JSON.stringify({ pid: process.ppid, startedAt: Date.now(), runId: 'r-new' }),
    );
    expect(() => acquireTrainerLock(dir, undefined, 'r-second')).toThrow(
      `Run r-new is starting to train on this data directory (pid ${process.ppid}); one run trains at a time: ` +
        'wait for it, or stop it (Runs screen, or `spanfill runs stop r-new`)',
    );
  });

  it('lets any other failure through as it came', () => {
    refused.code = 'ENODEV';
    expect(() => acquireTrainerLock(tempDir())).toThrow(/^ENODEV: no such device/);
  });
});
