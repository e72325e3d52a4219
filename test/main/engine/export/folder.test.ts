// Export destinations: non-empty folders refused unless forced, files refused, and nothing
// half-written: a failing writer leaves no folder (or the old one untouched when forced).
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFolderAtomically } from '../../../../src/main/engine/export/folder';
import { tempDirs } from '../../../support/tmp';

const root = tempDirs('spanfill-folder-');
const write = (name: string) => async (dir: string) => writeFileSync(join(dir, name), name);

describe('writeFolderAtomically', () => {
  it('creates a new folder and accepts an existing empty one', async () => {
    const parent = root();
    await writeFolderAtomically(join(parent, 'a', 'b'), false, write('x.txt'));
    expect(readdirSync(join(parent, 'a', 'b'))).toEqual(['x.txt']);
    mkdirSync(join(parent, 'empty'));
    await writeFolderAtomically(join(parent, 'empty'), false, write('y.txt'));
    expect(readdirSync(join(parent, 'empty'))).toEqual(['y.txt']);
    expect(readdirSync(parent).sort()).toEqual(['a', 'empty']);
  });

  it('refuses a non-empty folder without force and replaces it with force', async () => {
    const out = join(root(), 'out');
    mkdirSync(out);
    writeFileSync(join(out, 'old.txt'), 'old');
    await expect(writeFolderAtomically(out, false, write('new.txt'))).rejects.toThrow(
      /is not empty \(1 file, 3 bytes\); choose an empty or new folder, or replace it$/,
    );
    expect(readdirSync(out)).toEqual(['old.txt']);
    await writeFolderAtomically(out, true, write('new.txt'));
    expect(readdirSync(out)).toEqual(['new.txt']);
  });

  it('says what a forced export would delete, and replaces only a folder holding what exports write', async () => {
    const out = join(root(), 'earlier');
    mkdirSync(join(out, 'onnx'), { recursive: true });
    writeFileSync(join(out, 'config.json'), '{}');
    writeFileSync(join(out, 'onnx', 'model.onnx'), 'x'.repeat(2048));
    writeFileSync(join(out, '.DS_Store'), ''); // Finder's, once the folder was opened there
    await expect(writeFolderAtomically(out, false, write('new.txt'))).rejects.toThrow(
      `${out} is not empty (3 files, 2.0 KiB); choose an empty or new folder, or replace it`,
    );
    await writeFolderAtomically(out, true, write('new.txt'));
    expect(readdirSync(out)).toEqual(['new.txt']);

    // A home folder, a source checkout or a documents folder is refused even when forced.
    const home = join(root(), 'home');
    mkdirSync(join(home, '.ssh'), { recursive: true });
    writeFileSync(join(home, '.ssh', 'id_rsa'), 'key');
    mkdirSync(join(home, 'Documents'));
    for (const name of ['config.json', 'notes.pdf', 'taxes.xlsx']) writeFileSync(join(home, name), name);
    for (const force of [false, true]) {
      await expect(writeFolderAtomically(home, force, write('new.txt'))).rejects.toThrow(
        `${home} holds .ssh, Documents, notes.pdf and 1 more, which no export writes. An export replaces the whole ` +
          'folder, so it only replaces one that holds an earlier export: choose an empty or new folder',
      );
    }
    expect(readFileSync(join(home, '.ssh', 'id_rsa'), 'utf8')).toBe('key');
    expect(readdirSync(home).sort()).toEqual(['.ssh', 'Documents', 'config.json', 'notes.pdf', 'taxes.xlsx']);
  });

  it('refuses a file and leaves nothing behind when the writer fails', async () => {
    const parent = root();
    writeFileSync(join(parent, 'file'), 'f');
    await expect(writeFolderAtomically(join(parent, 'file'), true, write('x'))).rejects.toThrow(
      /is a file, not a folder; give the path of a new or empty folder$/,
    );
    mkdirSync(join(parent, 'kept'));
    writeFileSync(join(parent, 'kept', 'old.txt'), 'old');
    const failing = async (dir: string): Promise<void> => {
      writeFileSync(join(dir, 'half.txt'), 'half');
      throw new Error('aborted');
    };
    await expect(writeFolderAtomically(join(parent, 'kept'), true, failing)).rejects.toThrow('aborted');
    await expect(writeFolderAtomically(join(parent, 'new'), false, failing)).rejects.toThrow('aborted');
    expect(readdirSync(parent).sort()).toEqual(['file', 'kept']);
    expect(readFileSync(join(parent, 'kept', 'old.txt'), 'utf8')).toBe('old');
    expect(existsSync(join(parent, 'new'))).toBe(false);
  });
});
