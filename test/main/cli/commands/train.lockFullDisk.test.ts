// `spanfill train` whose trainer lock (services/runsLock.ts) finds no room on the data
// directory's disk for what it holds ends as any command that cannot write the data directory
// does: exit 3 with the disk-full advice, and so does the next try, not refused as if another
// trainer were starting (an empty lock left by the first). The full disk is faked at the lock
// alone, as a real one acts there: the lock file is made, its bytes find no room (ENOSPC).
import fs from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { exitCodes } from '../../../../src/main/cli/exit-codes';
import { tempDirs } from '../../../support/tmp';
import { importTexts, KILL_TEXTS, spanfillIn, SPM } from './train-support';

vi.mock('node:fs', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs')>();
  const isLock = (file: unknown): boolean => String(file).endsWith('trainer.lock');
  const noRoom = (): Error => Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
  const lockFds = new Set<number>();
  const openSync = ((file: string, ...rest: unknown[]) => {
    const fd = (actual.openSync as (...args: unknown[]) => number)(file, ...rest);
    if (isLock(file)) lockFds.add(fd);
    return fd;
  }) as typeof actual.openSync;
  const writeSync = ((fd: number, ...rest: unknown[]) => {
    if (lockFds.has(fd)) throw noRoom();
    return (actual.writeSync as (...args: unknown[]) => number)(fd, ...rest);
  }) as typeof actual.writeSync;
  const closeSync = ((fd: number) => {
    lockFds.delete(fd);
    actual.closeSync(fd);
  }) as typeof actual.closeSync;
  const writeFileSync = ((file: string, data: unknown, options?: { flag?: string }) => {
    if (!isLock(file)) return (actual.writeFileSync as (...args: unknown[]) => void)(file, data, options);
    actual.closeSync(actual.openSync(file, options?.flag ?? 'w')); // made, then no room for its bytes
    throw noRoom();
  }) as typeof actual.writeFileSync;
  const mocked = { openSync, writeSync, closeSync, writeFileSync };
  return { ...actual, default: { ...actual, ...mocked }, ...mocked };
});

const tempDir = tempDirs('spanfill-train-lock-full-');

describe('spanfill train whose trainer lock meets a full disk', () => {
  it('exits 3 saying the disk is full, the next try too, leaving no lock', async () => {
    const dataDir = tempDir();
    const dataset = await importTexts(dataDir, KILL_TEXTS);
    const train = ['train', '--dataset', dataset, '--model', SPM, '--max-steps', '2'];
    for (let i = 0; i < 2; i++) {
      const out = await spanfillIn(dataDir, train);
      expect(out.code, out.stderr).toBe(exitCodes.store);
      expect(out.stderr).toMatch(/^spanfill train: The disk is full: free space/);
      expect(fs.readdirSync(`${dataDir}/runs`)).toEqual([]);
    }
  }, 60_000);
});
