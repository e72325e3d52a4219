// The data directory's exports/ folder holds each export in a folder of its own: an export
// straight into exports/ itself (not yet made, empty, or through a link to it; forced or not) is
// refused, saying to name a new folder inside it, and nothing is written there; one inside it
// is fine. Written there, a model's files would mix with the other exports, and every later
// export under exports/ would be refused as inside that earlier export.

import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runsServiceKit } from './runs-support';

const SPM = path.join(__dirname, '../../fixtures/t5/t5-tiny-spm');
const { tempDir, open } = runsServiceKit();

describe('an export into the data directory’s exports folder itself', () => {
  it('is refused, forced or not, saying to name a folder inside it; a folder inside it is fine', async () => {
    const dir = tempDir();
    const data = path.join(dir, 'data');
    const app = open(data);
    const exports = path.join(data, 'exports');
    const refused = async (out: string, force: boolean): Promise<void> => {
      await expect(app.export.run({ sourceDir: SPM, format: 'hf', out, force })).rejects.toMatchObject({
        code: 'invalid_input',
        message:
          `${path.resolve(out)} is Spanfill's exports folder, which keeps each export in a folder of its own; name a new ` +
          `folder inside it (such as ${path.join(exports, 'my-export')}) or export to a folder outside the data directory`,
      });
    };
    // Not made yet, then made and empty, then through a link to it and with a trailing separator
    // (named as a full path, as every refusal names it).
    for (const force of [false, true]) await refused(exports, force);
    expect(fs.existsSync(exports)).toBe(false);
    fs.mkdirSync(exports);
    fs.symlinkSync(exports, path.join(dir, 'exports-link'));
    for (const out of [exports, path.join(dir, 'exports-link'), `${exports}${path.sep}`])
      for (const force of [false, true]) await refused(out, force);
    expect(fs.readdirSync(exports)).toEqual([]);
    expect(fs.readdirSync(data).filter((name) => name.startsWith('.'))).toEqual([]);
    const result = await app.export.run({
      sourceDir: SPM,
      format: 'hf',
      out: path.join(exports, 'tiny'),
      force: false,
    });
    expect(result.files).toContain('model.safetensors');
  }, 60_000);
});
