// A forced export removes only the earlier export's own files: a folder whose
// spanfill-export.json lists a path outside it (`../keep.txt`, at that file's size) is no
// earlier export, so it is refused like any other non-empty folder and the file outside stays.
// Over the real services (app.ts wires the export service).

import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runsServiceKit } from './runs-support';

const SPM = path.join(__dirname, '../../fixtures/t5/t5-tiny-spm');
const { tempDir, open } = runsServiceKit();

describe('a forced export into a folder whose manifest lists files outside it', () => {
  it('is refused as a non-empty folder, saying what to do, and deletes nothing', async () => {
    const victim = tempDir();
    const app = open(path.join(victim, 'data'));
    fs.writeFileSync(path.join(victim, 'keep.txt'), 'keep this');
    const out = path.join(victim, 'exp');
    fs.mkdirSync(out);
    const files = ['../keep.txt', '.././keep.txt', 'a/../../keep.txt'].map((listed) => ({ path: listed, bytes: 9 }));
    const manifest = { spanfill_export: 1, format: 'hf', source: 'x', written_at: '2024-01-01T00:00:00Z', files };
    fs.writeFileSync(path.join(out, 'spanfill-export.json'), JSON.stringify(manifest));
    await expect(app.export.run({ sourceDir: SPM, format: 'hf', out, force: true })).rejects.toMatchObject({
      code: 'invalid_input',
      message:
        `${out} is not an earlier Spanfill export, so Spanfill never replaces it: it holds spanfill-export.json ` +
        'and a spanfill-export.json that lists "../keep.txt", not a plain path inside the folder, so no Spanfill ' +
        'export wrote it. Choose an empty or new folder, or move those files away yourself',
    });
    expect(fs.readFileSync(path.join(victim, 'keep.txt'), 'utf8')).toBe('keep this');
    expect(fs.readdirSync(out)).toEqual(['spanfill-export.json']);
  });
});
