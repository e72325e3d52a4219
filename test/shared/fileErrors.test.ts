// Why a file could not be read, in words, from the error Node gives.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isMissingPathError, notUtf8NamesNote, unreadableFileReason } from '../../src/shared/fileErrors';

function readError(path: string): unknown {
  try {
    readFileSync(path);
  } catch (error) {
    return error;
  }
  throw new Error(`${path} was read`);
}

describe('unreadableFileReason', () => {
  it('says a missing path, a folder and other failures in words, not errno codes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'spanfill-file-errors-'));
    try {
      expect(unreadableFileReason(readError(join(dir, 'none.txt')))).toBe('does not exist');
      expect(unreadableFileReason(readError(join(dir, 'none', 'deeper.txt')))).toBe('does not exist');
      expect(unreadableFileReason(readError(dir))).toBe('is a folder, not a file');
      expect(unreadableFileReason(Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' }))).toBe(
        'cannot be read: permission denied',
      );
      expect(unreadableFileReason(new Error('disk on fire'))).toBe('cannot be read (disk on fire)');
      writeFileSync(join(dir, 'file.txt'), 'text');
      const errors = [join(dir, 'none.txt'), join(dir, 'file.txt', 'under.txt'), dir].map(readError);
      expect(errors.map((e) => (e as { code: string }).code)).toEqual(['ENOENT', 'ENOTDIR', 'EISDIR']);
      expect([...errors, new Error('disk on fire'), null].map(isMissingPathError)).toEqual([
        true,
        true,
        false,
        false,
        false,
      ]);
      expect(unreadableFileReason(errors[1])).toBe('does not exist');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('names that are not valid UTF-8', () => {
  // Node reads such a name (Latin-1 café.txt: 63 61 66 e9) with U+FFFD for each odd byte, a name no file has.
  it('a missing path holding U+FFFD is not merely "does not exist": it says the name may not be UTF-8, and to rename it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'spanfill-file-errors-'));
    try {
      const reason = unreadableFileReason(readError(join(dir, 'caf\ufffd.txt')));
      expect(reason).toMatch(/^does not exist by this name; if the name on disk is not valid UTF-8/);
      expect(reason).toContain('rename it to UTF-8');
      expect(reason).toContain('convmv');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the note for files read by their bytes names them, says so and how to rename them', () => {
    const one = notUtf8NamesNote(['/d/caf\ufffd.txt']);
    expect(one).toMatch(/^The name of \/d\/caf\ufffd\.txt is not valid UTF-8 /);
    expect(one).toContain('rename it to UTF-8');
    const many = notUtf8NamesNote(['/d/a\ufffd', '/d/b\ufffd', '/d/c\ufffd', '/d/d\ufffd']);
    expect(many).toMatch(/^The names of 4 files \(\/d\/a\ufffd, \/d\/b\ufffd, \/d\/c\ufffd, …\) are not valid UTF-8 /);
    expect(many).toContain('rename them to UTF-8');
  });
});
