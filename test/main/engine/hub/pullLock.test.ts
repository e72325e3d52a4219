// pullLock.ts: a pull lock whose process has gone is taken over in one step (stampLock.ts
// takeStampLock), never removed and made anew, so two processes that found the same stale lock do
// not both download (or delete) the repository. The second taker's read of the stale lock is
// followed, before it acts, by the first taking the lock over: a mocked readFileSync runs it.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { lockRepoPull, pullLockPath, whileNotPulled } from '../../../../src/main/engine/hub/pullLock';
import { deadPid } from '../../../support/processes';
import { tempDirs } from '../../../support/tmp';

// Runs once, right after the next read of a pull lock: another taker acting between a read and what follows it.
const afterRead = vi.hoisted(() => ({ hook: null as (() => void) | null }));

vi.mock('node:fs', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs')>();
  const readFileSync = ((file: string, ...rest: unknown[]) => {
    const text = (actual.readFileSync as (...args: unknown[]) => unknown)(file, ...rest);
    const hook = afterRead.hook;
    if (hook === null || !String(file).endsWith('--m.lock')) return text;
    afterRead.hook = null;
    hook();
    return text;
  }) as typeof actual.readFileSync;
  return { ...actual, default: { ...actual, readFileSync }, readFileSync };
});

const tempDir = tempDirs('spanfill-pull-lock-');
const REPO = 'o/m';
afterEach(() => {
  afterRead.hook = null;
});

/** A cache whose pull lock of REPO was left by a process that has gone. */
function cacheWithStaleLock(): { cache: string; file: string } {
  const cache = tempDir();
  const file = pullLockPath(cache, REPO);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${deadPid()}.${Date.now()}`);
  return { cache, file };
}

describe('taking over a stale pull lock', () => {
  it('refuses a pull that read the same stale lock as one that took it over meanwhile', () => {
    const { cache, file } = cacheWithStaleLock();
    let releaseFirst: (() => void) | undefined;
    let firstStamp = '';
    afterRead.hook = () => {
      releaseFirst = lockRepoPull(cache, REPO);
      firstStamp = fs.readFileSync(file, 'utf8');
    };
    expect(() => lockRepoPull(cache, REPO)).toThrow(
      `${REPO} is being pulled already (pid ${process.pid}, this process); wait for it to finish`,
    );
    expect(fs.readFileSync(file, 'utf8')).toBe(firstStamp);
    expect(firstStamp).toMatch(new RegExp(`^${process.pid}\\.`));
    releaseFirst?.();
    expect(fs.readdirSync(path.dirname(file))).toEqual([]);
  });

  it('refuses a removal that read the same stale lock as a pull that took it over meanwhile', () => {
    const { cache, file } = cacheWithStaleLock();
    let releasePull: (() => void) | undefined;
    afterRead.hook = () => {
      releasePull = lockRepoPull(cache, REPO);
    };
    const remove = vi.fn();
    expect(() => whileNotPulled(cache, REPO, remove)).toThrow(
      `${REPO} is being pulled by this process (pid ${process.pid}); removing its files would pull them out from under it`,
    );
    expect(remove).not.toHaveBeenCalled();
    releasePull?.();
    expect(fs.readdirSync(path.dirname(file))).toEqual([]);
  });

  it('takes over a stale lock, leaving only its own lock there, and gives it back', () => {
    const { cache, file } = cacheWithStaleLock();
    const release = lockRepoPull(cache, REPO);
    expect(fs.readFileSync(file, 'utf8')).toMatch(new RegExp(`^${process.pid}\\.`));
    expect(fs.readdirSync(path.dirname(file))).toEqual([path.basename(file)]);
    release();
    expect(fs.readdirSync(path.dirname(file))).toEqual([]);
  });
});
