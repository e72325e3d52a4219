// A pull whose cache's disk fills while the weights stream in (a real small tmpfs,
// test/support/smallDisk.ts; mounting one needs root, elsewhere these tests are skipped): the
// pull rejects with the disk's own ENOSPC error (the services say it as a full disk), with no
// unhandled rejection and no wait for a 'drain' that never comes; its lock goes back, and the
// weights' .partial stays for the next pull to resume once there is room.

import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { pullModel } from '../../../../src/main/engine/hub/download';
import { pullLockPath } from '../../../../src/main/engine/hub/pullLock';
import { isDiskFull } from '../../../../src/shared/errors';
import { startTestHub, type TestHub } from '../../../support/hub-server';
import { fillDisk, smallDisks } from '../../../support/smallDisk';

const FIXTURE = path.join(__dirname, '../../../fixtures/t5/t5-tiny-spm');
const REPO = 'tiny-org/t5-tiny-spm';
const weights = fs.readFileSync(path.join(FIXTURE, 'model.safetensors'));
const disks = smallDisks();
let hub: TestHub | undefined;
afterEach(async () => {
  await hub?.close();
  hub = undefined;
});

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describe.skipIf(!disks.canMount)('a pull onto a disk that fills', () => {
  it('rejects with the disk-full error, gives its lock back and keeps the .partial to resume', async () => {
    hub = await startTestHub({ repoId: REPO, folder: FIXTURE });
    const disk = disks.make(1024)!;
    const cacheRoot = path.join(disk, 'hub');
    // Room for the small files before the weights and a part of the weights, not all of them.
    const filler = fillDisk(disk, 128 * 1024);
    const settings = { endpoint: hub.url, token: undefined, isOffline: false };
    const failed = await pullModel({ repoId: REPO, settings, cacheRoot }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isDiskFull(failed)).toBe(true);
    expect(fs.existsSync(pullLockPath(cacheRoot, REPO))).toBe(false);
    const incomplete = path.join(cacheRoot, 'models--tiny-org--t5-tiny-spm', 'incomplete');
    const [partial] = fs.readdirSync(incomplete);
    const kept = fs.statSync(path.join(incomplete, partial)).size;
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(weights.length);

    fs.rmSync(filler);
    const again = await pullModel({ repoId: REPO, settings, cacheRoot });
    expect(again.resumedBytes).toBe(kept);
    expect(sha256(fs.readFileSync(path.join(again.dir, 'model.safetensors')))).toBe(sha256(weights));
  }, 20_000);
});
