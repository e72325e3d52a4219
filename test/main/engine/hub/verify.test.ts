// ETag forms and the digests they promise: sha256 for LFS files, the git blob id otherwise
// (expected ids from `git hash-object`, sha256 from `sha256sum`).

import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { digestFile, expectedDigest } from '../../../../src/main/engine/hub/verify';
import { tempDirs } from '../../../support/tmp';

const tempDir = tempDirs('spanfill-verify-');

describe('expectedDigest / digestFile', () => {
  it('reads quoted, weak and bare ETags', () => {
    const sha = 'a'.repeat(64);
    expect(expectedDigest(`"${sha}"`)).toEqual({ kind: 'sha256', hex: sha });
    expect(expectedDigest(`W/"${'B'.repeat(40)}"`)).toEqual({ kind: 'git-sha1', hex: 'b'.repeat(40) });
    expect(expectedDigest('"d41d8cd98f00b204e9800998ecf8427e-2"').kind).toBe('none');
  });

  it('hashes a file the way git and sha256sum do', async () => {
    const file = path.join(tempDir(), 'hello');
    writeFileSync(file, 'hello');
    // printf hello | git hash-object --stdin ; printf hello | sha256sum
    const gitId = 'b6fc4c620b67d95f953a5c1c1230aaab5db5a1b0';
    const sha256 = '2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824';
    expect(await digestFile(file, expectedDigest(`"${gitId}"`), 5)).toBe(gitId);
    expect(await digestFile(file, expectedDigest(`"${sha256}"`), 5)).toBe(sha256);
  });
});
