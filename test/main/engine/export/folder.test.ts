// Export destinations: a new or empty folder is written, an earlier export (every file in it
// listed by its spanfill-export.json) is replaced only when forced, and any other folder is
// refused forced or not, untouched; nothing half-written stays when the writer fails, nor, after
// the next export beside it, when the process was killed.
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { removeLeftBehind, writeFolderAtomically } from '../../../../src/main/engine/export/folder';
import { writeExportManifest } from '../../../../src/main/engine/export/manifest';
import { stagingName } from '../../../../src/main/engine/export/stagingName';
import { deadPid } from '../../../support/processes';
import { keptOfThisProcess, namesOfThisProcess } from '../../../support/processRecords';
import { tempDirs } from '../../../support/tmp';
import { killHard, tsChildren } from '../../../support/tsChild';

const root = tempDirs('spanfill-folder-');
/** A process whose export into a folder never ends (fixtures/exportChild.ts); its line: its temp folder. */
const startExport = tsChildren(join(__dirname, 'fixtures', 'exportChild.ts'));
const about = { format: 'hf', source: '/models/t5' };
const write =
  (...names: string[]) =>
  async (dir: string): Promise<void> => {
    for (const name of names) {
      mkdirSync(join(dir, name, '..'), { recursive: true });
      writeFileSync(join(dir, name), name);
    }
  };
const exportTo = (out: string, force: boolean, writer = write('config.json', 'onnx/model.onnx')) =>
  writeFolderAtomically(out, { force, about }, writer);

/** A folder of files (path → text), made for the test. */
function folderOf(files: Record<string, string>): string {
  const dir = join(root(), 'folder');
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

const contentsOf = (dir: string): string[] =>
  readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((name) => name.split('\\').join('/'))
    .sort();

describe('writeFolderAtomically', () => {
  it('creates a new folder, accepts an empty one, and lists what it wrote in spanfill-export.json', async () => {
    const parent = root();
    await exportTo(join(parent, 'a', 'b'), false);
    expect(contentsOf(join(parent, 'a', 'b'))).toEqual([
      'config.json',
      'onnx',
      'onnx/model.onnx',
      'spanfill-export.json',
    ]);
    expect(JSON.parse(readFileSync(join(parent, 'a', 'b', 'spanfill-export.json'), 'utf8'))).toMatchObject({
      spanfill_export: 1,
      format: 'hf',
      source: '/models/t5',
      files: [
        { path: 'config.json', bytes: 11 },
        { path: 'onnx/model.onnx', bytes: 15 },
      ],
    });
    mkdirSync(join(parent, 'empty'));
    writeFileSync(join(parent, 'empty', '.DS_Store'), ''); // Finder's, once the folder was opened there
    await exportTo(join(parent, 'empty'), false, write('y.txt'));
    expect(readdirSync(join(parent, 'empty')).sort()).toEqual(['.DS_Store', 'spanfill-export.json', 'y.txt']);
    expect(readdirSync(parent).sort()).toEqual(['a', 'empty']);
  });

  it('replaces an earlier export only when forced, saying what it holds', async () => {
    const out = join(root(), 'earlier');
    await exportTo(out, false, write('config.json', 'onnx/model.onnx', 'data/train.jsonl'));
    writeFileSync(join(out, 'onnx', '.DS_Store'), 'finder');
    await expect(exportTo(out, false, write('new.txt'))).rejects.toMatchObject({
      kind: 'not-empty',
      message: expect.stringMatching(
        /^\S+earlier holds an earlier hf export \(5 files, \d+ bytes\); choose an empty or new folder, or replace it$/,
      ),
    });
    expect(contentsOf(out)).toContain('data/train.jsonl');
    await exportTo(out, true, write('new.txt'));
    expect(readdirSync(out).sort()).toEqual(['new.txt', 'spanfill-export.json']);
  });

  it("never replaces a folder that is not an earlier export, such as a user's project, forced or not", async () => {
    const project = folderOf({
      'README.md': '# my project',
      'train.py': 'print(1)',
      'requirements.txt': 'torch',
      'data/mydata.csv': 'precious,1',
    });
    for (const force of [false, true]) {
      await expect(exportTo(project, force)).rejects.toMatchObject({
        kind: 'other',
        message:
          `${project} is not an earlier Spanfill export, so Spanfill never replaces it: it holds ` +
          'README.md, data/, requirements.txt and 1 more and no spanfill-export.json. ' +
          'Choose an empty or new folder, or move those files away yourself',
      });
    }
    expect(contentsOf(project)).toEqual(['README.md', 'data', 'data/mydata.csv', 'requirements.txt', 'train.py']);
    expect(readFileSync(join(project, 'data', 'mydata.csv'), 'utf8')).toBe('precious,1');
    // Some of the files an export writes (an HF folder without its tokenizer) and no list of them:
    // refused as any other folder (unlisted.test.ts: just an export's files, as before the list).
    const old = folderOf({ 'config.json': '{}', 'model.safetensors': 'weights' });
    await expect(exportTo(old, true)).rejects.toThrow(/it holds config\.json and model\.safetensors and no spanfill/);
    expect(readdirSync(old).sort()).toEqual(['config.json', 'model.safetensors']);
  });

  it('never replaces an earlier export with files added or changed since', async () => {
    const parent = root();
    const out = join(parent, 'job');
    await exportTo(out, false, write('train.py', 'run_config.json', 'data/train.jsonl'));
    // What the job trained, notes, a link, an empty folder, an edited setting.
    mkdirSync(join(out, 'checkpoints', 'step-00000010'), { recursive: true });
    writeFileSync(join(out, 'checkpoints', 'step-00000010', 'model.safetensors'), 'trained');
    writeFileSync(join(out, 'data', 'notes.txt'), 'mine');
    symlinkSync(join(parent, 'elsewhere'), join(out, 'link'));
    writeFileSync(join(out, 'run_config.json'), '{"max_steps": 99999}');
    await expect(exportTo(out, true)).rejects.toThrow(
      `${out} holds an earlier hf export, but also checkpoints/, data/notes.txt and link, which that export ` +
        'did not write, and run_config.json changed since it was written, so Spanfill never replaces it. Choose ' +
        'an empty or new folder, or move those files away yourself',
    );
    expect(contentsOf(out)).toEqual([
      'checkpoints',
      'checkpoints/step-00000010',
      'checkpoints/step-00000010/model.safetensors',
      'data',
      'data/notes.txt',
      'data/train.jsonl',
      'link',
      'run_config.json',
      'spanfill-export.json',
      'train.py',
    ]);
  });

  it('checks the folder again before replacing it: files put there meanwhile keep it', async () => {
    const parent = root();
    const out = join(parent, 'out');
    await exportTo(out, false);
    const meanwhile = async (dir: string): Promise<void> => {
      writeFileSync(join(dir, 'new.txt'), 'new');
      writeFileSync(join(out, 'mine.txt'), 'written while the export ran');
    };
    await expect(exportTo(out, true, meanwhile)).rejects.toThrow(/but also mine\.txt, which that export did not write/);
    expect(readFileSync(join(out, 'mine.txt'), 'utf8')).toBe('written while the export ran');
    expect(readdirSync(parent)).toEqual(['out']); // no temp folder left
  });

  it('refuses a file and leaves nothing behind when the writer fails', async () => {
    const parent = root();
    writeFileSync(join(parent, 'file'), 'f');
    await expect(exportTo(join(parent, 'file'), true)).rejects.toThrow(
      /is a file, not a folder; give the path of a new or empty folder$/,
    );
    await exportTo(join(parent, 'kept'), false, write('old.txt'));
    const failing = async (dir: string): Promise<void> => {
      writeFileSync(join(dir, 'half.txt'), 'half');
      throw new Error('aborted');
    };
    await expect(exportTo(join(parent, 'kept'), true, failing)).rejects.toThrow('aborted');
    await expect(exportTo(join(parent, 'new'), false, failing)).rejects.toThrow('aborted');
    expect(readdirSync(parent).sort()).toEqual(['file', 'kept']);
    expect(readFileSync(join(parent, 'kept', 'old.txt'), 'utf8')).toBe('old.txt');
    expect(existsSync(join(parent, 'new'))).toBe(false);
  });

  it('a failed or interrupted export removes the parent folders it made, only those, and only while empty', async () => {
    const parent = root();
    // Interrupted (Ctrl-C aborts the writer) into a path none of whose parents exist.
    const controller = new AbortController();
    const interrupted = async (): Promise<void> => {
      controller.abort();
      controller.signal.throwIfAborted();
    };
    await expect(exportTo(join(parent, 'deep', 'a', 'b', 'x'), false, interrupted)).rejects.toThrow(/aborted/);
    expect(readdirSync(parent)).toEqual([]);
    // Parents that were there before stay, though empty; those it made go.
    mkdirSync(join(parent, 'mine'));
    const failing = async (): Promise<void> => {
      throw new Error('disk full');
    };
    await expect(exportTo(join(parent, 'mine', 'a', 'b', 'x'), false, failing)).rejects.toThrow('disk full');
    expect(contentsOf(parent)).toEqual(['mine']);
    // One it made that something else wrote into meanwhile stays, with the folders above it.
    const other = async (): Promise<void> => {
      writeFileSync(join(parent, 'new', 'a', 'note.txt'), 'not the export');
      throw new Error('disk full');
    };
    await expect(exportTo(join(parent, 'new', 'a', 'b', 'x'), false, other)).rejects.toThrow('disk full');
    expect(contentsOf(join(parent, 'new'))).toEqual(['a', 'a/note.txt']);
  });

  it('removes the temp folder an export killed with SIGKILL left beside its destination, not a live one', async () => {
    const parent = root();
    const gone = await startExport(join(parent, 'a'));
    const live = await startExport(join(parent, 'b'));
    await killHard(gone.proc);
    expect(readdirSync(parent).sort()).toEqual([basename(gone.line), basename(live.line)].sort());
    await exportTo(join(parent, 'c'), false);
    expect(readdirSync(parent).sort()).toEqual([basename(live.line), 'c'].sort());
    await killHard(live.proc);
    await exportTo(join(parent, 'c'), true);
    expect(readdirSync(parent)).toEqual(['c']);
  }, 30_000);

  it('puts back an earlier export whose replacement was killed between its two renames', async () => {
    const parent = root();
    await exportTo(join(parent, 'out'), false, write('old.txt'));
    // What a process killed there leaves: the new export half-placed, the earlier one set aside.
    const stamp = `${deadPid()}.${Date.now()}`;
    renameSync(join(parent, 'out'), join(parent, `.out.replaced-${stamp}`));
    mkdirSync(join(parent, `.out.export-${stamp}`));
    await exportTo(join(parent, 'other'), false);
    expect(readdirSync(parent).sort()).toEqual(['other', 'out']);
    expect(readFileSync(join(parent, 'out', 'old.txt'), 'utf8')).toBe('old.txt');
  });

  it.each([200, 250])('writes and replaces an export whose folder name is %i characters long', async (length) => {
    const parent = root();
    const name = 'x'.repeat(length);
    await exportTo(join(parent, name), false, write('old.txt'));
    expect(readdirSync(join(parent, name)).sort()).toEqual(['old.txt', 'spanfill-export.json']);
    await exportTo(join(parent, name), true, write('new.txt'));
    expect(readdirSync(join(parent, name)).sort()).toEqual(['new.txt', 'spanfill-export.json']);
    expect(readdirSync(parent)).toEqual([name]); // no temp or set-aside folder left
  });

  it('puts back an earlier export of a long name whose replacement was killed between its two renames', async () => {
    const parent = root();
    const name = `${'y'.repeat(240)}-é`; // a name whose set-aside folder must be shortened, mid-character too
    await exportTo(join(parent, name), false, write('old.txt'));
    const stamp = `${deadPid()}.${Date.now()}`;
    const aside = join(parent, stagingName(name, 'replaced', stamp));
    mkdirSync(aside);
    renameSync(join(parent, name), join(aside, name));
    mkdirSync(join(parent, stagingName(name, 'export', stamp)));
    // One killed after it made the set-aside folder, before it moved the earlier export in.
    const other = `${deadPid()}.${Date.now() + 1}`;
    mkdirSync(join(parent, stagingName(name, 'replaced', other)));
    await exportTo(join(parent, 'other'), false);
    expect(readdirSync(parent).sort()).toEqual(['other', name].sort());
    expect(readFileSync(join(parent, name, 'old.txt'), 'utf8')).toBe('old.txt');
  });

  it("tells a live export's temp folder by its process's boot id and start ticks (Linux), whatever the wall clock did", () => {
    const parent = root();
    const names = namesOfThisProcess();
    for (const [key, name] of Object.entries(names)) mkdirSync(join(parent, `.${key}.export-${name}`));
    removeLeftBehind(parent);
    const kept = keptOfThisProcess();
    expect(readdirSync(parent)).toEqual([`.${kept}.export-${names[kept]}`]);
  });
});

describe('writeFolderAtomically into a folder that exists', () => {
  it('writes into it: its mode, inode and a link to it stay, forced or not', async () => {
    const parent = root();
    const out = join(parent, 'private');
    mkdirSync(out, { mode: 0o700 });
    chmodSync(out, 0o700);
    const inode = statSync(out).ino;
    await exportTo(out, false, write('old.txt'));
    await exportTo(out, true, write('new.txt', 'onnx/model.onnx'));
    expect(statSync(out).ino).toBe(inode);
    expect(statSync(out).mode & 0o777).toBe(0o700);
    expect(contentsOf(out)).toEqual(['new.txt', 'onnx', 'onnx/model.onnx', 'spanfill-export.json']);
    // Through a link: the files land where it points, and the link stays a link.
    const link = join(parent, 'link');
    symlinkSync(out, link);
    await exportTo(link, true, write('linked.txt'));
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readdirSync(out).sort()).toEqual(['linked.txt', 'spanfill-export.json']);
    expect(readdirSync(parent).sort()).toEqual(['link', 'private']); // nothing staged beside it
  });

  it("removes only the earlier export's own files when forced", async () => {
    const out = join(root(), 'out');
    await exportTo(out, false, write('a.txt', 'onnx/model.onnx', 'onnx/extra.onnx'));
    writeFileSync(join(out, '.DS_Store'), 'finder');
    await exportTo(out, true, write('onnx/model.onnx'));
    expect(contentsOf(out)).toEqual(['.DS_Store', 'onnx', 'onnx/model.onnx', 'spanfill-export.json']);
  });

  it('refuses a second export into a folder another export is writing into, and leaves it clean', async () => {
    const out = join(root(), 'out');
    mkdirSync(out);
    let release = (): void => undefined;
    const slow = async (dir: string): Promise<void> => {
      writeFileSync(join(dir, 'slow.txt'), 'slow');
      await new Promise<void>((resolve) => (release = resolve));
    };
    const first = exportTo(out, false, slow);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await expect(exportTo(out, true, write('fast.txt'))).rejects.toThrow(
      `Another export in this app, of /models/t5, is writing ${out} now; wait for it to finish, or choose another folder`,
    );
    release();
    await first;
    expect(readdirSync(out).sort()).toEqual(['slow.txt', 'spanfill-export.json']);
  });

  it('of two exports to one new folder at once, one is written and the other refused, with nothing left', async () => {
    const parent = root();
    const out = join(parent, 'new');
    const results = await Promise.allSettled([
      exportTo(out, false, write('a.txt')),
      exportTo(out, false, write('b.txt')),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    // Not that the folder holds an earlier export: the other one was being written.
    expect((refused.reason as Error).message).toBe(
      `Another export in this app, of /models/t5, is writing ${out} now; wait for it to finish, or choose another folder`,
    );
    expect(readdirSync(parent)).toEqual(['new']);
    expect(readdirSync(out).length).toBe(2);
  });

  it('a failed or cancelled export into it leaves it as it was', async () => {
    const out = join(root(), 'kept');
    await exportTo(out, false, write('old.txt'));
    const failing = async (dir: string): Promise<void> => {
      writeFileSync(join(dir, 'half.txt'), 'half');
      throw new Error('aborted');
    };
    await expect(exportTo(out, true, failing)).rejects.toThrow('aborted');
    expect(readdirSync(out).sort()).toEqual(['old.txt', 'spanfill-export.json']);
    mkdirSync(join(out, '..', 'empty'));
    await expect(exportTo(join(out, '..', 'empty'), false, failing)).rejects.toThrow('aborted');
    expect(readdirSync(join(out, '..', 'empty'))).toEqual([]);
  });

  it('clears what an export killed while writing into it left, and finishes one killed while moving its files in', async () => {
    const parent = root();
    const out = join(parent, 'out');
    mkdirSync(out);
    const gone = await startExport(out);
    await killHard(gone.proc);
    expect(readdirSync(out).length).toBeGreaterThan(0);
    await exportTo(out, false, write('a.txt'));
    expect(readdirSync(out).sort()).toEqual(['a.txt', 'spanfill-export.json']);
    // Killed once its files were written and listed, after the earlier export's files were removed.
    const stamp = `${deadPid()}.${Date.now()}`;
    const staging = join(out, `.spanfill-export-${stamp}`);
    mkdirSync(join(staging, 'onnx'), { recursive: true });
    writeFileSync(join(staging, 'onnx', 'm.onnx'), 'm');
    writeExportManifest(staging, about);
    renameSync(join(staging, 'onnx'), join(out, 'onnx')); // moved in before the kill
    rmSync(join(out, 'a.txt'));
    writeFileSync(join(out, '.spanfill-export.lock'), stamp);
    await expect(exportTo(out, false, write('b.txt'))).rejects.toThrow(/holds an earlier hf export \(2 files,/);
    expect(contentsOf(out)).toEqual(['onnx', 'onnx/m.onnx', 'spanfill-export.json']);
  });

  it('refuses a folder inside an earlier export, which would make that one no export any more', async () => {
    const parent = root();
    await exportTo(join(parent, 'r1'), false, write('a.txt'));
    await expect(exportTo(join(parent, 'r1', 'sub'), false)).rejects.toThrow(
      `${join(parent, 'r1', 'sub')} is inside an earlier export (${join(parent, 'r1')}); export to a folder outside it`,
    );
    expect(readdirSync(join(parent, 'r1')).sort()).toEqual(['a.txt', 'spanfill-export.json']);
  });

  it('says plainly that a folder name is too long', async () => {
    const parent = root();
    const name = 'z'.repeat(256);
    await expect(exportTo(join(parent, name), false)).rejects.toThrow(
      `The folder name ${'z'.repeat(20)}… is 256 bytes long, over the 255 a file system takes; choose a shorter name`,
    );
    expect(readdirSync(parent)).toEqual([]);
  });
});
