// Uploads left by a `spanfill serve` that was killed (uploadOwners.ts): each upload records the
// server process that owns it, so that a server starting, or one opening an upload, removes
// the folders of a server that has gone at once, whatever their age, and never a live
// server's (two may share a data directory). A folder without a record (an older version's)
// goes by its age, as before.

import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { recordOfName } from '../../../src/main/processIdentity';
import { startServer } from '../../../src/main/server/server';
import { Uploads } from '../../../src/main/server/upload';
import { removeLeftUploads, uploadOwnerFile } from '../../../src/main/server/uploadOwners';
import { deadPid, runningChild } from '../../support/processes';
import { tempDirs } from '../../support/tmp';
import { maxChunkBytes, maxUploadBytes, putWhole, serveUploads, useUploadServer } from './uploadBench';

const bench = useUploadServer();
const tempDir = tempDirs('spanfill-upload-owners-');
const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
});

/** An upload folder `id` in `root` holding a file, owned by `pid` (no owner record when undefined). */
function leftUpload(root: string, id: string, pid?: number): string {
  const dir = path.join(root, id);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'big.txt'), 'what was uploaded\n');
  if (pid !== undefined) fs.writeFileSync(uploadOwnerFile(root, id), `${pid}.${Date.now()}`);
  return dir;
}

/** Makes `dir` look last changed `hours` ago. */
function age(dir: string, hours: number): void {
  const then = (Date.now() - hours * 3600 * 1000) / 1000;
  fs.utimesSync(dir, then, then);
}

/** Another live process (another `spanfill serve` on the data directory). */
function liveServer(): number {
  const child = runningChild();
  stops.push(() => child.stop());
  return child.pid;
}

describe('a server starting', () => {
  it('removes at once the uploads of a server that has gone, and keeps a live one', async () => {
    const root = bench.uploadsDir;
    const dead = leftUpload(root, 'killed-serve-1', deadPid());
    const live = leftUpload(root, 'live-serve-1', liveServer());
    const rendererDir = path.join(bench.root, 'renderer');
    const other = await startServer({ app: bench.app, rendererDir, uploadLimits: { maxUploadBytes, maxChunkBytes } });
    await other.close();
    expect(fs.existsSync(dead)).toBe(false);
    expect(fs.existsSync(uploadOwnerFile(root, 'killed-serve-1'))).toBe(false);
    expect(fs.existsSync(path.join(live, 'big.txt'))).toBe(true);
    expect(fs.existsSync(uploadOwnerFile(root, 'live-serve-1'))).toBe(true);
  });
});

describe('a running server opening an upload', () => {
  it('records itself as its owner; the upload deleted goes with its record', async () => {
    const root = bench.uploadsDir;
    const reply = await bench.put('opened-upload-1', 'a.txt', 0, 3, Buffer.from('abc'));
    expect(reply.status).toBe(200);
    const owner = recordOfName(fs.readFileSync(uploadOwnerFile(root, 'opened-upload-1'), 'utf8'));
    expect(owner?.pid).toBe(process.pid);
    // Its own upload, deleted after its import, goes with its record.
    expect((await bench.send('DELETE', '/upload/opened-upload-1')).status).toBe(200);
    expect(fs.existsSync(path.join(root, 'opened-upload-1'))).toBe(false);
    expect(fs.existsSync(uploadOwnerFile(root, 'opened-upload-1'))).toBe(false);
  });
});

/** Limits that refuse nothing the tests below send. */
const roomy = { maxUploadBytes, maxChunkBytes, keepFreeBytes: 0, maxOpenUploads: 100 };

/** Uploads in a fresh root with `sweep` as its sweep of gone servers' uploads, served alone. */
async function ownUploads(sweep?: () => Promise<unknown>) {
  const uploads = new Uploads(path.join(tempDir(), 'uploads'), roomy, sweep);
  const served = await serveUploads(uploads);
  stops.push(async () => {
    await served.close();
    await uploads.removeAll();
  });
  return { uploads, put: (id: string) => putWhole(served, id, 'a.txt', Buffer.from('abc')) };
}

/** A promise and the function that settles it. */
function held(): { promise: Promise<void>; release: () => void } {
  let release = (): void => undefined;
  const promise = new Promise<void>((resolve) => (release = resolve));
  return { promise, release };
}

describe("the sweep of gone servers' uploads as an upload opens", () => {
  it("does not hold the first chunk's answer", async () => {
    const sweep = held();
    stops.push(async () => sweep.release()); // (before the server closes, should the test fail)
    let sweeps = 0;
    const { put } = await ownUploads(() => {
      sweeps++;
      return sweep.promise;
    });
    try {
      // Answered while the sweep it started is still held (without the fix, never: the test times out).
      const reply = await put('first-chunk-1');
      expect(reply).toEqual({ status: 200, body: { ok: true, result: expect.objectContaining({ received: 3 }) } });
      expect(sweeps).toBe(1);
    } finally {
      sweep.release();
    }
  }, 10_000);

  it("removes a gone server's uploads, never a live server's nor its own", async () => {
    const { uploads, put } = await ownUploads();
    const root = uploads.root;
    const dead = leftUpload(root, 'killed-serve-2', deadPid());
    const live = leftUpload(root, 'live-serve-2', liveServer());
    expect((await put('opened-upload-2')).status).toBe(200);
    await uploads.swept();
    expect(fs.existsSync(dead)).toBe(false);
    expect(fs.existsSync(uploadOwnerFile(root, 'killed-serve-2'))).toBe(false);
    expect(fs.existsSync(path.join(live, 'big.txt'))).toBe(true);
    expect(fs.readFileSync(path.join(root, 'opened-upload-2', 'a.txt'), 'utf8')).toBe('abc');
    expect(fs.existsSync(uploadOwnerFile(root, 'opened-upload-2'))).toBe(true);
  });

  it('sweeps one at a time: uploads opened during a sweep make one more after it; a failed one is said', async () => {
    const first = held();
    stops.push(async () => first.release());
    const asked: string[] = [];
    const { uploads, put } = await ownUploads(async () => {
      asked.push(asked.length === 0 ? 'held' : 'failed');
      if (asked.length === 1) return first.promise;
      throw new Error('the disk went away');
    });
    const said = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    stops.push(async () => said.mockRestore());
    expect((await put('during-sweep-1')).status).toBe(200);
    expect((await put('during-sweep-2')).status).toBe(200);
    expect((await put('during-sweep-3')).status).toBe(200);
    expect(asked).toEqual(['held']);
    first.release();
    await uploads.swept();
    expect(asked).toEqual(['held', 'failed']);
    expect(said.mock.calls).toEqual([['Could not remove the uploads of servers that have gone: the disk went away']]);
    // Failed, it is made again as the next upload opens.
    expect((await put('after-sweep-1')).status).toBe(200);
    await uploads.swept();
    expect(asked).toEqual(['held', 'failed', 'failed']);
  });
});

describe('removeLeftUploads', () => {
  const day = 24 * 3600 * 1000;

  it('removes folders without an owner only when older than the age given', async () => {
    const root = tempDir();
    age(leftUpload(root, 'old-upload'), 25);
    age(leftUpload(root, 'new-upload'), 23);
    expect(await removeLeftUploads(root, { maxAgeMs: day })).toEqual(['old-upload']);
    expect(fs.readdirSync(root)).toEqual(['new-upload']);
  });

  it('keeps an old upload whose owner runs, and removes a record whose owner and folder are gone', async () => {
    const root = tempDir();
    const live = leftUpload(root, 'long-upload', liveServer());
    age(live, 48);
    fs.writeFileSync(uploadOwnerFile(root, 'never-made'), `${deadPid()}.${Date.now()}`);
    expect(await removeLeftUploads(root, { maxAgeMs: day })).toEqual([`never-made.owner`]);
    expect(fs.readdirSync(root).sort()).toEqual(['long-upload', 'long-upload.owner']);
  });

  it('takes a damaged record as no record: the folder goes by its age', async () => {
    const root = tempDir();
    const dir = leftUpload(root, 'damaged-1');
    fs.writeFileSync(uploadOwnerFile(root, 'damaged-1'), '');
    expect(await removeLeftUploads(root, { maxAgeMs: day })).toEqual([]);
    age(dir, 25);
    expect(await removeLeftUploads(root, { maxAgeMs: day })).toEqual(['damaged-1']);
    expect(fs.readdirSync(root)).toEqual([]);
  });
});
