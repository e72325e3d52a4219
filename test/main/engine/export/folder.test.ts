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
    await expect(writeFolderAtomically(out, false, write('new.txt'))).rejects.toThrow(/is not empty.*--force/);
    expect(readdirSync(out)).toEqual(['old.txt']);
    await writeFolderAtomically(out, true, write('new.txt'));
    expect(readdirSync(out)).toEqual(['new.txt']);
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
