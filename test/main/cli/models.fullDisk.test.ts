// `spanfill models pull` and `models cache rm` on a real full disk (a small tmpfs,
// test/support/smallDisk.ts; mounting one needs root, elsewhere these tests are skipped), in
// process against the stand-in Hub. A pull whose weights meet a full disk ends as any command
// that cannot write the data directory does: exit 3 with the disk-full advice, the same words
// whichever write failed, never an unhandled rejection. It leaves no lock behind that refuses the
// next pull or the `cache rm` that frees the space, and once there is room the pull resumes. A
// pull killed there leaves its lock (engine/hub/pullLock.ts), stale: `cache rm` takes it over with
// no new bytes, on a disk without one free (stampLock.ts takeBriefLock), and leaves none.

import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { exitCodes } from '../../../src/main/cli/exit-codes';
import { runSpanfill as cli } from '../../support/cli';
import { startTestHub, type TestHub } from '../../support/hub-server';
import { fillDisk, smallDisks } from '../../support/smallDisk';
import { goneStamp } from '../../support/stamps';

const FIXTURE = path.join(__dirname, '../../fixtures/t5/t5-tiny-spm');
const REPO = 'tiny-org/t5-tiny-spm';
const disks = smallDisks();
let hub: TestHub | undefined;
afterEach(async () => {
  await hub?.close();
  hub = undefined;
});

/** stderr of a command refused for a full disk, without its first line ("Contacting …"). */
const refusal = (stderr: string): string => stderr.replace(/^Contacting .*\n/, '');

describe.skipIf(!disks.canMount)('models pull onto a full disk', () => {
  it('exits 3 saying the disk is full, each time, never refused for a pull that failed; cache rm frees it', async () => {
    hub = await startTestHub({ repoId: REPO, folder: FIXTURE });
    const env = { HF_ENDPOINT: hub.url };
    const disk = disks.make(2048)!;
    const data = ['--data-dir', path.join(disk, 'data')];
    expect((await cli(['models', ...data])).code).toBe(exitCodes.ok); // the store, made with room
    const filler = fillDisk(disk, 128 * 1024); // the small files fit, the weights do not

    const first = await cli(['models', 'pull', REPO, ...data], env);
    expect(first.code).toBe(exitCodes.store);
    const said = refusal(first.stderr);
    expect(said).toMatch(/^spanfill models: The disk is full: free space/);
    expect(said.split('\n')).toHaveLength(2); // one line, no stack trace
    fs.mkdirSync(path.join(disk, 'more'));
    fillDisk(path.join(disk, 'more'), 0); // not even room for the pull lock's stamp now
    for (let i = 0; i < 2; i++) {
      const again = await cli(['models', 'pull', REPO, ...data], env);
      expect({ code: again.code, said: refusal(again.stderr) }).toEqual({ code: exitCodes.store, said });
    }

    const removed = await cli(['models', 'cache', 'rm', REPO, ...data], env);
    expect(removed.stderr).toBe('');
    expect(removed.code).toBe(exitCodes.ok);
    fs.rmSync(filler);
    fs.rmSync(path.join(disk, 'more'), { recursive: true });
    const pulled = await cli(['models', 'pull', REPO, ...data], env);
    expect(pulled.code).toBe(exitCodes.ok);
  }, 30_000);

  it('resumes what the failed pull kept once there is room', async () => {
    hub = await startTestHub({ repoId: REPO, folder: FIXTURE });
    const env = { HF_ENDPOINT: hub.url };
    const disk = disks.make(2048)!;
    const data = ['--data-dir', path.join(disk, 'data')];
    expect((await cli(['models', ...data])).code).toBe(exitCodes.ok);
    const filler = fillDisk(disk, 128 * 1024);
    expect((await cli(['models', 'pull', REPO, ...data], env)).code).toBe(exitCodes.store);
    fs.rmSync(filler);
    const pulled = await cli(['models', 'pull', REPO, ...data], env);
    expect(pulled.code).toBe(exitCodes.ok);
    expect(pulled.stdout).toMatch(/resumed/);
  }, 30_000);

  it('cache rm takes over the lock a killed pull left, with not one byte free, and leaves no lock', async () => {
    hub = await startTestHub({ repoId: REPO, folder: FIXTURE });
    const env = { HF_ENDPOINT: hub.url };
    const disk = disks.make(2048)!;
    const dataDir = path.join(disk, 'data');
    const data = ['--data-dir', dataDir];
    expect((await cli(['models', ...data])).code).toBe(exitCodes.ok);
    fillDisk(disk, 128 * 1024); // what the pull fetched before the weights is in the cache
    expect((await cli(['models', 'pull', REPO, ...data], env)).code).toBe(exitCodes.store);
    const locks = path.join(dataDir, 'models', 'hub', '.locks');
    fs.mkdirSync(locks, { recursive: true });
    fs.writeFileSync(path.join(locks, 'models--tiny-org--t5-tiny-spm.lock'), goneStamp()); // its pull killed
    fs.mkdirSync(path.join(disk, 'more'));
    fillDisk(path.join(disk, 'more'), 0);
    expect(() => fs.writeFileSync(path.join(disk, 'one-byte'), 'x')).toThrow(/ENOSPC/);
    fs.rmSync(path.join(disk, 'one-byte'), { force: true });

    const removed = await cli(['models', 'cache', 'rm', REPO, ...data], env);
    expect({ code: removed.code, stderr: removed.stderr }).toEqual({ code: exitCodes.ok, stderr: '' });
    expect(fs.readdirSync(locks)).toEqual([]);
  }, 30_000);
});
