// stampLock.ts on a disk with no room for a stamp: the lock file is made (a new file needs no
// data block) but writing the stamp into it fails with ENOSPC (injected: a mocked writeSync and
// writeFileSync). A lock whose stamp was not written is removed before the error goes on, so no
// empty lock stays to read as one being made (a process that does not exist) for a minute. A
// brief holder that frees space (a removal from the Hub cache) holds it empty instead, and takes
// over a stale lock empty too (its breaker empty, the replacement written nothing).

import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createStampLock, liveStampHolder, takeBriefLock, takeStampLock } from '../../src/main/stampLock';
import { goneStamp, stampOfThisProcess } from '../support/stamps';
import { tempDirs } from '../support/tmp';

/** While set, every write of a stamp finds the disk full. */
const disk = vi.hoisted(() => ({ isFull: false }));

vi.mock('node:fs', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs')>();
  const full = (): never => {
    throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28 });
  };
  const writeSync = ((...args: unknown[]) =>
    disk.isFull ? full() : (actual.writeSync as (...a: unknown[]) => number)(...args)) as typeof actual.writeSync;
  const writeFileSync = ((...args: unknown[]) =>
    disk.isFull ? full() : (actual.writeFileSync as (...a: unknown[]) => void)(...args)) as typeof actual.writeFileSync;
  const fsMocked = { ...actual, writeSync, writeFileSync };
  return { ...fsMocked, default: fsMocked };
});

const tempDir = tempDirs('spanfill-stamp-full-');
afterEach(() => {
  disk.isFull = false;
});

const mine = stampOfThisProcess;

describe('a stamp lock on a full disk', () => {
  it('is not left behind when its stamp cannot be written: the error goes on, and the next try takes it', () => {
    const lock = path.join(tempDir(), 'a.lock');
    disk.isFull = true;
    expect(() => createStampLock(lock, mine())).toThrow(/ENOSPC/);
    expect(fs.existsSync(lock)).toBe(false);
    expect(() => takeStampLock(lock, mine())).toThrow(/ENOSPC/);
    expect(fs.existsSync(lock)).toBe(false);
    expect(liveStampHolder(lock)).toBeNull(); // no one said to be making it
    disk.isFull = false;
    expect(takeStampLock(lock, mine())).toBeNull();
  });

  it('leaves no breaker when taking over a stale lock finds no room, and the stale lock as it was', () => {
    const lock = path.join(tempDir(), 'b.lock');
    const stale = goneStamp();
    fs.writeFileSync(lock, stale);
    disk.isFull = true;
    expect(() => takeStampLock(lock, mine())).toThrow(/ENOSPC/);
    expect(fs.readdirSync(path.dirname(lock))).toEqual(['b.lock']);
    expect(fs.readFileSync(lock, 'utf8')).toBe(stale);
    disk.isFull = false;
    expect(takeStampLock(lock, mine())).toBeNull(); // not refused as "being made" for a minute
  });

  it('is held empty by a brief holder, which others are refused by for as long, until it gives it back', () => {
    const lock = path.join(tempDir(), 'c.lock');
    disk.isFull = true;
    const release = takeBriefLock(lock, mine());
    expect(typeof release).toBe('function');
    expect(fs.readFileSync(lock, 'utf8')).toBe('');
    disk.isFull = false;
    expect(takeStampLock(lock, mine())).toBeNaN(); // a lock being made: busy
    (release as () => void)();
    expect(fs.existsSync(lock)).toBe(false);
  });

  it('stamps it for a brief holder where there is room; refuses one a live process holds, by its pid', () => {
    const lock = path.join(tempDir(), 'd.lock');
    const stamp = mine();
    const release = takeBriefLock(lock, stamp) as () => void;
    expect(fs.readFileSync(lock, 'utf8')).toBe(stamp);
    disk.isFull = true;
    expect(takeBriefLock(lock, `${stamp}0`)).toBe(process.pid);
    release();
    expect(fs.existsSync(lock)).toBe(false);
  });

  it('takes over a stale lock for a brief holder with no room, holding it empty, and leaves nothing once given back', () => {
    const lock = path.join(tempDir(), 'e.lock');
    fs.writeFileSync(lock, goneStamp()); // a pull killed before this disk filled up
    disk.isFull = true;
    const release = takeBriefLock(lock, mine());
    expect(typeof release).toBe('function');
    expect(fs.readdirSync(path.dirname(lock))).toEqual(['e.lock']); // its breaker given back
    expect(fs.readFileSync(lock, 'utf8')).toBe('');
    expect(takeStampLock(lock, mine())).toBeNaN(); // a lock being made: busy
    (release as () => void)();
    expect(fs.existsSync(lock)).toBe(false);
  });

  it('takes over for a brief holder with no room an empty lock left by a process killed as it made it', () => {
    const lock = path.join(tempDir(), 'f.lock');
    fs.writeFileSync(lock, '');
    const old = new Date(Date.now() - 3_600_000);
    fs.utimesSync(lock, old, old);
    disk.isFull = true;
    const release = takeBriefLock(lock, mine()) as () => void;
    expect(liveStampHolder(lock)).toBeNaN(); // being made: its taker's, for as long as any making takes
    release();
    expect(fs.readdirSync(path.dirname(lock))).toEqual([]);
  });
});
