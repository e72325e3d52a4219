// stagingRecords.ts: an export records its staging folder while it exists (writeFolderAtomically
// with `records`), beside a new folder or inside one that exists, and what a gone process recorded
// is cleared only where it is provably that export's: a folder itself (not a link) at a full path
// named `.<name>.export-<the record's own stamp>` (removed) or `.spanfill-export-<the record's own
// stamp>` (cleared under that folder's lock as the next export into it would), or that export's
// lock. A live export's record and folder stay; whatever else a record names stays, and the record goes.
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFolderAtomically } from '../../../../src/main/engine/export/folder';
import { folderContents, writeExportManifest } from '../../../../src/main/engine/export/manifest';
import { stagingInside } from '../../../../src/main/engine/export/stagingName';
import { removeStagingOfGone } from '../../../../src/main/engine/export/stagingRecords';
import { recordInName, recordOfThisProcess } from '../../../../src/main/processIdentity';
import { deadPid } from '../../../support/processes';
import { tempDirs } from '../../../support/tmp';

const root = tempDirs('spanfill-staging-records-');
const about = { format: 'hf' as const, source: 'test' };

const DEAD = deadPid();
/** A stamp of a process that has ended, made `ms` after now so two differ. */
const goneStamp = (ms = 0): string => `${DEAD}.${Date.now() + ms}`;

/** Writes a record `<stamp>.json` in `records` naming `staging` (or holding `text` as it is). */
function record(records: string, stamp: string, staging: string, text = JSON.stringify({ staging })): void {
  mkdirSync(records, { recursive: true });
  writeFileSync(join(records, `${stamp}.json`), text);
}

describe('writeFolderAtomically with records', () => {
  it('records its staging folder while it writes, and no longer once it is done or failed', async () => {
    const [parent, records] = [root(), join(root(), 'exporting')];
    const seen: unknown[] = [];
    const write = async (dir: string): Promise<void> => {
      const names = readdirSync(records);
      seen.push([names.length, JSON.parse(readFileSync(join(records, names[0]), 'utf8')), dir]);
    };
    await writeFolderAtomically(join(parent, 'out'), { force: false, about, records }, write);
    const [[count, recorded, dir]] = seen as [number, { staging: string }, string][];
    expect(count).toBe(1);
    expect(recorded).toEqual({ staging: dir, label: 'test' }); // no label given: what its manifest calls its source
    expect(dir).toMatch(/\/\.out\.export-[^/]+$/);
    expect(existsSync(records)).toBe(false); // the records folder goes with its last record
    const failing = async (dir: string): Promise<void> => {
      seen.push(readdirSync(records).length, existsSync(dir));
      throw new Error('disk full');
    };
    await expect(writeFolderAtomically(join(parent, 'two'), { force: false, about, records }, failing)).rejects.toThrow(
      'disk full',
    );
    expect(seen.slice(1)).toEqual([1, true]);
    expect(existsSync(records)).toBe(false);
    expect(readdirSync(parent)).toEqual(['out']);
  });

  it('records its staging folder inside a folder that exists while it writes, and no longer once it is done', async () => {
    const [out, records] = [root(), join(root(), 'exporting')];
    const seen: unknown[] = [];
    const write = async (dir: string): Promise<void> => {
      const names = readdirSync(records);
      seen.push(names.length, JSON.parse(readFileSync(join(records, names[0]), 'utf8')), dir);
      writeFileSync(join(dir, 'a.txt'), 'a');
    };
    await writeFolderAtomically(out, { force: false, about, records, label: "run 'tiny' (r-1)" }, write);
    expect(seen).toEqual([
      1,
      { staging: seen[2], label: "run 'tiny' (r-1)" },
      expect.stringMatching(/\/\.spanfill-export-[^/]+$/),
    ]);
    expect(seen[2]).toMatch(new RegExp(`^${out}/`));
    expect(existsSync(records)).toBe(false);
    expect(readdirSync(out).sort()).toEqual(['a.txt', 'spanfill-export.json']);
  });
});

describe('removeStagingOfGone', () => {
  it("removes a gone export's staging folder and its record; a live one's stays", () => {
    const [parent, records] = [root(), root()];
    const gone = goneStamp();
    const staging = join(parent, `.tuned.export-${gone}`);
    mkdirSync(join(staging, 'onnx'), { recursive: true });
    writeFileSync(join(staging, 'onnx', 'model.onnx'), 'half');
    record(records, gone, staging);
    const live = recordInName(recordOfThisProcess(Date.now()));
    const liveStaging = join(parent, `.web.export-${live}`);
    mkdirSync(liveStaging);
    record(records, live, liveStaging);
    expect(removeStagingOfGone(records)).toBe(1);
    expect(readdirSync(parent)).toEqual([`.web.export-${live}`]);
    expect(readdirSync(records)).toEqual([`${live}.json`]);
  });

  it('leaves whatever else a record names (another name or stamp, a link, a relative path), dropping the record', () => {
    const [parent, records, elsewhere] = [root(), root(), root()];
    const other = goneStamp(1);
    const named = ['mine', `.out.export-${other}`, `.out.replaced-${goneStamp(2)}`, `.export-${goneStamp(3)}`];
    named.forEach((name) => mkdirSync(join(parent, name)));
    named.forEach((name, i) => record(records, goneStamp(10 + i), join(parent, name)));
    // A link of the right name: neither it nor the folder it leads to is removed.
    const linked = goneStamp(20);
    symlinkSync(elsewhere, join(parent, `.link.export-${linked}`));
    writeFileSync(join(elsewhere, 'keep.txt'), 'keep');
    record(records, linked, join(parent, `.link.export-${linked}`));
    const relative = goneStamp(21);
    mkdirSync(join(parent, `.rel.export-${relative}`));
    record(records, relative, `.rel.export-${relative}`);
    // Cut short by the kill, and gone with its folder: only the records go.
    record(records, goneStamp(22), '', '{"stag');
    const removed = goneStamp(23);
    record(records, removed, join(parent, `.gone.export-${removed}`));
    writeFileSync(join(records, 'notes.txt'), 'not a record');
    const before = readdirSync(parent).sort();
    expect(removeStagingOfGone(records)).toBe(0);
    expect(readdirSync(parent).sort()).toEqual(before);
    expect(readdirSync(elsewhere)).toEqual(['keep.txt']);
    expect(readdirSync(records)).toEqual(['notes.txt']);
  });

  it("clears what a gone export left inside a folder that exists, as the next export into it would; a live lock's stays", async () => {
    const records = root();
    const LOCK = '.spanfill-export.lock';
    /** A folder holding an earlier export (a.txt), and what export `stamp` killed while forced into it left: its lock, recorded. */
    const killedInto = async (stamp: string): Promise<string> => {
      const out = root();
      await writeFolderAtomically(out, { force: false, about }, async (dir) => writeFileSync(join(dir, 'a.txt'), 'a'));
      writeFileSync(join(out, LOCK), stamp);
      record(records, stamp, stagingInside(out, stamp));
      return out;
    };
    // Killed once its staging folder held its manifest (decided): finished, the new export in place.
    const [decided, half, lockOnly, busy] = [goneStamp(1), goneStamp(2), goneStamp(3), goneStamp(4)];
    const finished = await killedInto(decided);
    mkdirSync(stagingInside(finished, decided));
    writeFileSync(join(stagingInside(finished, decided), 'b.txt'), 'b');
    writeExportManifest(stagingInside(finished, decided), about);
    // Killed while it wrote: its half-written staging folder goes, the earlier export stays.
    const kept = await killedInto(half);
    mkdirSync(stagingInside(kept, half));
    writeFileSync(join(stagingInside(kept, half), 'b.txt'), 'half');
    // Killed before it made its staging folder: its lock goes.
    const locked = await killedInto(lockOnly);
    // Its lock held by a live export: left for that export, the record for a later look.
    const held = await killedInto(busy);
    const live = recordInName(recordOfThisProcess(Date.now()));
    writeFileSync(join(held, LOCK), live);
    mkdirSync(stagingInside(held, busy));
    expect(removeStagingOfGone(records)).toBe(2);
    expect(folderContents(finished)).toMatchObject({ kind: 'export' });
    expect(readdirSync(finished).sort()).toEqual(['b.txt', 'spanfill-export.json']);
    for (const out of [kept, locked]) expect(readdirSync(out).sort()).toEqual(['a.txt', 'spanfill-export.json']);
    expect(readdirSync(held).sort()).toEqual([stagingInside('', busy), LOCK, 'a.txt', 'spanfill-export.json']);
    expect(readdirSync(records)).toEqual([`${busy}.json`]);
  });

  it("drops the record of a folder a gone export left nothing in, or that is gone, and leaves another stamp's staging", () => {
    const [out, records] = [root(), root()];
    const [gone, other] = [goneStamp(1), goneStamp(2)];
    record(records, gone, stagingInside(out, gone)); // killed before it took the lock, or all cleared since
    record(records, goneStamp(4), stagingInside(join(out, 'removed'), goneStamp(4))); // its folder removed since
    record(records, goneStamp(3), stagingInside(out, other)); // a record naming another stamp's folder
    mkdirSync(stagingInside(out, other));
    expect(removeStagingOfGone(records)).toBe(0);
    expect(readdirSync(out)).toEqual([stagingInside('', other)]);
    expect(existsSync(records)).toBe(false); // both records dropped, and their folder with them
  });

  it('finds nothing in a records folder not made yet', () => {
    expect(removeStagingOfGone(join(root(), 'exporting'))).toBe(0);
  });
});
