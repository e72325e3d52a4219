// models.show over a real store and the local stand-in Hub: a pulled model in full (source,
// folder and size now, shape, parameters, tokenizer, the runs started from it however they
// named it); a built-in model described without being written out; a registered model whose
// folder has gone; a folder or download no model is registered from; what names nothing; and
// the call's argument checked at the contract.
import { cpSync, existsSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { dispatchCall } from '../../../src/main/services/dispatch';
import type { Handlers } from '../../../src/main/services/handler';
import { modelHandlers } from '../../../src/main/services/models';
import { DatasetRepository } from '../../../src/main/store/datasets';
import type { Store } from '../../../src/main/store/db';
import { RunRepository } from '../../../src/main/store/runs';
import { runConfigSchema } from '../../../src/shared/contract/runs';
import { FIXTURE, fixtureParameters, modelsTestKit, REPO, rejection } from './models-support';

const { setup, tempDir } = modelsTestKit();

/** The t5-tiny-spm fixture's config.json, as the shape models.show gives. */
const FIXTURE_SHAPE = {
  modelType: 't5',
  dModel: 32,
  dFf: 64,
  dKv: 8,
  numHeads: 4,
  numLayers: 2,
  numDecoderLayers: 2,
  vocabSize: 500,
  feedForward: 'relu',
  tiedEmbeddings: true,
};

/** Bytes of the files under `dir`, counted here. */
function bytesUnder(dir: string): number {
  return (readdirSync(dir, { recursive: true }) as string[])
    .map((name) => statSync(path.join(dir, name)))
    .filter((s) => s.isFile())
    .reduce((sum, s) => sum + s.size, 0);
}

/** Queued runs from the models named, with a dataset for them to name. */
function addRuns(store: Store, runsFrom: Record<string, string>): void {
  new DatasetRepository(store.db).create({ id: 'ds-1', name: 'notes', sourcePath: '/n', importingPid: 0 });
  const runs = new RunRepository(store.db);
  for (const [id, model] of Object.entries(runsFrom)) {
    const config = runConfigSchema.parse({ datasetId: 'ds-1', model, maxSteps: 10 });
    runs.add({ id, name: `from ${model}`, config, totalSteps: 10, status: 'queued' });
  }
}

describe('ModelService.show', () => {
  it('a pulled model: its Hub source, folder, size, shape, tokenizer and the runs started from it', async () => {
    const { hub, service, store } = await setup();
    const { model } = await service.pull({ repoId: REPO });
    const other = path.join(tempDir(), 'other');
    cpSync(FIXTURE, other, { recursive: true });
    addRuns(store, {
      'r-by-id': model.id,
      'r-by-repo': REPO,
      'r-by-folder': model.path,
      'r-other-folder': other,
      'r-builtin': 'builtin:byt5-tiny',
      'r-gone': path.join(tempDir(), 'no-such-model'),
    });
    // One moment for all of them (the order was the order added only when each took a new millisecond).
    store.db.prepare('UPDATE runs SET created_at = ?').run('2026-12-07T10:00:00.000Z');
    const details = service.show(REPO);
    expect(details).toEqual({
      id: model.id,
      name: REPO,
      source: { kind: 'hub', repoId: REPO, revision: 'main', commit: hub.commit },
      path: model.path,
      isAvailable: true,
      sizeBytes: bytesUnder(model.path),
      createdAt: model.createdAt,
      architecture: { ...FIXTURE_SHAPE, parameterCount: fixtureParameters() },
      tokenizer: { model: 'Unigram', className: 'T5Tokenizer', isByteLevel: false },
      problem: null,
      // In the store's order (created_at, then id): runs added within one millisecond sort by id.
      runs: ['r-by-folder', 'r-by-id', 'r-by-repo'].map((id) => expect.objectContaining({ id, status: 'queued' })),
    });
    // Named any way --model takes it, it is the same model.
    expect(service.show(model.id)).toEqual(details);
    expect(service.show(model.path)).toEqual(details);
  });

  it('a built-in model, described without writing it out; its runs are those that name it', async () => {
    const { service, store, dataDir } = await setup();
    addRuns(store, { 'r-builtin': 'builtin:byt5-tiny', 'r-folder': FIXTURE });
    const folder = path.join(dataDir, 'models', 'builtin', 'byt5-tiny');
    const before = service.show('builtin:byt5-tiny');
    expect(before).toMatchObject({
      id: null,
      name: 'builtin:byt5-tiny',
      source: { kind: 'builtin', name: 'builtin:byt5-tiny' },
      path: folder,
      isAvailable: false,
      sizeBytes: null,
      createdAt: null,
      // ByT5's vocabulary: 3 specials, 256 bytes, 125 sentinels.
      architecture: { modelType: 't5', vocabSize: 384 },
      tokenizer: { model: 'BPE', isByteLevel: true },
      runs: [expect.objectContaining({ id: 'r-builtin' })],
    });
    expect(existsSync(folder)).toBe(false);
    // Written out (as the first use does), it is read from its folder: the same shape and tokenizer.
    expect(service.resolve('builtin:byt5-tiny').path).toBe(folder);
    const after = service.show('builtin:byt5-tiny');
    expect(after).toEqual({ ...before, isAvailable: true, sizeBytes: bytesUnder(folder) });
  });

  it('a registered model whose folder has gone keeps its shape; its size and tokenizer are unknown', async () => {
    const { service } = await setup();
    const folder = path.join(tempDir(), 'base');
    cpSync(FIXTURE, folder, { recursive: true });
    const model = await service.import({ path: folder, name: 'base' });
    rmSync(folder, { recursive: true });
    expect(service.show('base')).toMatchObject({
      id: model.id,
      source: { kind: 'folder', path: folder },
      isAvailable: false,
      sizeBytes: null,
      tokenizer: null,
      architecture: { ...FIXTURE_SHAPE, parameterCount: fixtureParameters() },
      runs: [],
    });
  });

  it('a folder or a download no model is registered from; a name that is nothing; a folder that is no model', async () => {
    const { hub, service } = await setup();
    expect(service.show(FIXTURE)).toMatchObject({
      id: null,
      name: FIXTURE,
      source: { kind: 'folder', path: FIXTURE },
      isAvailable: true,
      sizeBytes: bytesUnder(FIXTURE),
      createdAt: null,
      architecture: FIXTURE_SHAPE,
    });
    const { model } = await service.pull({ repoId: REPO });
    service.repo.remove(model.id); // the snapshot stays in the cache
    expect(service.show(REPO)).toMatchObject({
      id: null,
      source: { kind: 'hub', repoId: REPO, revision: 'main', commit: hub.commit },
      path: model.path,
    });

    const missing = await rejection(Promise.resolve().then(() => service.show('nothing')));
    expect(missing.code).toBe('not_found');
    expect(missing.message).toMatch(/^No model "nothing": not a registered id or name, a folder/);
    const empty = await rejection(Promise.resolve().then(() => service.show(tempDir())));
    expect(empty.code).toBe('invalid_input');
    expect(empty.message).toMatch(/^No config\.json in /);
  });

  it('a folder with no tokenizer Spanfill loads has a problem: only score and export use it, and how to make one', async () => {
    const { service } = await setup();
    const old = path.join(tempDir(), 'old-t5');
    cpSync(FIXTURE, old, { recursive: true });
    rmSync(path.join(old, 'tokenizer.json'));
    writeFileSync(path.join(old, 'spiece.model'), 'a SentencePiece model');
    expect(service.show(old)).toMatchObject({
      tokenizer: null,
      problem: {
        // Not damaged: its files read; what it lacks limits what it is good for.
        kind: 'limited',
        message:
          `${old} has only the SentencePiece spiece.model, no tokenizer.json (the file Spanfill reads a tokenizer from): ` +
          'only score and export can use it; fill, mask, training and models import need tokenizer.json',
        action:
          'Make one with Python (pip install transformers sentencepiece protobuf):\n' +
          'from transformers import AutoTokenizer\n' +
          `tok = AutoTokenizer.from_pretrained("${old}", use_fast=True)  # converts spiece.model\n` +
          'tok.save_pretrained("my-model")  # writes tokenizer.json; copy the model files there, then `spanfill models import my-model`',
      },
    });
    // Registered while it had one, then it went: the same, with no SentencePiece file to convert.
    const folder = path.join(tempDir(), 'base');
    cpSync(FIXTURE, folder, { recursive: true });
    await service.import({ path: folder, name: 'base' });
    rmSync(path.join(folder, 'tokenizer.json'));
    expect(service.show('base').problem).toEqual({
      kind: 'limited',
      message:
        `${folder} has no tokenizer.json: only score and export can use it; ` +
        'fill, mask, training and models import need tokenizer.json',
      action: 'Save the tokenizer there with save_pretrained() from a fast tokenizer.',
    });
    // A ByT5 folder has none and needs none: its tokenizer is the byte-level one.
    expect(service.show('builtin:byt5-tiny').problem).toBeNull();
  });

  it('is a call of the contract: its model is required', async () => {
    const { service } = await setup();
    const handlers = modelHandlers({ models: service }) as unknown as Handlers;
    const shown = await dispatchCall(handlers, 'models.show', { model: FIXTURE });
    expect(shown).toMatchObject({ ok: true, result: { source: { kind: 'folder', path: FIXTURE } } });
    const none = await dispatchCall(handlers, 'models.show', {});
    expect(none).toMatchObject({ ok: false, error: { code: 'invalid_argument' } });
    expect(!none.ok && none.error.message).toContain("field 'model'");
  });
});
