// Models service over a real store and the local stand-in Hub: a pull registers a verified
// snapshot with its source and type and emits progress; REPO_ID resolves to the cached folder
// with the Hub stopped; imports go through the loaders (their errors shown); removal deletes
// a pulled snapshot but never an imported folder; cache usage and the from-scratch starting
// points; cancel; the stored token. What a model argument names: modelsResolve.test.ts; the
// engine's errors in the contract's codes: modelsErrors.test.ts.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../src/shared/errors';
import type { EventMap } from '../../../src/shared/events';
import { EventBus } from '../../../src/main/services/events';
import { FileTokenStore } from '../../../src/main/services/hub-token';
import { modelHandlers, ModelService } from '../../../src/main/services/models';
import { openStore } from '../../../src/main/store/db';
import { DatasetRepository } from '../../../src/main/store/datasets';
import { RunRepository } from '../../../src/main/store/runs';
import { runConfigSchema } from '../../../src/shared/contract/runs';
import { deadPid } from '../../support/processes';
import { FIXTURE, fixtureParameters, modelsTestKit, REPO, rejection } from './models-support';

const { setup, tempDir, cleanup } = modelsTestKit();

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
    expect(unreachable.offlineReason).toMatch(
      /^Cannot download .* Check the network \(a firewall or proxy in the way\?\) and HF_ENDPOINT/,
    );
    const missing = await rejection(Promise.resolve().then(() => service.resolve('tiny-org/other')));
    expect(missing.code).toBe('not_found');
    expect(missing.message).toContain('spanfill models pull');
    const down = await rejection(service.pull({ repoId: REPO, revision: 'v9' }));
    expect(down.code).toBe('remote_failed');
  });

  it('takes OWNER/NAME@REV as --model reads it, and says a bad revision is the revision', async () => {
    const { hub, service } = await setup();
    const pinned = await service.pull({ repoId: `${REPO}@${hub.commit}` });
    expect(pinned.model.source).toEqual({ kind: 'hub', repoId: REPO, revision: hub.commit, commit: hub.commit });
    const same = await service.pull({ repoId: `${REPO}@${hub.commit}`, revision: hub.commit });
    expect(same.model.id).toBe(pinned.model.id);
    const twice = await rejection(service.pull({ repoId: `${REPO}@main`, revision: 'v2' }));
    expect(twice).toMatchObject({ code: 'invalid_argument' });
    expect(twice.message).toBe(
      `"${REPO}@main" names revision "main" and the revision given apart is "v2"; give it once: after the id (OWNER/NAME@REV) or as the revision (the Revision box; --revision REV)`,
    );
    // The Hub has the repository, not the revision (its X-Error-Code: RevisionNotFound).
    const unknown = await rejection(service.pull({ repoId: `${REPO}@nope` }));
    expect(unknown).toMatchObject({ code: 'not_found' });
    expect(unknown.message).toBe(
      `${hub.url} has repository ${REPO} but no revision "nope" in it (HTTP 404, RevisionNotFound); give a ` +
        'branch, tag or commit it has (main when none is given; its Hub page lists them under Files and versions)',
    );
    const bad = await rejection(service.pull({ repoId: 'google/flan-t5-small@../../x' }));
    expect(bad).toMatchObject({ code: 'invalid_argument' });
    expect(bad.message).toBe('Invalid revision "../../x"; expected a branch, tag or commit, e.g. main');
  });

  it('lists a model whose folder was replaced by a file as missing on disk', async () => {
    const { service } = await setup();
    const folder = path.join(tempDir(), 'replaced');
    cpSync(FIXTURE, folder, { recursive: true });
    const model = await service.import({ path: folder });
    expect(service.list()[0].isAvailable).toBe(true);
    rmSync(folder, { recursive: true });
    writeFileSync(folder, 'not a model folder');
    expect(service.list()).toEqual([{ ...model, isAvailable: false }]);
  });

  it('cancels a running pull, keeping what arrived for the next one', async () => {
    const { service, deps } = await setup();
    // Pulled and cancelled as the address pasted from a browser (the Models screen cancels what was typed).
    const address = `https://huggingface.co/${REPO}`;
    const unsubscribe = deps.events.subscribe((event) => {
      if (event === 'models.pullProgress') service.cancelPull(address);
    });
    const cancelled = await rejection(service.pull({ repoId: address }));
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
    // Again: nothing to do, the model that is there (models.importAgain.test.ts).
    const twice = await service.import({ path: folder });
    expect(twice).toMatchObject({ id: model.id, nameNote: expect.stringContaining('nothing to do') as unknown });
    const relative = await rejection(service.import({ path: 'relative/path' }));
    expect(relative).toMatchObject({
      code: 'invalid_input',
      message: expect.stringMatching(/^relative\/path is not a full path/),
    });
    expect(service.remove(model.id)).toMatchObject({ freedBytes: 0, deletedPath: null });
    expect(existsSync(path.join(folder, 'model.safetensors'))).toBe(true);
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
