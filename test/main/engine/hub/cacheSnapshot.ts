// A complete snapshot in a HubCache, for the cache's tests: a config and 100 bytes of weights,
// their manifest, and a ref from `main`.

import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { HubCache, SnapshotManifest } from '../../../../src/main/engine/hub/cache';

export const REPO = 'org/model';
export const COMMIT = 'c'.repeat(40);

/** The snapshot of REPO at `commit` written into `cache`, `main` pointing at it; its manifest. */
export function writeSnapshot(cache: HubCache, commit = COMMIT): SnapshotManifest {
  const dir = cache.snapshotDir(REPO, commit);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'config.json'), '{}');
  writeFileSync(path.join(dir, 'model.safetensors'), Buffer.alloc(100));
  const manifest: SnapshotManifest = {
    repoId: REPO,
    revision: 'main',
    commit,
    endpoint: 'http://hub',
    files: [
      { path: 'config.json', size: 2, etag: 'x', verifiedBy: 'git-sha1' },
      { path: 'model.safetensors', size: 100, etag: 'y', verifiedBy: 'sha256' },
    ],
    completedAt: 'now',
  };
  cache.writeManifest(manifest);
  cache.writeRef(REPO, 'main', commit);
  return manifest;
}
