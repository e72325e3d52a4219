// stagingRecords.ts: an export into a new folder records its staging folder while it exists
// (writeFolderAtomically with `records`), and what a gone process recorded is removed only where
// it is provably that export's folder: named `.<name>.export-<the record's own stamp>`, a folder
// itself (not a link), at a full path. A live export's record and folder stay; whatever else a
// record names stays, and the record goes.
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFolderAtomically } from '../../../../src/main/engine/export/folder';
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
    expect(recorded).toEqual({ staging: dir });
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

  it('finds nothing in a records folder not made yet', () => {
    expect(removeStagingOfGone(join(root(), 'exporting'))).toBe(0);
  });
});
