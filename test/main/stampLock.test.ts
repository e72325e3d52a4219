// stampLock.ts replaceStaleLock: a stale lock is replaced only while it still holds what its
// taker read, holding `<lock>.break`; a breaker a live process holds is waited for (false), and
// one whose process has gone is taken over the same way. An empty lock read as stale (its maker
// killed as it made it) is not replaced once it is being made anew (empty again, but young).
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createStampLock, replaceStaleLock, takeStampLock } from '../../src/main/stampLock';
import { goneStamp, stampOfThisProcess } from '../support/stamps';
import { tempDirs } from '../support/tmp';

const tempDir = tempDirs('spanfill-stamp-');

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
    const live = stampOfThisProcess();
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
    const mine = stampOfThisProcess();
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

describe('replaceStaleLock of an empty lock (its maker killed as it made it)', () => {
  it('replaces it while it is older than any making takes, not once it was given back and is being made anew', () => {
    const lock = path.join(tempDir(), 'c.lock');
    fs.writeFileSync(lock, '');
    const old = new Date(Date.now() - 3_600_000);
    fs.utimesSync(lock, old, old); // read as stale by a taker; then, before it replaces it:
    fs.rmSync(lock); // taken over and given back by others,
    fs.writeFileSync(lock, ''); // and being made anew by another process, its stamp not written yet
    expect(replaceStaleLock(lock, '', 'fresh')).toBe(false);
    expect(fs.readFileSync(lock, 'utf8')).toBe('');
    fs.utimesSync(lock, old, old); // its maker killed as it made it
    expect(replaceStaleLock(lock, '', 'fresh')).toBe(true);
    expect(fs.readFileSync(lock, 'utf8')).toBe('fresh');
    expect(fs.readdirSync(path.dirname(lock))).toEqual(['c.lock']);
  });
});
