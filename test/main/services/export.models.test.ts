// An export never deletes a registered model: a destination that is, holds or lies inside a
// model's folder (say an earlier export imported with `spanfill models import`, which a run may be
// training from) is refused, forced or not, by the model's name and id and what to do, before
// anything is written and before the app could offer to replace it. Paths compare by their real
// path, so a link to the folder is the folder. Over the real services (app.ts wires the models in).

import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runsServiceKit } from './runs-support';

const SPM = path.join(__dirname, '../../fixtures/t5/t5-tiny-spm');
const { tempDir, open } = runsServiceKit();

describe("export to a registered model's folder", () => {
  it('is refused, forced or not, naming the model and how to remove it, and the model stays whole', async () => {
    const dir = tempDir();
    const app = open(path.join(dir, 'data'));
    const folder = path.join(dir, 'ex', 'q5');
    await app.export.run({ sourceDir: SPM, format: 'hf', out: folder, force: false });
    const model = await app.models.import({ path: folder, name: 'q5a' });
    const before = fs.readdirSync(folder).sort();
    fs.symlinkSync(folder, path.join(dir, 'link'));
    const cases: [string, string][] = [
      [folder, 'is'],
      [path.join(dir, 'link'), 'is'],
      [path.join(dir, 'ex'), 'holds'],
      [path.join(folder, 'sub'), 'is inside'],
    ];
    for (const [out, how] of cases)
      for (const force of [false, true])
        await expect(app.export.run({ sourceDir: SPM, format: 'transformers.js', out, force })).rejects.toMatchObject({
          code: 'invalid_input',
          message:
            `${out} ${how} the folder of model 'q5a' (${model.id}, ${folder}); remove the model from Spanfill ` +
            `first (Remove on the Models screen, or \`spanfill models rm ${model.id}\`: the folder stays), or ` +
            'export to another folder',
        });
    expect(fs.readdirSync(folder).sort()).toEqual(before);
    expect(before).toContain('model.safetensors');
    // Removed from Spanfill, its folder is an earlier export again, replaced when forced.
    app.models.remove(model.id);
    const result = await app.export.run({ sourceDir: SPM, format: 'transformers.js', out: folder, force: true });
    expect(result.files).toContain('onnx/encoder_model.onnx');
  }, 60_000);
});
