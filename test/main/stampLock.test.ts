// stampLock.ts replaceStaleLock: a stale lock is replaced only while it still holds what its
// taker read, holding `<lock>.break`; a breaker a live process holds is waited for (false), and
// one whose process has gone is taken over the same way.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { recordInName, recordOfThisProcess } from '../../src/main/processIdentity';
import { createStampLock, replaceStaleLock, takeStampLock } from '../../src/main/stampLock';
import { tempDirs } from '../support/tmp';

const tempDir = tempDirs('spanfill-stamp-');

/** A stamp of a process that has gone: process.ppid's pid, recorded as run before this machine booted. */
const goneStamp = (): string =>
  recordInName({ pid: process.ppid, ranAt: Math.round(Date.now() - os.uptime() * 1000 - 3_600_000) });

describe('replaceStaleLock', () => {
  it('replaces the lock holding what its taker read, leaving nothing else behind', () => {
    const lock = path.join(tempDir(), 'a.lock');
    fs.writeFileSync(lock, 'stale');
    expect(replaceStaleLock(lock, 'stale', 'fresh')).toBe(true);
    expect(fs.readFileSync(lock, 'utf8')).toBe('fresh');
    expect(fs.readdirSync(path.dirname(lock))).toEqual(['a.lock']);
  });

  it('leaves a lock that no longer holds what its taker read (taken over, or given back, since)', () => {
    const lock = path.join(tempDir(), 'a.lock');
    fs.writeFileSync(lock, 'taken over');
    expect(replaceStaleLock(lock, 'stale', 'fresh')).toBe(false);
    expect(fs.readFileSync(lock, 'utf8')).toBe('taken over');
    expect(replaceStaleLock(path.join(path.dirname(lock), 'gone.lock'), 'stale', 'fresh')).toBe(false);
    expect(fs.readdirSync(path.dirname(lock))).toEqual(['a.lock']);
  });

  it('waits for a live process replacing the same lock, and takes over a breaker whose process has gone', () => {
    const lock = path.join(tempDir(), 'a.lock');
    fs.writeFileSync(lock, 'stale');
    const live = recordInName(recordOfThisProcess(Date.now()));
    expect(createStampLock(`${lock}.break`, live)).toBe(true);
    expect(replaceStaleLock(lock, 'stale', 'fresh')).toBe(false);
    expect(fs.readFileSync(lock, 'utf8')).toBe('stale');
    fs.writeFileSync(`${lock}.break`, goneStamp());
    expect(replaceStaleLock(lock, 'stale', 'fresh')).toBe(true);
    expect(fs.readFileSync(lock, 'utf8')).toBe('fresh');
    expect(fs.readdirSync(path.dirname(lock))).toEqual(['a.lock']);
  });
});

describe('takeStampLock', () => {
  it('takes a lock no one holds, refuses a live holder by its pid, and takes over one whose process has gone', () => {
    const lock = path.join(tempDir(), 'b.lock');
    const mine = recordInName(recordOfThisProcess(Date.now()));
    expect(takeStampLock(lock, mine)).toBeNull();
    expect(takeStampLock(lock, `${mine}0`)).toBe(process.pid);
    fs.writeFileSync(lock, goneStamp());
    expect(takeStampLock(lock, mine)).toBeNull();
    expect(fs.readFileSync(lock, 'utf8')).toBe(mine);
    fs.writeFileSync(lock, '');
    expect(takeStampLock(lock, mine)).toBeNaN(); // being made: its maker's
    expect(fs.readdirSync(path.dirname(lock))).toEqual(['b.lock']);
  });
});
