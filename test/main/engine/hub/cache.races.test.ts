// HubCache while another process changes the cache (a model removed or pulled in a terminal or
// another window): a ref, manifest, snapshot file, repository or folder gone between a look and
// the next is absent, not an error; removing what another process removed first is no error
// either; a failure that is no deletion (EACCES) still throws. Each change is made certain:
// node:fs's call named, on the path named, first (or right after) makes it.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { HubCache } from '../../../../src/main/engine/hub/cache';
import type { FsRace, RacedCall } from '../../../support/fsRaces';
import { tempDirs } from '../../../support/tmp';
import { COMMIT, REPO, writeSnapshot } from './cacheSnapshot';

const races: FsRace[] = vi.hoisted(() => []); // (vi.mock below runs before this module's other lines)
vi.mock('node:fs', async (importOriginal) =>
  (await import('../../../support/fsRaces')).racedFs(await importOriginal<typeof import('node:fs')>(), races),
);

const tempDir = tempDirs('spanfill-hub-cache-races-');
afterEach(() => {
  races.length = 0;
});

const OTHER = 'd'.repeat(40);

/** `deletes` removed by another process just before the next `call` on `at`. */
const deletion = (call: RacedCall, at: string, deletes: string): FsRace => ({
  call,
  path: at,
  before: () => fs.rmSync(deletes, { recursive: true }),
});

/** The next `call` on `at` fails with EACCES, as on a folder this user may not read. */
const denial = (call: RacedCall, at: string): FsRace => ({
  call,
  path: at,
  before: () => {
    throw Object.assign(new Error(`EACCES: permission denied, ${call} '${at}'`), { code: 'EACCES' });
  },
});

const refFile = (cache: HubCache, revision: string): string => path.join(cache.repoDir(REPO), 'refs', revision);
const manifestFile = (cache: HubCache, commit: string): string =>
  path.join(cache.repoDir(REPO), 'manifests', `${commit}.json`);

describe('HubCache.commitFor and manifest while the cache changes', () => {
  it('resolves no commit for a ref deleted as it is read', () => {
    const cache = new HubCache(tempDir());
    writeSnapshot(cache);
    races.push(deletion('readFileSync', refFile(cache, 'main'), refFile(cache, 'main')));
    expect(cache.commitFor(REPO, 'main')).toBeUndefined();
    expect(races).toEqual([]); // the deletion was made
  });

  it('finds no snapshot whose manifest, or one of whose files, is deleted as it is looked at', () => {
    const cache = new HubCache(tempDir());
    writeSnapshot(cache);
    races.push(deletion('readFileSync', manifestFile(cache, COMMIT), manifestFile(cache, COMMIT)));
    expect(cache.manifest(REPO, COMMIT)).toBeUndefined();
    const weights = path.join(cache.snapshotDir(REPO, COMMIT), 'model.safetensors');
    writeSnapshot(cache);
    races.push(deletion('statSync', weights, weights));
    expect(cache.manifest(REPO, COMMIT)).toBeUndefined();
    writeSnapshot(cache);
    races.push(deletion('statSync', weights, cache.repoDir(REPO))); // the whole model removed
    expect(cache.manifest(REPO, COMMIT)).toBeUndefined();
    expect(races).toEqual([]);
  });

  it('finds no snapshot whose folder became a file as its files are looked at (ENOTDIR)', () => {
    const cache = new HubCache(tempDir());
    writeSnapshot(cache);
    const dir = cache.snapshotDir(REPO, COMMIT);
    races.push({
      call: 'statSync',
      path: path.join(dir, 'config.json'),
      before: () => (fs.rmSync(dir, { recursive: true }), fs.writeFileSync(dir, 'not a folder')),
    });
    expect(cache.manifest(REPO, COMMIT)).toBeUndefined();
    expect(races).toEqual([]);
  });

  it('fails on what is no deletion', () => {
    const cache = new HubCache(tempDir());
    writeSnapshot(cache);
    races.push(denial('readFileSync', refFile(cache, 'main')));
    expect(() => cache.commitFor(REPO, 'main')).toThrow(/EACCES/);
    races.push(denial('readFileSync', manifestFile(cache, COMMIT)));
    expect(() => cache.manifest(REPO, COMMIT)).toThrow(/EACCES/);
    races.push(denial('statSync', path.join(cache.snapshotDir(REPO, COMMIT), 'config.json')));
    expect(() => cache.manifest(REPO, COMMIT)).toThrow(/EACCES/);
    expect(cache.manifest(REPO, COMMIT)).toBeDefined(); // and nothing was left queued
  });
});

describe('HubCache.usage while the cache changes', () => {
  it('lists nothing in a cache folder deleted as it is listed', () => {
    const cache = new HubCache(tempDir());
    writeSnapshot(cache);
    races.push(deletion('readdirSync', cache.root, cache.root));
    expect(cache.usage()).toEqual([]);
    expect(races).toEqual([]);
  });

  it('leaves out a repository removed after the cache folder was listed', () => {
    const cache = new HubCache(tempDir());
    writeSnapshot(cache);
    fs.mkdirSync(path.join(cache.root, 'models--org--kept', 'snapshots', OTHER), { recursive: true });
    races.push(deletion('readdirSync', cache.repoDir(REPO), cache.repoDir(REPO)));
    expect(cache.usage()).toEqual([{ repoId: 'org/kept', bytes: 0, snapshots: [OTHER], partialBytes: 0 }]);
    expect(races).toEqual([]);
  });

  it('lists no snapshots for a repository whose snapshots folder is deleted as it is listed', () => {
    const cache = new HubCache(tempDir());
    writeSnapshot(cache);
    const snapshots = path.dirname(cache.snapshotDir(REPO, COMMIT));
    races.push(deletion('readdirSync', snapshots, snapshots));
    const leftBytes = fs.statSync(manifestFile(cache, COMMIT)).size + fs.statSync(refFile(cache, 'main')).size;
    expect(cache.usage()).toEqual([{ repoId: REPO, bytes: leftBytes, snapshots: [], partialBytes: 0 }]);
    expect(races).toEqual([]);
  });

  it('fails on what is no deletion', () => {
    const cache = new HubCache(tempDir());
    writeSnapshot(cache);
    races.push(denial('readdirSync', cache.root));
    expect(() => cache.usage()).toThrow(/EACCES/);
    races.push(denial('readdirSync', path.dirname(cache.snapshotDir(REPO, COMMIT))));
    expect(() => cache.usage()).toThrow(/EACCES/);
  });
});

describe('HubCache.remove while the cache changes', () => {
  it('removes a snapshot whose whole repository another process removed meanwhile', () => {
    const cache = new HubCache(tempDir());
    writeSnapshot(cache);
    races.push(deletion('readdirSync', path.join(cache.repoDir(REPO), 'refs'), cache.repoDir(REPO)));
    expect(cache.remove(REPO, COMMIT)).toBe(102); // what it measured before it removed
    expect(races).toEqual([]);
    writeSnapshot(cache);
    races.push(deletion('readdirSync', path.dirname(cache.snapshotDir(REPO, COMMIT)), cache.repoDir(REPO)));
    expect(cache.remove(REPO, COMMIT)).toBe(102);
    expect(races).toEqual([]);
    expect(cache.remove(REPO, COMMIT)).toBe(0); // already gone: nothing freed, no error
    expect(cache.remove(REPO)).toBe(0);
    expect(fs.existsSync(cache.repoDir(REPO))).toBe(false);
  });

  it('takes the refs to it though one is deleted before it is read, or after', () => {
    const cache = new HubCache(tempDir());
    writeSnapshot(cache, OTHER); // keeps the repository
    writeSnapshot(cache);
    cache.writeRef(REPO, 'v1', COMMIT);
    cache.writeRef(REPO, 'v2', COMMIT);
    cache.writeRef(REPO, 'old', OTHER);
    races.push(deletion('readFileSync', refFile(cache, 'v1'), refFile(cache, 'v1')));
    races.push({
      call: 'readFileSync',
      path: refFile(cache, 'v2'),
      before: () => {},
      after: () => fs.rmSync(refFile(cache, 'v2')), // read, then removed before this removal's rm
    });
    expect(cache.remove(REPO, COMMIT)).toBe(102);
    expect(races).toEqual([]);
    expect(fs.readdirSync(path.join(cache.repoDir(REPO), 'refs'))).toEqual(['old']);
    expect(cache.manifest(REPO, OTHER)).toBeDefined();
  });

  it('fails on what is no deletion', () => {
    const cache = new HubCache(tempDir());
    writeSnapshot(cache);
    races.push(denial('readdirSync', path.join(cache.repoDir(REPO), 'refs')));
    expect(() => cache.remove(REPO, COMMIT)).toThrow(/EACCES/);
  });
});
