// The Hub cache layout: a snapshot counts only with its manifest and every file at its size,
// refs resolve revisions offline, usage adds up the files, removal takes refs with it.

import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { HubCache, type SnapshotManifest } from '../../../../src/main/engine/hub/cache';
import { tempDirs } from '../../../support/tmp';

const tempDir = tempDirs('spanfill-hub-cache-');
const REPO = 'org/model';
const COMMIT = 'c'.repeat(40);

function snapshot(cache: HubCache): SnapshotManifest {
  const dir = cache.snapshotDir(REPO, COMMIT);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'config.json'), '{}');
  writeFileSync(path.join(dir, 'model.safetensors'), Buffer.alloc(100));
  const manifest: SnapshotManifest = {
    repoId: REPO,
    revision: 'main',
    commit: COMMIT,
    endpoint: 'http://hub',
    files: [
      { path: 'config.json', size: 2, etag: 'x', verifiedBy: 'git-sha1' },
      { path: 'model.safetensors', size: 100, etag: 'y', verifiedBy: 'sha256' },
    ],
    completedAt: 'now',
  };
  cache.writeManifest(manifest);
  cache.writeRef(REPO, 'main', COMMIT);
  return manifest;
}

describe('HubCache', () => {
  it('knows a complete snapshot by its manifest and resolves its ref offline', () => {
    const cache = new HubCache(tempDir());
    const manifest = snapshot(cache);
    expect(cache.repoDir(REPO)).toMatch(/models--org--model$/);
    expect(cache.commitFor(REPO, 'main')).toBe(COMMIT);
    expect(cache.commitFor(REPO, 'v1')).toBeUndefined();
    expect(cache.commitFor(REPO, 'd'.repeat(40))).toBe('d'.repeat(40));
    expect(cache.manifest(REPO, COMMIT)).toEqual(manifest);
  });

  it('treats a snapshot with a missing or cut file, or an unreadable manifest, as unfinished', () => {
    const cache = new HubCache(tempDir());
    snapshot(cache);
    const weights = path.join(cache.snapshotDir(REPO, COMMIT), 'model.safetensors');
    writeFileSync(weights, Buffer.alloc(50));
    expect(cache.manifest(REPO, COMMIT)).toBeUndefined();
    rmSync(weights);
    expect(cache.manifest(REPO, COMMIT)).toBeUndefined();
    snapshot(cache);
    writeFileSync(path.join(cache.repoDir(REPO), 'manifests', `${COMMIT}.json`), '{ cut');
    expect(cache.manifest(REPO, COMMIT)).toBeUndefined();
  });

  it('adds up usage with partial downloads and removes a snapshot with the refs to it', () => {
    const cache = new HubCache(tempDir());
    snapshot(cache);
    mkdirSync(path.dirname(cache.partialFile(REPO, '"abc"')), { recursive: true });
    writeFileSync(cache.partialFile(REPO, '"abc"'), Buffer.alloc(30));
    const [usage] = cache.usage();
    expect(usage).toMatchObject({ repoId: REPO, snapshots: [COMMIT], partialBytes: 30 });
    expect(usage.bytes).toBeGreaterThan(132); // files + partial + manifest + ref
    expect(cache.remove(REPO, COMMIT)).toBe(102);
    expect(cache.commitFor(REPO, 'main')).toBeUndefined();
    expect(cache.usage()[0]).toMatchObject({ snapshots: [], partialBytes: 30 });
    cache.remove(REPO);
    expect(cache.usage()).toEqual([]);
  });
});
