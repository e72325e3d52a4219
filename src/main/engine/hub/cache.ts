// The Hub cache under the data directory, laid out like huggingface_hub's (its docs,
// "Manage huggingface_hub cache-system") without symlinks, so it works the same on Windows:
//   <root>/models--<owner>--<name>/refs/<revision>          the commit a branch or tag pointed at
//   <root>/models--<owner>--<name>/snapshots/<commit>/<file> verified files only
//   <root>/models--<owner>--<name>/manifests/<commit>.json  written last: the snapshot is complete
//   <root>/models--<owner>--<name>/incomplete/<etag>.partial downloads in progress (resumed by etag)

import {
  type Dirent,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { isMissingPathError } from '../../../shared/fileErrors';
import { isCommitSha } from './catalog';

export interface SnapshotFile {
  readonly path: string;
  readonly size: number;
  readonly etag: string;
  /** How the content was checked: sha256 (LFS), git-sha1, or none when the ETag promised nothing. */
  readonly verifiedBy: 'sha256' | 'git-sha1' | 'none';
}

export interface SnapshotManifest {
  readonly repoId: string;
  readonly revision: string;
  readonly commit: string;
  readonly endpoint: string;
  readonly files: readonly SnapshotFile[];
  readonly completedAt: string;
}

export interface CachedRepoUsage {
  readonly repoId: string;
  readonly bytes: number;
  readonly snapshots: readonly string[];
  /** Bytes in partial downloads (resumable). */
  readonly partialBytes: number;
}

export class HubCache {
  constructor(readonly root: string) {}

  repoDir(repoId: string): string {
    return path.join(this.root, `models--${repoId.replace(/\//g, '--')}`);
  }

  snapshotDir(repoId: string, commit: string): string {
    return path.join(this.repoDir(repoId), 'snapshots', commit);
  }

  partialFile(repoId: string, etag: string): string {
    const safe = etag.replace(/[^A-Za-z0-9]/g, '');
    return path.join(this.repoDir(repoId), 'incomplete', `${safe}.partial`);
  }

  private refFile(repoId: string, revision: string): string {
    return path.join(this.repoDir(repoId), 'refs', encodeURIComponent(revision));
  }

  private manifestFile(repoId: string, commit: string): string {
    return path.join(this.repoDir(repoId), 'manifests', `${commit}.json`);
  }

  writeRef(repoId: string, revision: string, commit: string): void {
    if (revision === commit) return;
    writeAtomically(this.refFile(repoId, revision), commit);
  }

  /** The commit `revision` resolves to offline: itself when it is a full sha, else the stored ref. */
  commitFor(repoId: string, revision: string): string | undefined {
    if (isCommitSha(revision)) return revision;
    return unlessGone(() => readFileSync(this.refFile(repoId, revision), 'utf8'))?.trim();
  }

  /**
   * The manifest of a complete snapshot, or undefined when it is absent or unfinished. Another
   * process may remove the model as it is read: a manifest or file gone by its look is absent.
   */
  manifest(repoId: string, commit: string): SnapshotManifest | undefined {
    const text = unlessGone(() => readFileSync(this.manifestFile(repoId, commit), 'utf8'));
    if (text === undefined) return undefined;
    let manifest: SnapshotManifest;
    try {
      manifest = JSON.parse(text) as SnapshotManifest;
    } catch {
      return undefined; // cut: the snapshot counts as unfinished and the next pull completes it
    }
    const dir = this.snapshotDir(repoId, commit);
    const isIntact = manifest.files.every((f) => unlessGone(() => statSync(path.join(dir, f.path)).size) === f.size);
    return isIntact ? manifest : undefined;
  }

  /** Bytes an unfinished pull of `commit` leaves: the partial downloads and the snapshot's verified files. */
  unfinishedBytes(repoId: string, commit: string): number {
    return (
      directoryBytes(path.join(this.repoDir(repoId), 'incomplete')) + directoryBytes(this.snapshotDir(repoId, commit))
    );
  }

  writeManifest(manifest: SnapshotManifest): void {
    writeAtomically(this.manifestFile(manifest.repoId, manifest.commit), JSON.stringify(manifest, null, 2));
  }

  /** Move a verified file into its snapshot. */
  commitFile(repoId: string, commit: string, relativePath: string, from: string): string {
    const to = path.join(this.snapshotDir(repoId, commit), relativePath);
    mkdirSync(path.dirname(to), { recursive: true });
    renameSync(from, to);
    return to;
  }

  /** The repositories in the cache; one removed by another process as it is looked at is left out. */
  usage(): CachedRepoUsage[] {
    const entries = unlessGone(() => readdirSync(this.root, { withFileTypes: true })) ?? [];
    return entries
      .filter((d) => d.isDirectory() && d.name.startsWith('models--'))
      .flatMap((d) => this.repoUsage(d.name) ?? []);
  }

  /** The repository in folder `name`; undefined when it is gone since the cache folder was listed. */
  private repoUsage(name: string): CachedRepoUsage | undefined {
    const dir = path.join(this.root, name);
    if (unlessGone(() => readdirSync(dir)) === undefined) return undefined;
    const snapshots = snapshotsIn(dir);
    return {
      repoId: name.slice('models--'.length).replace(/--/g, '/'),
      bytes: directoryBytes(dir),
      snapshots,
      partialBytes: directoryBytes(path.join(dir, 'incomplete')),
    };
  }

  /**
   * Delete one snapshot (and its manifest and refs pointing at it), or the whole repository; the
   * bytes it held. What another process removed first (a window, a terminal) is no error: 0 bytes.
   */
  remove(repoId: string, commit?: string): number {
    const dir = this.repoDir(repoId);
    if (commit === undefined) {
      const bytes = directoryBytes(dir);
      rmSync(dir, { recursive: true, force: true });
      return bytes;
    }
    const snapshot = this.snapshotDir(repoId, commit);
    const bytes = directoryBytes(snapshot);
    rmSync(this.manifestFile(repoId, commit), { force: true });
    rmSync(snapshot, { recursive: true, force: true });
    const refs = path.join(dir, 'refs');
    for (const ref of unlessGone(() => readdirSync(refs)) ?? []) {
      const file = path.join(refs, ref);
      if (unlessGone(() => readFileSync(file, 'utf8'))?.trim() === commit) rmSync(file, { force: true });
    }
    // The repository goes with its last snapshot (else `models cache` lists it at 0 bytes), unless
    // a download that was stopped keeps files to resume from in it.
    const isLast = snapshotsIn(dir).length === 0;
    if (isLast && directoryBytes(path.join(dir, 'incomplete')) === 0) rmSync(dir, { recursive: true, force: true });
    return bytes;
  }
}

/**
 * The two looks at the disk a folder walk makes: a folder's entries and a file's size. node:fs
 * unless a test stands in (one that deletes an entry between a folder's listing and its look).
 */
export interface DiskLooks {
  readonly list: (dir: string) => Dirent[];
  readonly size: (file: string) => number;
}

const onDisk: DiskLooks = {
  list: (dir) => readdirSync(dir, { withFileTypes: true }),
  size: (file) => statSync(file).size,
};

/**
 * Total size of the files under `dir`, walked one folder at a time; links are not followed. A
 * file or folder deleted while it is walked (a checkpoint pruned by its trainer, a model removed
 * by another window) counts as gone, as does `dir` itself: 0 bytes, not an error.
 */
export function directoryBytes(dir: string, looks: DiskLooks = onDisk): number {
  let total = 0;
  for (const entry of unlessGone(() => looks.list(dir)) ?? []) {
    const at = path.join(dir, entry.name);
    if (entry.isDirectory()) total += directoryBytes(at, looks);
    else if (entry.isFile()) total += unlessGone(() => looks.size(at)) ?? 0;
  }
  return total;
}

/** The commits with a snapshot folder in the repository folder `dir`; none when it is gone. */
function snapshotsIn(dir: string): string[] {
  return unlessGone(() => readdirSync(path.join(dir, 'snapshots'))) ?? [];
}

/**
 * What `look` returns; undefined when what it looks at is not there (ENOENT, ENOTDIR) or cannot
 * be: a path with a NUL byte, which node:fs refuses before asking the disk (an id typed with one
 * names no model, as existsSync says; the looks here vary nothing else node:fs could refuse).
 */
function unlessGone<T>(look: () => T): T | undefined {
  try {
    return look();
  } catch (error) {
    if (isMissingPathError(error) || (error as NodeJS.ErrnoException).code === 'ERR_INVALID_ARG_VALUE')
      return undefined;
    throw error;
  }
}

function writeAtomically(file: string, text: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const temp = `${file}.tmp-${process.pid}`;
  writeFileSync(temp, text);
  renameSync(temp, file);
}
