// Small real disks for tests of a full disk: a tmpfs of a given size, mounted on a fresh temp
// folder (mounting one needs root on Linux, where the system or container allows it; elsewhere
// `canMountSmallDisks` is false and such tests are skipped), unmounted after each test.

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach } from 'vitest';

export interface SmallDisks {
  /** Whether a tmpfs can be mounted here. */
  readonly canMount: boolean;
  /** A fresh tmpfs of `kib` KiB, unmounted after the test; undefined where mounting is not allowed. */
  readonly make: (kib: number) => string | undefined;
}

/**
 * Call at module level: registers the afterEach that unmounts what `make` mounted (lazily, so
 * a store still open on it closes afterwards) and removes its folders.
 */
export function smallDisks(): SmallDisks {
  const unmount: (() => void)[] = [];
  afterEach(() => {
    for (const f of unmount.splice(0).reverse()) f();
  });
  const make = (kib: number): string | undefined => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spanfill-small-'));
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${kib}k`, 'tmpfs', dir], { stdio: 'ignore' });
    } catch {
      fs.rmdirSync(dir);
      return undefined;
    }
    unmount.push(() => {
      execFileSync('umount', ['-l', dir]);
      fs.rmdirSync(dir);
    });
    return dir;
  };
  const canMount = process.platform === 'linux' && process.getuid?.() === 0 && make(64) !== undefined;
  for (const f of unmount.splice(0)) f();
  return { canMount, make };
}

/** Fills the disk that holds `dir` but for `leave` bytes, with `dir`/filler. */
export function fillDisk(dir: string, leave: number): string {
  const stats = fs.statfsSync(dir);
  const filler = path.join(dir, 'filler');
  fs.writeFileSync(filler, Buffer.alloc(Math.max(0, stats.bavail * stats.bsize - leave)));
  return filler;
}
