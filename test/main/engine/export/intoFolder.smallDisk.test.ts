// intoFolder.ts clearKilledExport on a real disk full to the last byte (a small tmpfs,
// test/support/smallDisk.ts; mounting one needs root, elsewhere these are skipped), through the
// sweep of what killed exports recorded (stagingRecords.ts removeStagingOfGone, run at each start
// and export): the staging folder a killed export left inside a folder that exists is what frees
// that disk, so clearing it takes the folder's lock with no new bytes (stampLock.ts takeBriefLock),
// its stale lock taken over or, where none is left, one made empty, and gives it back.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXPORT_LOCK, stagingInside } from '../../../../src/main/engine/export/stagingName';
import { removeStagingOfGone } from '../../../../src/main/engine/export/stagingRecords';
import { fillDisk, smallDisks } from '../../../support/smallDisk';
import { goneStamp } from '../../../support/stamps';

const disks = smallDisks();
const HALF_WRITTEN = 256 * 1024;

/**
 * On a fresh 1 MiB disk: the folder `out` (holding keep.txt) that an export killed as it wrote
 * into it left its staging folder in (HALF_WRITTEN bytes) and, `withLock`, its lock; that
 * export's record in `exporting`. Then the disk is filled to the last byte.
 */
function killedExportOnFullDisk(withLock: boolean): { disk: string; out: string; records: string } {
  const disk = disks.make(1024)!;
  const [out, records] = [path.join(disk, 'out'), path.join(disk, 'data', 'exporting')];
  const gone = goneStamp();
  const staging = stagingInside(out, gone);
  fs.mkdirSync(staging, { recursive: true });
  fs.writeFileSync(path.join(out, 'keep.txt'), 'keep');
  fs.writeFileSync(path.join(staging, 'model.onnx'), Buffer.alloc(HALF_WRITTEN));
  if (withLock) fs.writeFileSync(path.join(out, EXPORT_LOCK), gone);
  fs.mkdirSync(records, { recursive: true });
  fs.writeFileSync(path.join(records, `${gone}.json`), JSON.stringify({ staging }));
  fillDisk(disk, 0);
  expect(() => fs.writeFileSync(path.join(disk, 'one-byte'), 'x')).toThrow(/ENOSPC/);
  fs.rmSync(path.join(disk, 'one-byte'), { force: true });
  return { disk, out, records };
}

describe.skipIf(!disks.canMount)("a killed export's staging folder on a disk full to the last byte", () => {
  it.each([
    ['its stale lock taken over', true],
    ['a lock made where it left none', false],
  ])('is removed at the next sweep, %s and given back, and so is its record', (_, withLock) => {
    const { disk, out, records } = killedExportOnFullDisk(withLock);
    expect(removeStagingOfGone(records)).toBe(1);
    expect(fs.readdirSync(out)).toEqual(['keep.txt']);
    expect(fs.existsSync(records)).toBe(false);
    fs.writeFileSync(path.join(disk, 'room'), Buffer.alloc(HALF_WRITTEN / 2)); // the space is given back
  });
});
