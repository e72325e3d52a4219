// An export whose destination's disk fills says so naming that disk (the one that holds --out),
// not the data directory's, and advises deleting runs, models or datasets only when --out is on
// the data directory's disk. On a real full disk: a small tmpfs (mounting one needs root;
// elsewhere these tests are skipped). Over the real services and engine host.

import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fillDisk, smallDisks } from '../../support/smallDisk';
import { runsServiceKit } from './runs-support';

const SPM = path.join(__dirname, '../../fixtures/t5/t5-tiny-spm');
const { tempDir, open } = runsServiceKit();
const disks = smallDisks();

describe.skipIf(!disks.canMount)('an export that fills its disk', () => {
  it("names --out's disk, not the data directory's, when --out is on another disk", async () => {
    const app = open(path.join(tempDir(), 'data'));
    const disk = disks.make(2048)!;
    fillDisk(disk, 64 * 1024);
    const out = path.join(disk, 'exp');
    const failed = await app.export.run({ sourceDir: SPM, format: 'hf', out, force: false }).catch((e: unknown) => e);
    // In words alone: Node's "ENOSPC: no space left on device, write" led it (probe-74).
    expect(failed).toMatchObject({
      message: `The disk is full: free space on the disk that holds ${out}, then try again`,
    });
    expect(fs.readdirSync(disk)).toEqual(['filler']); // nothing half-written left
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
