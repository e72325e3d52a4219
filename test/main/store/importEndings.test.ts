// The notes of how imports without a dataset ended: read back as written (a failure with its
// reason, a cancel), none where there is no note or one of another version; a note older than
// ENDING_KEPT_MS goes as a later one is written, so the folder does not grow with every import.

import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ENDING_KEPT_MS, ImportEndings } from '../../../src/main/store/importEndings';
import { tempDirs } from '../../support/tmp';

const tempDir = tempDirs('spanfill-import-endings-');

describe('ImportEndings', () => {
  it('reads back how each import ended, and nothing for one never noted', () => {
    const endings = new ImportEndings(tempDir());
    endings.note('ds-failed', { outcome: 'failed', reason: 'photo.txt looks like a binary file' });
    endings.note('ds-cancelled', { outcome: 'cancelled' });
    expect(endings.read('ds-failed')).toEqual({ outcome: 'failed', reason: 'photo.txt looks like a binary file' });
    expect(endings.read('ds-cancelled')).toEqual({ outcome: 'cancelled' });
    expect(endings.read('ds-never')).toBeUndefined();
  });

  it('reads no ending from a note of another version or shape (a later Spanfill wrote it)', () => {
    const dataDir = tempDir();
    const folder = path.join(dataDir, 'imports-ended');
    fs.mkdirSync(folder);
    fs.writeFileSync(path.join(folder, 'ds-later.json'), JSON.stringify({ version: 2, outcome: 'cancelled' }));
    fs.writeFileSync(path.join(folder, 'ds-odd.json'), JSON.stringify({ version: 1, outcome: 'failed' }));
    fs.writeFileSync(path.join(folder, 'ds-cut.json'), '{"version": 1, "outc');
    const endings = new ImportEndings(dataDir);
    expect([endings.read('ds-later'), endings.read('ds-odd'), endings.read('ds-cut')]).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
  });

  it('deletes the notes older than it keeps them as another is written, and keeps the recent ones', () => {
    const dataDir = tempDir();
    const endings = new ImportEndings(dataDir);
    const start = Date.now();
    endings.note('ds-old', { outcome: 'cancelled' }, start);
    endings.note('ds-recent', { outcome: 'cancelled' }, start);
    const folder = path.join(dataDir, 'imports-ended');
    const old = new Date(start - ENDING_KEPT_MS - 1000);
    fs.utimesSync(path.join(folder, 'ds-old.json'), old, old);
    endings.note('ds-new', { outcome: 'failed', reason: 'the disk is full' }, start);
    expect(fs.readdirSync(folder).sort()).toEqual(['ds-new.json', 'ds-recent.json']);
  });

  it('writes no note, and does not throw, where its folder cannot be made', () => {
    const dataDir = tempDir();
    fs.writeFileSync(path.join(dataDir, 'imports-ended'), 'a file in the way');
    const endings = new ImportEndings(dataDir);
    expect(() => endings.note('ds-1', { outcome: 'cancelled' })).not.toThrow();
    expect(endings.read('ds-1')).toBeUndefined();
  });
});
