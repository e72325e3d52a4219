// runsLock.ts on a real disk full to the last byte (a small tmpfs, test/support/smallDisk.ts;
// mounting one needs root, elsewhere these are skipped): the trainer lock whose stamp finds no
// room is said as a full disk each time, and leaves no empty lock that a retry would read as
// another trainer starting; once there is room it is taken.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { acquireTrainerLock, trainerLockPath } from '../../../src/main/services/runsLock';
import { isDiskFull } from '../../../src/shared/errors';
import { fillDisk, smallDisks } from '../../support/smallDisk';

const disks = smallDisks();

/** What acquireTrainerLock for the data directory `dataDir` threw (undefined: it took the lock, given back). */
function failureOfLock(dataDir: string): unknown {
  try {
    acquireTrainerLock(dataDir, undefined, 'r-full')();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe.skipIf(!disks.canMount)('the trainer lock on a disk full to the last byte', () => {
  it('is refused as a full disk each time, leaving no lock; taken once there is room', () => {
    const disk = disks.make(64)!;
    const dataDir = path.join(disk, 'data');
    const runs = path.dirname(trainerLockPath(dataDir));
    fs.mkdirSync(runs, { recursive: true });
    const filler = fillDisk(disk, 0);
    for (let i = 0; i < 2; i++) {
      const failure = failureOfLock(dataDir);
      expect(isDiskFull(failure), String(failure)).toBe(true);
      expect(fs.readdirSync(runs)).toEqual([]);
    }
    fs.rmSync(filler);
    expect(failureOfLock(dataDir)).toBeUndefined();
    expect(fs.readdirSync(runs)).toEqual([]);
  });
});
