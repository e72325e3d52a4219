// Caps over all uploads of `spanfill serve`: how many may be open at once, and the free disk a
// chunk must leave, so that uploads from any number of tabs or clients cannot fill the disk the
// data directory lies on. Each refusal writes nothing and says what to do.

import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { errorOf, tree, useUploadServer } from './uploadBench';

const few = useUploadServer({ maxOpenUploads: 2 });
/** More free bytes to keep than any disk has: every chunk meets a full disk. */
const full = useUploadServer({ keepFreeBytes: 2 ** 50 });

describe('open uploads', () => {
  it('refuses one more than may be open at once, saying what to do; the open ones go on', async () => {
    const abc = Buffer.from('abc');
    expect((await few.put('open-cap-1', 'a.txt', 0, 6, abc)).status).toBe(200);
    expect((await few.put('open-cap-2', 'a.txt', 0, 3, abc)).status).toBe(200);
    const refused = await few.put('open-cap-3', 'a.txt', 0, 3, abc);
    expect(refused.status).toBe(429);
    expect(errorOf(refused)).toBe(
      'This server has 2 uploads open, the most it takes at once. Let one finish or cancel one, then try again. ' +
        'An upload a tab closed part-way counts until 1 min after the last of it arrived.',
    );
    expect(fs.existsSync(path.join(few.uploadsDir, 'open-cap-3'))).toBe(false);
    // An open upload still takes its next chunk.
    expect((await few.put('open-cap-1', 'a.txt', 3, 6, abc)).status).toBe(200);
    // One deleted (imported, or cancelled) makes room for another.
    expect((await few.send('DELETE', '/upload/open-cap-2')).status).toBe(200);
    expect((await few.put('open-cap-3', 'a.txt', 0, 3, abc)).status).toBe(200);
  });
});

describe('free disk', () => {
  it('refuses a chunk that would leave too little free, writing nothing, and says what to do', async () => {
    const before = tree(full.uploadsDir);
    const refused = await full.put('disk-cap-1', 'a.txt', 0, 300, Buffer.from('abc'));
    expect(refused.status).toBe(507);
    const message = errorOf(refused);
    expect(message).toMatch(
      new RegExp(
        `^Not enough free disk space for this upload: the disk of the data directory \\(${escape(path.join(full.root, 'data'))}\\) has .+ free, ` +
          'and the upload needs 300 bytes more, with 1024\\.0 TiB left free for the import and for training\\. ',
      ),
    );
    expect(message).toContain('import the files by their path on the machine running Spanfill');
    expect(tree(full.uploadsDir)).toEqual(before);
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
