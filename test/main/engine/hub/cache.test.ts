// The Hub cache layout: a snapshot counts only with its manifest and every file at its size,
// refs resolve revisions offline, usage adds up the files, removal takes refs with it. A
// folder's size (directoryBytes) counts a file or folder deleted while it is walked as gone.

import { mkdirSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { directoryBytes, type DiskLooks, HubCache } from '../../../../src/main/engine/hub/cache';
import { tempDirs } from '../../../support/tmp';
import { COMMIT, REPO, writeSnapshot } from './cacheSnapshot';

const tempDir = tempDirs('spanfill-hub-cache-');

describe('HubCache', () => {
  it('knows a complete snapshot by its manifest and resolves its ref offline', () => {
    const cache = new HubCache(tempDir());
    const manifest = writeSnapshot(cache);
    expect(cache.repoDir(REPO)).toMatch(/models--org--model$/);
    expect(cache.commitFor(REPO, 'main')).toBe(COMMIT);
    expect(cache.commitFor(REPO, 'v1')).toBeUndefined();
    expect(cache.commitFor(REPO, 'd'.repeat(40))).toBe('d'.repeat(40));
    expect(cache.manifest(REPO, COMMIT)).toEqual(manifest);
  });

  it('treats a snapshot with a missing or cut file, or an unreadable manifest, as unfinished', () => {
    const cache = new HubCache(tempDir());
    writeSnapshot(cache);
    const weights = path.join(cache.snapshotDir(REPO, COMMIT), 'model.safetensors');
    writeFileSync(weights, Buffer.alloc(50));
    expect(cache.manifest(REPO, COMMIT)).toBeUndefined();
    rmSync(weights);
    expect(cache.manifest(REPO, COMMIT)).toBeUndefined();
    writeSnapshot(cache);
    writeFileSync(path.join(cache.repoDir(REPO), 'manifests', `${COMMIT}.json`), '{ cut');
    expect(cache.manifest(REPO, COMMIT)).toBeUndefined();
  });

  it('adds up usage with partial downloads and removes a snapshot with the refs to it', () => {
    const cache = new HubCache(tempDir());
    writeSnapshot(cache);
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

  it('has no ref or snapshot under an id or revision no path can hold (a NUL byte), as for one not there', () => {
    const cache = new HubCache(tempDir());
    writeSnapshot(cache);
    expect(cache.commitFor('org/a\0b', 'main')).toBeUndefined();
    expect(cache.commitFor(REPO, 'ma\0in')).toBeUndefined();
    expect(cache.manifest('org/a\0b', COMMIT)).toBeUndefined();
    expect(cache.manifest(REPO, COMMIT)).toBeDefined();
  });
});

/** A deletion made just before directoryBytes looks at `at` (lists it or sizes it), as a prune lands mid-walk. */
interface Deletion {
  readonly at: string;
  readonly deletes: string;
}

/** node:fs's looks, each first making the deletion due at its path; `deletions` keeps those not yet made. */
function deletingLooks(deletions: Deletion[]): DiskLooks {
  const due = (at: string): void => {
    const i = deletions.findIndex((d) => d.at === at);
    if (i >= 0) rmSync(deletions.splice(i, 1)[0].deletes, { recursive: true });
  };
  return {
    list: (dir) => (due(dir), readdirSync(dir, { withFileTypes: true })),
    size: (file) => (due(file), statSync(file).size),
  };
}

/** Files of `bytes` each under `root`, by relative path. */
function files(root: string, bytes: Record<string, number>): void {
  for (const [name, size] of Object.entries(bytes)) {
    mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    writeFileSync(path.join(root, name), Buffer.alloc(size));
  }
}

describe('directoryBytes', () => {
  it('counts a file or folder deleted while it is walked as gone, not as an error', () => {
    const root = tempDir();
    files(root, { 'a.bin': 10, 'keep/b.bin': 20, 'step-1/c.bin': 30, 'step-1/d.bin': 40, 'step-2/e/f.bin': 50 });
    const deletions: Deletion[] = [
      { at: path.join(root, 'a.bin'), deletes: path.join(root, 'a.bin') }, // listed, then gone
      { at: path.join(root, 'step-1', 'c.bin'), deletes: path.join(root, 'step-1') }, // its folder pruned
      { at: path.join(root, 'step-2'), deletes: path.join(root, 'step-2') }, // listed in root, gone before its own listing
    ];
    expect(directoryBytes(root, deletingLooks(deletions))).toBe(20);
    expect(deletions).toEqual([]); // each deletion was made
  });

  it('is 0 for a folder that is not there, or is deleted as it is listed', () => {
    const root = tempDir();
    expect(directoryBytes(path.join(root, 'absent'))).toBe(0);
    files(root, { 'm/a.bin': 10 });
    const deletions = [{ at: path.join(root, 'm'), deletes: path.join(root, 'm') }];
    expect(directoryBytes(path.join(root, 'm'), deletingLooks(deletions))).toBe(0);
    expect(deletions).toEqual([]);
  });

  it('fails on what is no deletion, and does not follow links', () => {
    const denied = Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
    const looks: DiskLooks = {
      list: () => {
        throw denied;
      },
      size: () => 0,
    };
    expect(() => directoryBytes(tempDir(), looks)).toThrow(denied);
    const root = tempDir();
    files(root, { 'a.bin': 10, 'sub/b.bin': 20 });
    const elsewhere = tempDir();
    files(elsewhere, { 'big.bin': 1000 });
    symlinkSync(path.join(elsewhere, 'big.bin'), path.join(root, 'link.bin'));
    symlinkSync(elsewhere, path.join(root, 'linked-folder'));
    symlinkSync(path.join(root, 'gone.bin'), path.join(root, 'dangling.bin'));
    expect(directoryBytes(root)).toBe(30);
  });
});
