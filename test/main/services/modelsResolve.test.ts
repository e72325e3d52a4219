// What a model argument names (src/main/services/modelsResolve.ts), offline: a built-in model
// written out under the data directory, a folder by its full path only, a registered model by
// its id or its name (two of one name ask for the id), a registered folder that is gone said
// so with what to do, and a run's or a dataset's id given as a model said to be one. Through
// the models service, and ModelLookup directly over rows put in the store.

import { cpSync, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../src/shared/errors';
import { runConfigSchema } from '../../../src/shared/contract/runs';
import { ModelLookup } from '../../../src/main/services/modelsResolve';
import { openStore } from '../../../src/main/store/db';
import { DatasetRepository } from '../../../src/main/store/datasets';
import { ModelRepository, type NewModelRow } from '../../../src/main/store/models';
import { RunRepository } from '../../../src/main/store/runs';
import { FIXTURE, modelsTestKit, REPO, rejection } from './models-support';

const { setup, tempDir, cleanup } = modelsTestKit();

describe('ModelService.resolve', () => {
  it('resolves builtin:byt5-tiny to its folder written under the data directory, and refuses an unknown one by name', async () => {
    const { dataDir, service } = await setup();
    const builtin = service.resolve('builtin:byt5-tiny');
    expect(builtin).toEqual({ path: path.join(dataDir, 'models', 'builtin', 'byt5-tiny'), modelId: null });
    expect(existsSync(path.join(builtin.path, 'config.json'))).toBe(true);
    expect(existsSync(path.join(builtin.path, 'tokenizer.json'))).toBe(true);
    const unknown = await rejection(Promise.resolve().then(() => service.resolve('builtin:nope')));
    expect(unknown.code).toBe('invalid_input');
    expect(unknown.message).toContain("Unknown built-in model 'builtin:nope'");
    expect(() => service.remove('builtin:byt5-tiny')).toThrow(
      new ApiError(
        'invalid_argument',
        'builtin:byt5-tiny is built into Spanfill, not a registered model: there is nothing to remove (its files are written out under the data directory when used)',
      ),
    );
  });

  it("resolves a folder by its full path only, never from this process's working folder", async () => {
    const { service } = await setup();
    const folder = path.relative(process.cwd(), path.join(__dirname, '../../fixtures/t5/t5-tiny-spm'));
    expect(existsSync(folder)).toBe(true);
    expect(service.resolve(path.resolve(folder))).toEqual({ path: path.resolve(folder), modelId: null });
    expect(() => service.resolve(folder)).toThrow(expect.objectContaining({ code: 'not_found' }));
  });

  it("says when what was given as a model is a training run's or a dataset's id", async () => {
    const { service, store } = await setup();
    new DatasetRepository(store.db).create({ id: 'ds-1', name: 'notes', sourcePath: '/n', importingPid: 0 });
    const config = runConfigSchema.parse({ datasetId: 'ds-1', model: 'builtin:byt5-tiny', maxSteps: 10 });
    new RunRepository(store.db).add({ id: 'r-1', name: 'x', config, totalSteps: 10, status: 'queued' });
    expect(() => service.resolve('r-1')).toThrow(
      new ApiError(
        'not_found',
        'No model "r-1": that is a training run\'s id. Its checkpoints are model folders: ' +
          '`spanfill runs show r-1` lists them, and `spanfill fill --run r-1` fills with its best',
      ),
    );
    expect(() => service.resolve('ds-1')).toThrow(
      new ApiError(
        'not_found',
        'No model "ds-1": that is a dataset\'s id, not a registered id or name, a folder, or a repository in ' +
          'the cache; `spanfill models list` shows the ids and `spanfill models pull OWNER/NAME` downloads one',
      ),
    );
    expect(() => service.resolve('m-nope')).toThrow(/^No model "m-nope": not a registered id or name, /);
  });

  it('resolves a registered model by the name given to it, and asks for the id when two share it', async () => {
    const { service } = await setup();
    const first = path.join(tempDir(), 'first');
    const second = path.join(tempDir(), 'second');
    for (const folder of [first, second]) cpSync(FIXTURE, folder, { recursive: true });
    const model = await service.import({ path: first, name: 'tuned tiny' });
    expect(service.resolve('tuned tiny')).toEqual({ path: first, modelId: model.id });
    // Two of one name: registered before names were kept distinct (an import now numbers it).
    const twin = service.repo.add(modelRow('m-twin0001', 'tuned tiny', { path: second }));
    expect(() => service.resolve('tuned tiny')).toThrow(
      new ApiError(
        'conflict',
        `2 models are named "tuned tiny" (${model.id}, ${twin.id}); give one id (\`spanfill models list\` shows which is which)`,
      ),
    );
    expect(service.resolve(twin.id)).toEqual({ path: second, modelId: twin.id });
    // Removal takes the name too, once it names one model.
    expect(() => service.remove('tuned tiny')).toThrow(/^2 models are named "tuned tiny"/);
    expect(service.remove(twin.id)).toMatchObject({ id: twin.id });
    expect(service.remove('tuned tiny')).toMatchObject({ id: model.id, deletedPath: null });
    expect(existsSync(first)).toBe(true);
  });

  it('names the model and what to do when its folder is no longer where it was registered', async () => {
    const { service } = await setup();
    const folder = path.join(tempDir(), 'tiny');
    cpSync(FIXTURE, folder, { recursive: true });
    const model = await service.import({ path: folder, name: 'tiny' });
    renameSync(folder, `${folder}-moved`);
    const gone = new ApiError(
      'not_found',
      `Model ${model.id} ("tiny") is registered at ${folder}, which is no longer there (moved or deleted); ` +
        `put the folder back, or forget it (\`spanfill models rm ${model.id}\`) and import it from where it is now`,
    );
    for (const given of [model.id, 'tiny']) expect(() => service.resolve(given)).toThrow(gone);
    expect(service.remove(model.id)).toMatchObject({ id: model.id, deletedPath: null });
    // A pulled one whose snapshot was deleted by hand is downloaded again.
    const pulled = (await service.pull({ repoId: REPO })).model;
    rmSync(pulled.path, { recursive: true });
    expect(() => service.resolve(pulled.id)).toThrow(
      `Model ${pulled.id} ("${REPO}") is registered at ${pulled.path}, which is no longer there (moved or deleted); ` +
        `\`spanfill models pull ${REPO}\` downloads it again`,
    );
  });
});

describe('model names that another reading would shadow, and removal by the same road', () => {
  it('refuses a name that is another model\'s id, a built-in or from-scratch name, or holds a "/"', async () => {
    const { service } = await setup();
    const [first, second] = [path.join(tempDir(), 'first'), path.join(tempDir(), 'second')];
    for (const folder of [first, second]) cpSync(FIXTURE, folder, { recursive: true });
    const model = await service.import({ path: first });
    const refusals: [string, string][] = [
      [
        'builtin:byt5-tiny',
        'A model cannot be named "builtin:byt5-tiny": names starting with "builtin:" are Spanfill\'s own models, ' +
          'which --model reads first; choose another name',
      ],
      ['preset:tiny', 'names starting with "preset:" are Spanfill\'s own models'],
      [
        'bytes',
        'A model cannot be named "bytes": it names the byte-level tokenizer wherever a tokenizer is named ' +
          '(mask --model, --tokenizer), which reads it before model names; choose another name',
      ],
      [
        'google/flan-t5-small',
        'A model name cannot hold "/" ("google/flan-t5-small"): --model reads OWNER/NAME as a Hub repository and /… ' +
          'as a folder before it reads names; choose another, e.g. "google-flan-t5-small"',
      ],
      ['a/b/c', 'cannot hold "/"'],
      [model.id, `${model.id} is the id of another model; a model named so could not be found by its name`],
    ];
    for (const [name, message] of refusals) {
      const refused = await rejection(service.import({ path: second, name }));
      expect(refused.code).toBe('invalid_argument');
      expect(refused.message).toContain(message);
    }
    // A folder called so gives its name only when none is given: then too.
    const bytes = path.join(tempDir(), 'bytes');
    cpSync(FIXTURE, bytes, { recursive: true });
    const unnamed = await rejection(service.import({ path: bytes }));
    expect(unnamed.message).toContain('A model cannot be named "bytes"');
    expect((await service.import({ path: bytes, name: 'bytes model' })).name).toBe('bytes model');
    expect(service.list().map((m) => m.name)).toEqual(['first', 'bytes model']);
    expect((await service.import({ path: second, name: 'flan t5: small (mine)' })).name).toBe('flan t5: small (mine)');
  });

  it('removes what --model names: a built-in name is never a registered row, a repository id its pulled model', async () => {
    const { service, store, dataDir } = await setup();
    const pulled = (await service.pull({ repoId: REPO })).model;
    // Rows an older version let through, named as a built-in model and as the pulled repository.
    const repo = new ModelRepository(store.db);
    const folder = path.join(tempDir(), 'old');
    cpSync(FIXTURE, folder, { recursive: true });
    repo.add(modelRow('m-builtin', 'builtin:byt5-tiny', { path: `${folder}-gone` }));
    repo.add(modelRow('m-repo', REPO, { path: folder, source: `${folder}-x` }));
    expect(service.resolve('builtin:byt5-tiny').path).toBe(path.join(dataDir, 'models', 'builtin', 'byt5-tiny'));
    expect(() => service.remove('builtin:byt5-tiny')).toThrow(
      /^builtin:byt5-tiny is built into Spanfill, not a registered model/,
    );
    expect(service.resolve(REPO).modelId).toBe(pulled.id);
    expect(service.remove(REPO)).toMatchObject({ id: pulled.id });
    expect(
      service
        .list()
        .map((m) => m.id)
        .sort(),
    ).toEqual(['m-builtin', 'm-repo']);
    // A full folder path removes the model registered there; a folder none is registered from is said so.
    expect(service.remove('m-builtin')).toMatchObject({ id: 'm-builtin' });
    expect(service.remove(folder)).toMatchObject({ id: 'm-repo', deletedPath: null });
    expect(() => service.remove(FIXTURE)).toThrow(
      new ApiError(
        'not_found',
        `${FIXTURE} is a folder no model is registered from; \`spanfill models list\` shows the ids`,
      ),
    );
    expect(existsSync(folder)).toBe(true);
  });
});

/** A row as the models service would register it (the fields resolving does not read left plain). */
function modelRow(id: string, name: string, fields: Partial<NewModelRow> & Pick<NewModelRow, 'path'>): NewModelRow {
  const row: NewModelRow = {
    id,
    name,
    kind: 'base',
    source: fields.path,
    source_kind: 'folder',
    revision: null,
    commit_sha: null,
    size_bytes: 0,
    model_type: 't5',
    parameter_count: null,
    config_json: '{}',
    ...fields,
  };
  return row;
}

describe('ModelLookup', () => {
  function lookupOn(dataDir: string) {
    const store = openStore(dataDir);
    cleanup.push(() => store.close());
    const repo = new ModelRepository(store.db);
    const runs = new RunRepository(store.db);
    const lookup = new ModelLookup({ store, dataDir, repo, runs, cacheRoot: path.join(dataDir, 'models', 'hub') });
    return { lookup, repo };
  }

  it("finds a row's folder from its stored path, by id or by name, with no models service", () => {
    const dataDir = tempDir();
    const { lookup, repo } = lookupOn(dataDir);
    const imported = path.join(tempDir(), 'mine');
    mkdirSync(imported);
    const folderRow = repo.add(modelRow('m-folder1', 'mine', { path: imported }));
    // A pulled snapshot's path is stored relative to the data directory.
    const snapshot = path.join('models', 'hub', 'org--x', 'snapshots', 'abc');
    mkdirSync(path.join(dataDir, snapshot), { recursive: true });
    const hubRow = repo.add(
      modelRow('m-hub0001', 'org/x', { path: snapshot, source: 'org/x', source_kind: 'hub', commit_sha: 'abc' }),
    );
    expect(lookup.pathOf(folderRow)).toBe(imported);
    expect(lookup.pathOf(hubRow)).toBe(path.join(dataDir, snapshot));
    expect(lookup.resolve('m-folder1')).toEqual({ path: imported, modelId: 'm-folder1' });
    expect(lookup.resolve('mine')).toEqual({ path: imported, modelId: 'm-folder1' });
    expect(lookup.resolve('m-hub0001')).toEqual({ path: path.join(dataDir, snapshot), modelId: 'm-hub0001' });
    expect(lookup.byName('mine')?.id).toBe('m-folder1');
    expect(lookup.byName('nobody')).toBeUndefined();
    const twin = path.join(tempDir(), 'mine');
    mkdirSync(twin);
    repo.add(modelRow('m-folder2', 'mine', { path: twin }));
    expect(() => lookup.byName('mine')).toThrow(
      new ApiError(
        'conflict',
        '2 models are named "mine" (m-folder1, m-folder2); give one id (`spanfill models list` shows which is which)',
      ),
    );
  });

  it('says a pulled snapshot that is gone is downloaded again, and names nothing it does not know', () => {
    const dataDir = tempDir();
    const { lookup, repo } = lookupOn(dataDir);
    const stored = path.join('models', 'hub', 'org--gone', 'snapshots', 'def');
    repo.add(modelRow('m-gone001', 'org/gone', { path: stored, source: 'org/gone', source_kind: 'hub' }));
    expect(() => lookup.resolve('m-gone001')).toThrow(
      new ApiError(
        'not_found',
        `Model m-gone001 ("org/gone") is registered at ${path.join(dataDir, stored)}, which is no longer there ` +
          '(moved or deleted); `spanfill models pull org/gone` downloads it again',
      ),
    );
    expect(() => lookup.resolve('org/unknown')).toThrow(
      new ApiError(
        'not_found',
        'No model "org/unknown": not a registered id or name, a folder, or a repository in the cache; ' +
          '`spanfill models list` shows the ids and `spanfill models pull OWNER/NAME` downloads one',
      ),
    );
  });
});
