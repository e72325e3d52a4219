// stampLock.ts on a real disk full to the last byte (a small tmpfs, test/support/smallDisk.ts;
// mounting one needs root, elsewhere these are skipped and stampLock.fullDisk.test.ts injects the
// full disk instead), where a stale lock is left by a process that has gone (a killed `models
// pull`): taking it over for a holder that writes (a pull) meets the full disk, said as one,
// leaving the lock as it was; a brief holder that frees space (`models cache rm`) takes it over
// with no new bytes.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isDiskFull } from '../../src/shared/errors';
import { liveStampHolder, takeBriefLock, takeStampLock } from '../../src/main/stampLock';
import { fillDisk, smallDisks } from '../support/smallDisk';
import { goneStamp, stampOfThisProcess } from '../support/stamps';

const disks = smallDisks();
const mine = stampOfThisProcess;

/** A folder on a disk with not one byte free, holding the stale lock `x.lock`; its stamp. */
function staleLockOnFullDisk(): { dir: string; lock: string; stale: string } {
  const dir = disks.make(64)!;
  const lock = path.join(dir, 'x.lock');
  const stale = goneStamp();
  fs.writeFileSync(lock, stale);
  fillDisk(dir, 0);
  expect(() => fs.writeFileSync(path.join(dir, 'one-byte'), 'x')).toThrow(/ENOSPC/);
  fs.rmSync(path.join(dir, 'one-byte'), { force: true });
  return { dir, lock, stale };
}

describe.skipIf(!disks.canMount)('a stale lock on a disk full to the last byte', () => {
  it('is not taken over for a holder that writes: the disk is full, and the lock stays as it was', () => {
    const { dir, lock, stale } = staleLockOnFullDisk();
    let caught: unknown;
    try {
      takeStampLock(lock, mine());
    } catch (error) {
      caught = error;
    }
    expect(isDiskFull(caught)).toBe(true);
    expect(fs.readdirSync(dir).sort()).toEqual(['filler', 'x.lock']);
    expect(fs.readFileSync(lock, 'utf8')).toBe(stale);
  });

  it('is taken over by a brief holder, held empty (busy to others) and given back, leaving nothing', () => {
    const { dir, lock } = staleLockOnFullDisk();
    const release = takeBriefLock(lock, mine());
    expect(typeof release).toBe('function');
    expect(fs.readFileSync(lock, 'utf8')).toBe('');
    expect(liveStampHolder(lock)).toBeNaN();
    expect(takeBriefLock(lock, mine())).toBeNaN();
    (release as () => void)();
    expect(fs.readdirSync(dir)).toEqual(['filler']);
  });
});
