// Two exports to one destination at once (two app tabs, or a tab and `spanfill export`): while
// one writes it — a new folder staged beside it, or a folder that exists under its lock — the
// other is refused, forced or not, saying that another export is writing that folder now (which
// one where this process runs it, else which process) and what to do; never that the folder holds
// "an earlier export" to replace. Once the first is done, the folder is an earlier export again.
// The other process is a real one (fixtures/exportChild.ts), whose export never ends.
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFolderAtomically } from '../../../../src/main/engine/export/folder';
import { tempDirs } from '../../../support/tmp';
import { killHard, tsChildren } from '../../../support/tsChild';

const root = tempDirs('spanfill-writers-');
const startExport = tsChildren(join(__dirname, 'fixtures', 'exportChild.ts'));
const about = { format: 'hf', source: '/models/t5' };
const WAIT = 'wait for it to finish, or choose another folder';

/** A writer that writes `name` and then waits until `release` is called. */
function slowWriter(name: string): { write: (dir: string) => Promise<void>; release: () => void } {
  let release = (): void => undefined;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const write = async (dir: string): Promise<void> => {
    writeFileSync(join(dir, name), name);
    await gate;
  };
  return { write, release: () => release() };
}

const quick = async (dir: string): Promise<void> => writeFileSync(join(dir, 'quick.txt'), 'quick');
const exportTo = (out: string, force: boolean, write = quick, label?: string, records?: string) =>
  writeFolderAtomically(
    out,
    { force, about, ...(label === undefined ? {} : { label }), ...(records === undefined ? {} : { records }) },
    write,
  );

/** Lets the first export get as far as its writer. */
const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 50));

describe('an export to a folder another export is writing', () => {
  it('is refused, forced or not, while one in this process writes it as a new folder, naming that one', async () => {
    const parent = root();
    const out = join(parent, 'tuned');
    const first = slowWriter('first.txt');
    const writing = exportTo(out, false, first.write, "run 'tiny' (r-1) at checkpoint step 40");
    await settle();
    const busy = `Another export in this app, of run 'tiny' (r-1) at checkpoint step 40, is writing ${out} now; ${WAIT}`;
    await expect(exportTo(out, false)).rejects.toThrow(busy);
    await expect(exportTo(out, true)).rejects.toThrow(busy);
    first.release();
    await writing;
    expect(readdirSync(out).sort()).toEqual(['first.txt', 'spanfill-export.json']);
    expect(readdirSync(parent)).toEqual(['tuned']);
    // Done: an earlier export, which only a forced export replaces.
    await expect(exportTo(out, false)).rejects.toThrow(/holds an earlier hf export .*, or replace it$/);
  });

  it('is refused, forced or not, while one in this process replaces the earlier export there', async () => {
    const out = join(root(), 'tuned');
    await exportTo(out, false);
    const second = slowWriter('second.txt');
    const writing = exportTo(out, true, second.write); // no label: what its manifest calls its source
    await settle();
    const busy = `Another export in this app, of /models/t5, is writing ${out} now; ${WAIT}`;
    await expect(exportTo(out, false)).rejects.toThrow(busy);
    await expect(exportTo(out, true)).rejects.toThrow(busy);
    second.release();
    await writing;
    expect(readdirSync(out).sort()).toEqual(['second.txt', 'spanfill-export.json']);
  });

  it('is refused while another process writes it, as a new folder or into one that exists, naming that process', async () => {
    const parent = root();
    for (const out of [join(parent, 'new'), join(parent, 'there')]) {
      if (basename(out) === 'there') mkdirSync(out);
      const other = await startExport(out);
      const busy =
        `An export in another Spanfill process (pid ${other.proc.pid}: the app, or spanfill in a terminal) ` +
        `is writing ${out} now; ${WAIT}`;
      await expect(exportTo(out, false)).rejects.toThrow(busy);
      await expect(exportTo(out, true)).rejects.toThrow(busy);
      await killHard(other.proc);
      // Gone (killed): what it left is cleared, and the folder is written.
      await exportTo(out, false);
      expect(readdirSync(out).sort()).toEqual(['quick.txt', 'spanfill-export.json']);
    }
    expect(readdirSync(parent).sort()).toEqual(['new', 'there']);
  }, 30_000);

  it('is refused while another process writes it, naming what that one exports where it recorded it', async () => {
    const parent = root();
    const records = join(parent, 'exporting'); // both processes' <data dir>/exporting
    for (const out of [join(parent, 'new'), join(parent, 'there')]) {
      if (basename(out) === 'there') mkdirSync(out);
      const other = await startExport(out, records, "run 'tiny' (r-1) at checkpoint step 40");
      const busy =
        `An export in another Spanfill process (pid ${other.proc.pid}: the app, or spanfill in a terminal), ` +
        `of run 'tiny' (r-1) at checkpoint step 40, is writing ${out} now; ${WAIT}`;
      await expect(exportTo(out, false, quick, undefined, records)).rejects.toThrow(busy);
      await expect(exportTo(out, true, quick, undefined, records)).rejects.toThrow(busy);
      await killHard(other.proc);
    }
  }, 30_000);

  it("names only another process's pid where its record says nothing of what it exports (an older Spanfill's) or does not read", async () => {
    const parent = root();
    const records = join(parent, 'exporting');
    mkdirSync(records);
    const out = join(parent, 'new');
    const other = await startExport(out); // records nothing, as an older Spanfill elsewhere may
    const stamp = basename(other.line).slice('.new.export-'.length);
    const busy =
      `An export in another Spanfill process (pid ${other.proc.pid}: the app, or spanfill in a terminal) ` +
      `is writing ${out} now; ${WAIT}`;
    const olderOrUnreadable = [JSON.stringify({ staging: other.line }), '{"staging":', '{"label":7}', '"x"'];
    for (const record of [undefined, ...olderOrUnreadable]) {
      if (record !== undefined) writeFileSync(join(records, `${stamp}.json`), record);
      await expect(exportTo(out, true, quick, undefined, records)).rejects.toThrow(busy);
    }
  }, 30_000);

  it('of two started at once into one new folder, the later is refused as busy, and nothing else is left', async () => {
    const parent = root();
    const out = join(parent, 'new');
    const results = await Promise.allSettled([exportTo(out, false, quick, 'A'), exportTo(out, false, quick, 'B')]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected']);
    expect((results[1] as PromiseRejectedResult).reason).toMatchObject({
      message: `Another export in this app, of A, is writing ${out} now; ${WAIT}`,
    });
    expect(readdirSync(parent)).toEqual(['new']);
  });
});
