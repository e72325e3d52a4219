// An export whose destination's disk has no room says so naming that disk (the one that holds
// --out), not the data directory's, the room the export needs there and what is free, and
// advises deleting runs, models or datasets only when --out is on the data directory's disk:
// refused before it writes where the disk has less free than it needs, or met while it writes.
// On a real full disk: a small tmpfs (mounting one needs root; elsewhere these tests are
// skipped). Over the real services and engine host.

import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fillDisk, smallDisks } from '../../support/smallDisk';
import { formatBytes } from '../../../src/shared/format';
import { roomNeededFor } from './exportRoom-support';
import { runsServiceKit } from './runs-support';

const SPM = path.join(__dirname, '../../fixtures/t5/t5-tiny-spm');
const { tempDir, open } = runsServiceKit();
const disks = smallDisks();

/** "(the export needs … there; … is free)", the free space read on `disk` now. */
function roomSaid(disk: string): string {
  const stats = fs.statfsSync(disk);
  return `(the export needs at least ${formatBytes(roomNeededFor(SPM))} there; ${formatBytes(stats.bavail * stats.bsize)} is free)`;
}

describe.skipIf(!disks.canMount)('an export that fills its disk', () => {
  it("names --out's disk, not the data directory's, when --out is on another disk", async () => {
    const app = open(path.join(tempDir(), 'data'));
    const disk = disks.make(2048)!;
    fillDisk(disk, 64 * 1024);
    const out = path.join(disk, 'exp');
    const failed = await app.export.run({ sourceDir: SPM, format: 'hf', out, force: false }).catch((e: unknown) => e);
    // In words alone: Node's "ENOSPC: no space left on device, write" led it (probe-74). Refused
    // before anything is written: 64 KiB is less than its weights.
    expect(failed).toMatchObject({
      message: `The disk is full: free space on the disk that holds ${out}, then try again ${roomSaid(disk)}`,
    });
    expect(fs.readdirSync(disk)).toEqual(['filler']); // nothing half-written left
  }, 60_000);

  it('says the room it needs and what is free where the disk fills while it writes', async () => {
    const app = open(path.join(tempDir(), 'data'));
    const disk = disks.make(2048)!;
    // Room for its weights and tokenizer (about 260 KiB), not for transformers.js's graphs (about 360 KiB).
    fillDisk(disk, 300 * 1024);
    const out = path.join(disk, 'web');
    const failed = await app.export
      .run({ sourceDir: SPM, format: 'transformers.js', out, force: false })
      .catch((e: unknown) => e);
    expect(failed).toMatchObject({
      message: `The disk is full: free space on the disk that holds ${out}, then try again ${roomSaid(disk)}`,
    });
    expect(fs.readdirSync(disk)).toEqual(['filler']);
  }, 60_000);

  it("also names the data directory's when --out shares its disk", async () => {
    const disk = disks.make(4096)!;
    const app = open(path.join(disk, 'data'));
    fillDisk(disk, 64 * 1024);
    const out = path.join(disk, 'exp');
    await expect(app.export.run({ sourceDir: SPM, format: 'hf', out, force: false })).rejects.toThrow(
      `The disk is full: free space on the disk that holds ${out} (the data directory's too, where deleting ` +
        'runs, models or datasets you no longer need frees space), then try again',
    );
  }, 60_000);
});
