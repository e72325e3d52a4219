// intoFolder.ts lockFolder: the lock of an export folder whose process has gone is taken over in
// one step (stampLock.ts takeStampLock), never removed and made anew, so two exports that found the
// same stale lock do not both write into the folder, nor does the second clear the first's staging
// folder as a killed export's. What a takeover keeps in the folder for a moment (`<lock>.break`,
// `<lock>.<stamp>.tmp`, and left there when its process is killed then) is no one's file.
// The interleavings are forced by a mocked readFileSync and renameSync, not by timing.
import fs from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { writeFolderAtomically } from '../../../../src/main/engine/export/folder';
import { lockFolder, unlockFolder } from '../../../../src/main/engine/export/intoFolder';
import { folderContents, listFiles } from '../../../../src/main/engine/export/manifest';
import { stagingInside } from '../../../../src/main/engine/export/stagingName';
import { recordInName, recordOfThisProcess } from '../../../../src/main/processIdentity';
import { deadPid } from '../../../support/processes';
import { tempDirs } from '../../../support/tmp';

const LOCK = '.spanfill-export.lock';
// Each runs once: right after the next read of an export lock, or right before the next rename in the folder.
const hooks = vi.hoisted(() => ({
  afterRead: null as (() => void) | null,
  beforeRename: null as ((to: string) => void) | null,
}));

vi.mock('node:fs', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs')>();
  const readFileSync = ((file: string, ...rest: unknown[]) => {
    const text = (actual.readFileSync as (...args: unknown[]) => unknown)(file, ...rest);
    const hook = hooks.afterRead;
    if (hook === null || !String(file).endsWith(`/${LOCK}`)) return text;
    hooks.afterRead = null;
    hook();
    return text;
  }) as typeof actual.readFileSync;
  const renameSync = ((from: string, to: string) => {
    const hook = hooks.beforeRename;
    if (hook !== null && String(to).includes(LOCK)) hook(String(to));
    actual.renameSync(from, to);
  }) as typeof actual.renameSync;
  const mocked = { readFileSync, renameSync };
  return { ...actual, default: { ...actual, ...mocked }, ...mocked };
});

const tempDir = tempDirs('spanfill-into-folder-');
const about = { format: 'hf', source: '/models/t5' };
afterEach(() => {
  hooks.afterRead = null;
  hooks.beforeRename = null;
});

/** A stamp of a process that has gone. */
const deadStamp = (): string => `${deadPid()}.${Date.now()}`;
/** Stamps of two exports of this process. */
const liveStamp = (ranAt: number): string => recordInName(recordOfThisProcess(ranAt));

describe('lockFolder taking over a stale lock', () => {
  it('refuses an export that read the same stale lock as one that took it over meanwhile, and leaves its staging folder', () => {
    const dir = tempDir();
    fs.writeFileSync(join(dir, LOCK), deadStamp());
    const [first, second] = [liveStamp(Date.now() - 1), liveStamp(Date.now())];
    hooks.afterRead = () => {
      expect(lockFolder(dir, first)).toBe(true);
      fs.mkdirSync(stagingInside(dir, first));
      fs.writeFileSync(join(stagingInside(dir, first), 'half.txt'), 'half');
    };
    expect(lockFolder(dir, second)).toBe(false);
    expect(fs.readFileSync(join(dir, LOCK), 'utf8')).toBe(first);
    expect(fs.readdirSync(stagingInside(dir, first))).toEqual(['half.txt']);
    fs.rmSync(stagingInside(dir, first), { recursive: true });
    unlockFolder(dir, first);
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('takes over a stale lock and clears the staging folder its killed export left', () => {
    const dir = tempDir();
    const gone = deadStamp();
    fs.writeFileSync(join(dir, LOCK), gone);
    fs.mkdirSync(stagingInside(dir, gone));
    fs.writeFileSync(join(stagingInside(dir, gone), 'half.txt'), 'half');
    const mine = liveStamp(Date.now());
    expect(lockFolder(dir, mine)).toBe(true);
    expect(fs.readdirSync(dir)).toEqual([LOCK]);
    expect(fs.readFileSync(join(dir, LOCK), 'utf8')).toBe(mine);
    unlockFolder(dir, mine);
    expect(fs.readdirSync(dir)).toEqual([]);
  });
});

describe('what a takeover keeps in an export folder', () => {
  it('is not taken for files of the earlier export or of a person, while the takeover runs or once it is killed', async () => {
    const out = join(tempDir(), 'out');
    await writeFolderAtomically(out, { force: false, about }, async (dir) => fs.writeFileSync(join(dir, 'a.txt'), 'a'));
    const earlier = folderContents(out);
    expect(earlier.kind).toBe('export');
    // Killed as it took over the lock of an export that had gone, itself taking over a breaker left so.
    const killed = deadStamp();
    fs.writeFileSync(join(out, LOCK), deadStamp());
    fs.writeFileSync(join(out, `${LOCK}.break`), deadStamp());
    fs.writeFileSync(join(out, `${LOCK}.${killed}.tmp`), killed);
    const seen: string[][] = [];
    const look = (): void => {
      seen.push(fs.readdirSync(out).filter((name) => name.startsWith(LOCK)));
      expect(folderContents(out)).toEqual(earlier);
      expect(listFiles(out).files).toEqual(['a.txt', 'spanfill-export.json']);
      hooks.beforeRename = look;
    };
    look();
    await writeFolderAtomically(out, { force: true, about }, async (dir) => fs.writeFileSync(join(dir, 'b.txt'), 'b'));
    hooks.beforeRename = null;
    expect(seen.length).toBe(3); // as it was, then at the breaker's replacement and at the lock's
    expect(seen.flat()).toEqual(expect.arrayContaining([`${LOCK}.break.break`]));
    expect(seen.flat().filter((name) => /\.tmp$/.test(name) && !name.includes(killed)).length).toBe(2);
    expect(fs.readdirSync(out).sort()).toEqual([`${LOCK}.${killed}.tmp`, 'b.txt', 'spanfill-export.json']);
    expect(folderContents(out)).toMatchObject({ kind: 'export', files: 2 });
  });
});
