// Models service over a real store and the local stand-in Hub: a pull registers a verified
// snapshot with its source and type and emits progress; REPO_ID resolves to the cached folder
// with the Hub stopped; imports go through the loaders (their errors shown); removal deletes
// a pulled snapshot but never an imported folder; cache usage and the from-scratch starting
// points; cancel; the stored token; a run's or a dataset's id given as a model said to be one.

import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiError } from '../../../src/shared/errors';
import type { EventMap, EventName } from '../../../src/shared/events';
import { EventBus } from '../../../src/main/services/events';
import { FileTokenStore } from '../../../src/main/services/hub-token';
import { modelHandlers, ModelService } from '../../../src/main/services/models';
import { openStore } from '../../../src/main/store/db';
import { DatasetRepository } from '../../../src/main/store/datasets';
import { RunRepository } from '../../../src/main/store/runs';
import { runConfigSchema } from '../../../src/shared/contract/runs';
import { deadPid } from '../../support/processes';
import { startTestHub, type TestHub } from '../../support/hub-server';
import { tempDirs } from '../../support/tmp';
import { elementCount } from '../../../src/main/engine/shape';

const FIXTURE = path.join(__dirname, '../../fixtures/t5/t5-tiny-spm');
const REPO = 'tiny-org/t5-tiny-spm';
const tempDir = tempDirs('spanfill-models-');
const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

/** Parameters of the fixture, summed from its safetensors header (it stores no tied aliases). */
function fixtureParameters(): number {
  const bytes = readFileSync(path.join(FIXTURE, 'model.safetensors'));
  const header = JSON.parse(bytes.subarray(8, 8 + Number(bytes.readBigUInt64LE(0))).toString()) as Record<
    string,
    { shape?: number[] }
  >;
  return Object.values(header).reduce((sum, t) => sum + elementCount(t.shape ?? [0]), 0);
}

async function setup(options: { token?: string; env?: NodeJS.ProcessEnv } = {}) {
  const hub: TestHub = await startTestHub({ repoId: REPO, folder: FIXTURE, token: options.token });
  const dataDir = tempDir();
  const store = openStore(dataDir);
  const events = new EventBus();
  const seen: { event: EventName; payload: unknown }[] = [];
  events.subscribe(<E extends EventName>(event: E, payload: EventMap[E]) => void seen.push({ event, payload }));
  cleanup.push(
    () => store.close(),
    () => hub.close(),
  );
  const deps = { store, dataDir, events };
  const service = new ModelService(deps, { env: { HF_ENDPOINT: hub.url, ...options.env } });
  return { hub, dataDir, store, service, seen, deps };
}

async function rejection(promise: Promise<unknown>): Promise<ApiError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ApiError);
  return error as ApiError;
}

describe('ModelService.pull', () => {
  it('registers the pulled snapshot with its source, size and type, and emits progress', async () => {
    const { hub, service, seen, dataDir } = await setup();
    const pulled = await service.pull({ repoId: REPO });
    const model = pulled.model;
    expect(model.source).toEqual({ kind: 'hub', repoId: REPO, revision: 'main', commit: hub.commit });
    expect(model.path.startsWith(path.join(dataDir, 'models', 'hub'))).toBe(true);
    expect(model).toMatchObject({
      name: REPO,
      modelType: 't5',
      parameterCount: fixtureParameters(),
      isAvailable: true,
    });
    expect(model.sizeBytes).toBe(pulled.downloadedBytes);
    expect(service.list()).toEqual([model]);
    const progress = seen
      .filter((s) => s.event === 'models.pullProgress')
      .map((s) => s.payload as EventMap['models.pullProgress']);
    expect(progress.length).toBeGreaterThan(0);
    expect(progress[progress.length - 1]).toMatchObject({ repoId: REPO, revision: 'main', bytesDone: model.sizeBytes });
    expect(
      seen.some((s) => s.event === 'models.statusChanged' && (s.payload as { status: string }).status === 'ready'),
    ).toBe(true);
    // A second pull finds the snapshot complete: nothing is downloaded, the same row comes back.
    const again = await service.pull({ repoId: REPO });
    expect(again).toMatchObject({ isFromCache: true, downloadedBytes: 0, model: { id: model.id } });
    expect(service.catalog().every((c) => c.modelId === null)).toBe(true);
  });

  it('resolves REPO_ID, REPO_ID@commit and the model id to the cached folder with the Hub stopped', async () => {
    const { hub, service } = await setup();
    const { model } = await service.pull({ repoId: REPO });
    await hub.close();
    expect(service.resolve(REPO)).toEqual({ path: model.path, modelId: model.id });
    expect(service.resolve(`${REPO}@${hub.commit}`).path).toBe(model.path);
    expect(service.resolve(model.id).path).toBe(model.path);
    const offline = await service.pull({ repoId: REPO, isOffline: true });
    expect(offline).toMatchObject({ isFromCache: true, model: { id: model.id } });
    expect(offline.offlineReason).toBeUndefined();
    // Not told to stay offline, the Hub out of reach: the cached snapshot, and why (as huggingface_hub does).
    const unreachable = await service.pull({ repoId: REPO });
    expect(unreachable).toMatchObject({ isFromCache: true, model: { id: model.id } });
    expect(unreachable.offlineReason).toMatch(/^Cannot download .* Check the connection and HF_ENDPOINT/);
    const missing = await rejection(Promise.resolve().then(() => service.resolve('tiny-org/other')));
    expect(missing.code).toBe('not_found');
    expect(missing.message).toContain('spanfill models pull');
    const down = await rejection(service.pull({ repoId: REPO, revision: 'v9' }));
    expect(down.code).toBe('remote_failed');
  });

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

  it('maps Hub answers and bad ids to the contract codes with their messages', async () => {
    const { service } = await setup({ token: 'hf_secret' });
    const refused = await rejection(service.pull({ repoId: REPO }));
    expect(refused.code).toBe('invalid_input');
    expect(refused.message).toContain('HTTP 401');
    const bad = await rejection(service.pull({ repoId: 'a b/c' }));
    expect(bad.code).toBe('invalid_argument');
    expect(bad.message).toContain('Invalid Hugging Face repository id');
    service.setToken('hf_secret');
    expect(service.tokenStatus().source).toBe('stored');
    expect((await service.pull({ repoId: REPO })).model.name).toBe(REPO);
  });

  it('cancels a running pull, keeping what arrived for the next one', async () => {
    const { service, deps } = await setup();
    const unsubscribe = deps.events.subscribe((event) => {
      if (event === 'models.pullProgress') service.cancelPull(REPO);
    });
    const cancelled = await rejection(service.pull({ repoId: REPO }));
    unsubscribe();
    expect(cancelled.code).toBe('cancelled');
    expect(service.list()).toEqual([]);
    expect(service.cancelPull(REPO)).toBe(false);
    const pulled = await service.pull({ repoId: REPO });
    expect(pulled.model.isAvailable).toBe(true);
  });
});

describe('ModelService.import / remove / cache', () => {
  it('imports a folder checked by the loaders and never deletes it on removal', async () => {
    const { service } = await setup();
    const folder = path.join(tempDir(), 'mine');
    cpSync(FIXTURE, folder, { recursive: true });
    const model = await service.import({ path: folder, name: 'mine' });
    expect(model).toMatchObject({
      name: 'mine',
      source: { kind: 'folder', path: folder },
      parameterCount: fixtureParameters(),
    });
    const twice = await rejection(service.import({ path: folder }));
    expect(twice.code).toBe('conflict');
    const relative = await rejection(service.import({ path: 'relative/path' }));
    expect(relative).toMatchObject({
      code: 'invalid_input',
      message: expect.stringMatching(/^relative\/path is not a full path/),
    });
    expect(service.remove(model.id)).toMatchObject({ freedBytes: 0, deletedPath: null });
    expect(existsSync(path.join(folder, 'model.safetensors'))).toBe(true);
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

  it('is not removed while a run trains from it (by id or folder), whose checkpoints copy its tokenizer', async () => {
    const { service, store } = await setup();
    const folder = path.join(tempDir(), 'base');
    cpSync(FIXTURE, folder, { recursive: true });
    const model = await service.import({ path: folder, name: 'base' });
    new DatasetRepository(store.db).create({ id: 'ds-1', name: 'notes', sourcePath: '/n', importingPid: 0 });
    const runs = new RunRepository(store.db);
    const conflict = (id: string) =>
      new ApiError(
        'conflict',
        `Run ${id} ("x") is training from model base; stop it first (or let it finish). ` +
          'Each checkpoint it saves copies the tokenizer files of the model it trains from.',
      );
    for (const [id, named] of [
      ['r-by-id', model.id],
      ['r-by-folder', folder],
    ]) {
      const config = runConfigSchema.parse({ datasetId: 'ds-1', model: named, maxSteps: 10 });
      runs.add({ id, name: 'x', config, totalSteps: 10, status: 'queued' });
      runs.setStatus(id, 'running', { ownerPid: process.pid });
      expect(() => service.remove(model.id)).toThrow(conflict(id));
      runs.setStatus(id, 'stopped');
    }
    // A run marked running whose process is gone does not hold it.
    const config = runConfigSchema.parse({ datasetId: 'ds-1', model: model.id, maxSteps: 10 });
    runs.add({ id: 'r-dead', name: 'x', config, totalSteps: 10, status: 'queued' });
    runs.setStatus('r-dead', 'running', { ownerPid: deadPid() });
    expect(service.remove(model.id)).toMatchObject({ id: model.id, freedBytes: 0 });
  });

  it('resolves a registered model by the name given to it, and asks for the id when two share it', async () => {
    const { service } = await setup();
    const first = path.join(tempDir(), 'first');
    const second = path.join(tempDir(), 'second');
    for (const folder of [first, second]) cpSync(FIXTURE, folder, { recursive: true });
    const model = await service.import({ path: first, name: 'tuned tiny' });
    expect(service.resolve('tuned tiny')).toEqual({ path: first, modelId: model.id });
    const twin = await service.import({ path: second, name: 'tuned tiny' });
    expect(() => service.resolve('tuned tiny')).toThrow(
      new ApiError(
        'invalid_argument',
        `2 models are called "tuned tiny" (${model.id}, ${twin.id}); give the id of one`,
      ),
    );
    expect(service.resolve(twin.id)).toEqual({ path: second, modelId: twin.id });
    // Removal takes the name too, once it names one model.
    expect(() => service.remove('tuned tiny')).toThrow(/2 models are called "tuned tiny"/);
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

  it('shows the loader errors for folders it cannot use', async () => {
    const { service } = await setup();
    const noTokenizer = path.join(tempDir(), 'no-tok');
    cpSync(FIXTURE, noTokenizer, { recursive: true });
    rmSync(path.join(noTokenizer, 'tokenizer.json'));
    const error = await rejection(service.import({ path: noTokenizer }));
    expect(error.code).toBe('invalid_input');
    expect(error.message).toContain('has no tokenizer.json');
    const noWeights = path.join(tempDir(), 'no-weights');
    cpSync(FIXTURE, noWeights, { recursive: true });
    rmSync(path.join(noWeights, 'model.safetensors'));
    expect((await rejection(service.import({ path: noWeights }))).message).toMatch(/model\.safetensors/);
    expect((await rejection(service.import({ path: path.join(noWeights, 'nope') }))).code).toBe('not_found');
    const config = path.join(noTokenizer, 'config.json');
    expect(await rejection(service.import({ path: config }))).toMatchObject({
      code: 'invalid_input',
      message: `${config} is a file, not a folder; give the folder that holds config.json (${noTokenizer}, if it is its config.json)`,
    });
    // Another model's tokenizer (500 ids for a vocabulary of 160): refused now, not at the first fill.
    const mismatched = path.join(tempDir(), 'mismatched');
    cpSync(path.join(FIXTURE, '..', 't5-tiny-relu'), mismatched, { recursive: true });
    for (const file of ['tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json'])
      cpSync(path.join(FIXTURE, file), path.join(mismatched, file));
    const wrongTokenizer = await rejection(service.import({ path: mismatched }));
    expect(wrongTokenizer).toMatchObject({ code: 'invalid_input' });
    expect(wrongTokenizer.message).toContain(
      "has 500 token ids but config.json's vocab_size is 160; the tokenizer does not belong to this model",
    );
    expect(service.list()).toEqual([]);
  });

  it('reports cache usage and deletes a pulled snapshot with its model', async () => {
    const { service, hub } = await setup();
    const { model } = await service.pull({ repoId: REPO });
    const usage = service.cacheUsage();
    expect(usage.repos).toEqual([
      { repoId: REPO, bytes: expect.any(Number), partialBytes: 0, snapshots: [hub.commit] },
    ]);
    expect(usage.bytes).toBeGreaterThanOrEqual(model.sizeBytes);
    const removed = service.remove(model.id);
    expect(removed).toMatchObject({ id: model.id, freedBytes: model.sizeBytes, deletedPath: model.path });
    expect(existsSync(model.path)).toBe(false);
    expect(service.list()).toEqual([]);
    // Its last snapshot gone, the repository is no longer listed as a cached one of 0 bytes.
    expect(service.cacheUsage()).toMatchObject({ bytes: 0, repos: [] });
    await service.pull({ repoId: REPO });
    expect(service.removeCached(REPO).freedBytes).toBeGreaterThanOrEqual(model.sizeBytes);
    expect(service.list()).toEqual([]);
    expect(service.cacheUsage()).toMatchObject({ bytes: 0, repos: [] });
    // A repository that is not cached is said so, not reported removed.
    const notCached = await rejection(Promise.resolve().then(() => service.removeCached('nothing/here')));
    expect(notCached).toMatchObject({
      code: 'not_found',
      message: 'nothing/here is not in the download cache; `spanfill models cache` lists what is',
    });
  });

  it('counts and deletes the from-scratch starting points, not while a run trains from scratch', async () => {
    const { service, store } = await setup();
    expect(service.cacheUsage().scratch).toMatchObject({ root: service.scratchRoot, bytes: 0, folders: 0 });
    for (const [folder, bytes] of [
      ['t5-small-aaaa', 1000],
      ['t5-small-shape-bbbb', 24],
    ] as const) {
      mkdirSync(path.join(service.scratchRoot, folder), { recursive: true });
      writeFileSync(path.join(service.scratchRoot, folder, 'model.safetensors'), Buffer.alloc(bytes));
    }
    expect(service.cacheUsage().scratch).toMatchObject({ bytes: 1024, folders: 2 });
    new DatasetRepository(store.db).create({ id: 'ds-1', name: 'notes', sourcePath: '/n', importingPid: 0 });
    const runs = new RunRepository(store.db);
    const config = runConfigSchema.parse({
      datasetId: 'ds-1',
      model: 'preset:t5-small',
      tokenizer: 'bytes',
      maxSteps: 9,
    });
    runs.add({ id: 'r-scratch', name: 'x', config, totalSteps: 9, status: 'queued' });
    runs.setStatus('r-scratch', 'running', { ownerPid: process.pid });
    expect(() => service.removeScratch()).toThrow(
      new ApiError(
        'conflict',
        'Run r-scratch ("x") is training from scratch (preset:t5-small); stop it first (or let it finish). ' +
          'Each checkpoint it saves copies the tokenizer files of the model it trains from.',
      ),
    );
    expect(service.cacheUsage().scratch.folders).toBe(2);
    runs.setStatus('r-scratch', 'stopped');
    expect(service.removeScratch()).toEqual({ folders: 2, freedBytes: 1024 });
    expect(existsSync(service.scratchRoot)).toBe(false);
    expect(service.cacheUsage().scratch).toMatchObject({ bytes: 0, folders: 0 });
  });

  it('stores the token in a 0600 file; HF_TOKEN wins; the handlers reach the same service', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'spanfill-token-'));
    cleanup.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const store = openStore(dataDir);
    cleanup.push(() => store.close());
    const service = new ModelService({ store, dataDir, events: new EventBus() }, { env: {} });
    expect(service.tokenStatus().source).toBe('none');
    expect(() => service.setToken('not-a-token')).toThrow(/start with hf_/);
    service.setToken('hf_abc');
    // An empty value (`set "$HF_TOKEN"` with the variable unset) or one with spaces is refused,
    // never taken as "forget the token": that is null (`models token clear`).
    expect(() => service.setToken('  ')).toThrow(
      'The token is empty; to forget the stored token, clear it (`spanfill models token clear`)',
    );
    expect(() => service.setToken('hf_with space')).toThrow('A Hugging Face token has no spaces');
    const file = FileTokenStore.inDataDir(dataDir).file;
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8').trim()).toBe('hf_abc');
    expect(
      new ModelService({ store, dataDir, events: new EventBus() }, { env: { HF_TOKEN: 'hf_env' } }).tokenStatus()
        .source,
    ).toBe('env');
    expect(service.setToken(null).source).toBe('none');
    expect(existsSync(file)).toBe(false);
    const handlers = modelHandlers({ models: service });
    expect(await handlers['models.list']({})).toEqual([]);
    expect((await handlers['models.catalog']({})).map((c) => c.repoId)).toContain('google/flan-t5-small');
  });
});
