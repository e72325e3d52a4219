// Why a file could not be read, in words, from the error Node gives.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isMissingPathError, unreadableFileReason } from '../../src/shared/fileErrors';

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
