// Files under the data directory: atomic replacement and paths that cannot escape it.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { dataPath, writeFileAtomic } from '../../../src/main/store/files';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe('writeFileAtomic', () => {
  it('creates folders, replaces content and leaves no temporary files', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spanfill-files-'));
    dirs.push(dir);
    const file = path.join(dir, 'runs', 'r1', 'state.bin');
    await writeFileAtomic(file, new Uint8Array([1, 2, 3]));
    await writeFileAtomic(file, 'second');
    expect(fs.readFileSync(file, 'utf8')).toBe('second');
    expect(fs.readdirSync(path.dirname(file))).toEqual(['state.bin']);
  });
});

describe('dataPath', () => {
  it('resolves inside the data directory and refuses escapes', () => {
    expect(dataPath('/data', 'checkpoints', 'r1')).toBe(path.resolve('/data/checkpoints/r1'));
    expect(() => dataPath('/data', '..', 'etc')).toThrow(/outside the data directory/);
    expect(() => dataPath('/data', '/etc/passwd')).toThrow(/outside the data directory/);
  });
});
