// A model folder damaged since it was registered, as models.list and models.show say it (the
// Models screen, the Train and Playground pickers read `problem`): what loading it would meet and
// what mends it, by where it came from; a Hub model pulled again is whole again (the same model);
// a folder that has gone is missing, not damaged; the built-in model once written out.
import { cpSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURE, modelsTestKit, REPO } from './models-support';

const { setup, tempDir } = modelsTestKit();

/** Cuts the last 1000 bytes off the weights in `dir`. */
function truncateWeights(dir: string): void {
  const weights = path.join(dir, 'model.safetensors');
  truncateSync(weights, statSync(weights).size - 1000);
}

const TRUNCATED =
  /model\.safetensors: tensor '.*' ends at data byte \d+ but the file has \d+ data bytes; the file is truncated or corrupt$/;

describe('a damaged model folder in models.list and models.show', () => {
  it('an imported folder: what is wrong and how to mend it; one that reads has none', async () => {
    const { service } = await setup();
    const [cut, broken] = ['cut', 'broken'].map((name) => path.join(tempDir(), name));
    const models = [];
    for (const folder of [cut, broken]) {
      cpSync(FIXTURE, folder, { recursive: true });
      models.push(await service.import({ path: folder, name: path.basename(folder) }));
    }
    expect(models.map((m) => m.problem)).toEqual([null, null]);
    truncateWeights(cut);
    writeFileSync(path.join(broken, 'config.json'), '{bad');
    const listed = service.list();
    expect(listed.map((m) => m.name)).toEqual(['cut', 'broken']);
    const [cutId, brokenId] = [models[0].id, models[1].id];
    expect(listed[0].problem?.message).toMatch(TRUNCATED);
    expect(listed.map((m) => m.problem?.kind)).toEqual(['damaged', 'damaged']);
    expect(listed[0].problem?.action).toBe(
      `Mend or replace the files in ${cut} (copy the model there again), or remove it from Spanfill ` +
        `(Remove on the Models screen, or \`spanfill models rm ${cutId}\`): the folder is left as it is.`,
    );
    expect(listed[1].problem?.message).toMatch(new RegExp(`^${broken}/config\\.json is not valid JSON`));
    expect(service.show(brokenId).problem).toEqual(listed[1].problem);
    expect(service.show('cut').problem).toEqual(listed[0].problem);
  });

  it('a folder whose config.json was replaced by one of another shape: its weights do not fit it', async () => {
    const { service } = await setup();
    const folder = path.join(tempDir(), 'swapped');
    cpSync(FIXTURE, folder, { recursive: true });
    const model = await service.import({ path: folder });
    const configPath = path.join(folder, 'config.json');
    const config = JSON.parse(readFileSync(configPath, 'utf8')) as Record<string, unknown>;
    writeFileSync(configPath, JSON.stringify({ ...config, d_model: 64, num_layers: 3 }));
    const [listed] = service.list();
    expect(listed.problem?.message).toMatch(
      new RegExp(`^Weights in ${folder} do not match its config\\.json \\(d_model 64, 3 encoder \\+ .*\\n  missing`),
    );
    expect(listed.problem?.action).toMatch(/^Mend or replace the files in /);
    expect(service.show(model.id).problem).toEqual(listed.problem);
  });

  it('a folder that has gone is missing, not damaged', async () => {
    const { service } = await setup();
    const folder = path.join(tempDir(), 'm');
    cpSync(FIXTURE, folder, { recursive: true });
    await service.import({ path: folder, name: 'm' });
    rmSync(folder, { recursive: true });
    expect(service.list()[0]).toMatchObject({ isAvailable: false, problem: null });
    expect(service.show('m')).toMatchObject({ isAvailable: false, problem: null });
  });

  it('a Hub model: pull it again, which fetches the damaged file anew and keeps the same model', async () => {
    const { service } = await setup();
    const { model } = await service.pull({ repoId: REPO });
    truncateWeights(model.path);
    const [listed] = service.list();
    expect(listed.problem?.message).toMatch(TRUNCATED);
    expect(listed.problem?.action).toBe(
      `Pull it again to fetch the damaged files anew: \`spanfill models pull ${REPO}\` (on the Models screen, ` +
        `download ${REPO}). If it is still damaged, remove it (Remove on the Models screen, or \`spanfill models rm ${model.id}\`) and pull it again.`,
    );
    const again = await service.pull({ repoId: REPO });
    expect(again.model).toMatchObject({ id: model.id, problem: null });
    expect(again.downloadedBytes).toBeGreaterThan(0);
    expect(service.show(REPO).problem).toBeNull();
  });

  it('the built-in model once written out: delete its folder, which is written out again', async () => {
    const { service } = await setup();
    expect(service.show('builtin:byt5-tiny').problem).toBeNull(); // not written out yet
    const folder = service.resolve('builtin:byt5-tiny').path;
    expect(service.show('builtin:byt5-tiny').problem).toBeNull();
    truncateWeights(folder);
    expect(service.show('builtin:byt5-tiny').problem).toEqual({
      kind: 'damaged',
      message: expect.stringMatching(TRUNCATED) as unknown as string,
      action: `Delete the folder ${folder}: Spanfill writes it out again when the model is next used.`,
    });
  });
});
