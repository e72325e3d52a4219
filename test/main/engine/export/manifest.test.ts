// An earlier export's manifest is read as a list of files inside its own folder and nothing
// else: one that names a path outside it (`../keep.txt`, an absolute path, `a/../../x`), a path
// in another spelling (`./a`, `a//b`, `a\b`) or one file twice is no Spanfill export's, and a
// forced export refuses that folder like any other. Replacing an earlier export deletes only
// files a walk of the folder found (never through a link) that its manifest lists.
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFolderAtomically } from '../../../../src/main/engine/export/folder';
import { moveIn } from '../../../../src/main/engine/export/intoFolder';
import { folderContents, writeExportManifest } from '../../../../src/main/engine/export/manifest';
import { tempDirs } from '../../../support/tmp';

const root = tempDirs('spanfill-manifest-');
const about = { format: 'hf', source: 'x' };

/** Writes `dir`'s manifest listing `files` (path → bytes) as given, whatever they are. */
function writeManifest(dir: string, files: readonly (readonly [string, number])[]): void {
  const manifest = {
    spanfill_export: 1,
    format: 'hf',
    source: 'x',
    written_at: '2024-01-01T00:00:00.000Z',
    files: files.map(([path, bytes]) => ({ path, bytes })),
  };
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'spanfill-export.json'), JSON.stringify(manifest));
}

/** `victim/keep.txt` (9 bytes) beside `victim/exp`, whose manifest lists `files`; the victim folder. */
function victimWith(files: readonly (readonly [string, number])[]): string {
  const victim = root();
  writeFileSync(join(victim, 'keep.txt'), 'keep this');
  writeManifest(join(victim, 'exp'), files);
  return victim;
}

/** A finished export of `new.txt` to move in, beside the folders of the test. */
function staged(): string {
  const staging = join(root(), 'staging');
  mkdirSync(staging);
  writeFileSync(join(staging, 'new.txt'), 'new');
  writeExportManifest(staging, about);
  return staging;
}

describe('an earlier export whose manifest lists paths outside its folder', () => {
  const badLists: [string, (readonly [string, number])[]][] = [
    ['../keep.txt', [['../keep.txt', 9]]],
    ['.././keep.txt', [['.././keep.txt', 9]]],
    ['a/../../keep.txt', [['a/../../keep.txt', 9]]],
    ['an absolute path', [['/etc/hostname', 9]]],
    ['./a.txt', [['./a.txt', 1]]],
    ['a//b.txt', [['a//b.txt', 1]]],
    ['a\\b.txt', [['a\\b.txt', 1]]],
    ['an empty path', [['', 0]]],
    [
      'one file twice',
      [
        ['a.txt', 1],
        ['a.txt', 2],
      ],
    ],
  ];

  it.each(badLists)('is no earlier export (%s), and a forced export refuses it', async (_, files) => {
    const victim = victimWith(files);
    const out = join(victim, 'exp');
    expect(folderContents(out)).toMatchObject({ kind: 'other', why: expect.stringContaining('spanfill-export.json') });
    await expect(
      writeFolderAtomically(out, { force: true, about }, async (dir) => writeFileSync(join(dir, 'new.txt'), 'new')),
    ).rejects.toMatchObject({
      kind: 'other',
      message: expect.stringMatching(/is not an earlier Spanfill export.*Choose an empty or new folder/),
    });
    expect(readFileSync(join(victim, 'keep.txt'), 'utf8')).toBe('keep this');
    expect(readdirSync(out)).toEqual(['spanfill-export.json']);
  });

  it('names the path that is not inside the folder, and a path listed twice', () => {
    expect(folderContents(join(victimWith([['../keep.txt', 9]]), 'exp'))).toEqual({
      kind: 'other',
      why:
        'it holds spanfill-export.json and a spanfill-export.json that lists "../keep.txt", not a plain path ' +
        'inside the folder, so no Spanfill export wrote it',
    });
    expect(
      folderContents(
        join(
          victimWith([
            ['a.txt', 1],
            ['a.txt', 1],
          ]),
          'exp',
        ),
      ),
    ).toMatchObject({
      why: expect.stringContaining('lists "a.txt" twice'),
    });
  });

  it('moving an export in deletes nothing such a manifest lists, nor the folders of its paths', () => {
    const victim = victimWith([
      ['../keep.txt', 9],
      ['../empty/x', 0],
    ]);
    mkdirSync(join(victim, 'empty'));
    moveIn(staged(), join(victim, 'exp'));
    expect(readdirSync(victim).sort()).toEqual(['empty', 'exp', 'keep.txt']);
    expect(readFileSync(join(victim, 'keep.txt'), 'utf8')).toBe('keep this');
    expect(readdirSync(join(victim, 'exp')).sort()).toEqual(['new.txt', 'spanfill-export.json']);
  });

  it('moving an export in deletes only files found in the folder, never through a link in it', () => {
    // A link put into the export since it was written (after the folder was checked): the
    // manifest's `link/keep.txt` is a plain path, but the file behind it is not the export's.
    const victim = root();
    const outside = join(victim, 'outside');
    mkdirSync(join(outside, 'sub'), { recursive: true });
    writeFileSync(join(outside, 'keep.txt'), 'keep this');
    const out = join(victim, 'exp');
    writeManifest(out, [
      ['old.txt', 3],
      ['link/keep.txt', 9],
      ['link/sub/gone.txt', 0],
    ]);
    writeFileSync(join(out, 'old.txt'), 'old');
    symlinkSync(outside, join(out, 'link'));
    moveIn(staged(), out);
    expect(readFileSync(join(outside, 'keep.txt'), 'utf8')).toBe('keep this');
    expect(existsSync(join(outside, 'sub'))).toBe(true);
    expect(readdirSync(out).sort()).toEqual(['link', 'new.txt', 'spanfill-export.json']);
  });
});
