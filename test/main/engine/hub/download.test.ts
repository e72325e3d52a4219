// Hub downloads with the real @huggingface/hub client against a local stand-in Hub
// (test/support/hub-server.ts) serving the t5-tiny-spm fixture: a full pull, resume after a
// dropped connection (in the same pull and in the next one), a corrupted file rejected and
// kept out of the cache, 404 and 401 answers, the cache used with the server gone, and the time
// limits: a server that never answers, and a body that stalls half-way.

import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { directoryBytes } from '../../../../src/main/engine/hub/cache';
import { findCachedSnapshot, pullModel, type PullProgress } from '../../../../src/main/engine/hub/download';
import { formatBytes } from '../../../../src/shared/format';
import { HubError } from '../../../../src/main/engine/hub/errors';
import type { HubSettings } from '../../../../src/main/engine/hub/settings';
import { inspectModelFolder } from '../../../../src/main/engine/hub/inspect';
import { loadT5Model, saveT5Weights } from '../../../../src/main/engine/t5/weights';
import { startTestHub, type TestHub } from '../../../support/hub-server';
import { tempDirs } from '../../../support/tmp';
import { writeByT5Folder } from '../../../support/byt5Folder';
import { openTokenizer } from '../../../../src/main/engine/data/tokenizerRegistry';

const FIXTURE = path.join(__dirname, '../../../fixtures/t5/t5-tiny-spm');
const REPO = 'tiny-org/t5-tiny-spm';
const WANTED = [
  'config.json',
  'generation_config.json',
  'model.safetensors',
  'special_tokens_map.json',
  'tokenizer.json',
  'tokenizer_config.json',
];
const tempDir = tempDirs('spanfill-hub-');

/** What a failed pull adds when `bytes` of it stay in the cache. */
const keptNote = (bytes: number): string =>
  `What has arrived of ${REPO} so far (${formatBytes(bytes)}) is kept in the download cache: pulling it again ` +
  `goes on from there; \`spanfill models cache rm ${REPO}\` deletes it.`;
const weightsSize = readFileSync(path.join(FIXTURE, 'model.safetensors')).length;
let hub: TestHub | undefined;

afterEach(async () => {
  await hub?.close();
  hub = undefined;
});

function settings(overrides: Partial<HubSettings> = {}): HubSettings {
  return { endpoint: hub?.url ?? 'http://127.0.0.1:9', token: undefined, isOffline: false, ...overrides };
}

async function expectHubError(promise: Promise<unknown>, code: string): Promise<HubError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(HubError);
  expect((error as HubError).code).toBe(code);
  return error as HubError;
}

/** A server that takes every connection and never answers (a Hub behind a stuck proxy). */
async function silentServer(): Promise<{ url: string; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => void sockets.add(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const close = () =>
    new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    });
  return { url: `http://127.0.0.1:${port}`, close };
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describe('pullModel against a local Hub', () => {
  it('downloads only the files Spanfill needs, verified, pinned to the commit, with progress', async () => {
    hub = await startTestHub({ repoId: REPO, folder: FIXTURE });
    const cacheRoot = tempDir();
    const progress: PullProgress[] = [];
    const result = await pullModel({
      repoId: REPO,
      settings: settings(),
      cacheRoot,
      onProgress: (p) => progress.push(p),
    });
    expect(result.commit).toBe(hub.commit);
    expect(result.dir).toContain(hub.commit);
    expect(readdirSync(result.dir).sort()).toEqual(WANTED);
    for (const name of WANTED)
      expect(sha256(readFileSync(path.join(result.dir, name)))).toBe(sha256(readFileSync(path.join(FIXTURE, name))));
    const byPath = new Map(result.files.map((f) => [f.path, f]));
    expect(byPath.get('model.safetensors')?.verifiedBy).toBe('sha256');
    expect(byPath.get('config.json')?.verifiedBy).toBe('git-sha1');
    const expectedBytes = WANTED.reduce((sum, name) => sum + readFileSync(path.join(FIXTURE, name)).length, 0);
    expect(result.bytes).toBe(expectedBytes);
    expect(result.downloadedBytes).toBe(expectedBytes);
    // Every file was fetched at the commit, never at "main".
    const fileRequests = hub.requests.filter((r) => r.path.includes('/resolve/'));
    expect(fileRequests.length).toBeGreaterThan(0);
    expect(fileRequests.every((r) => r.path.includes(`/resolve/${hub?.commit}/`))).toBe(true);
    const last = progress[progress.length - 1];
    expect(last.bytesDone).toBe(expectedBytes);
    expect(last.bytesTotal).toBe(expectedBytes);
    expect(last.bytesPerSecond).toBeGreaterThan(0);
    expect(progress.map((p) => p.bytesDone)).toEqual([...progress.map((p) => p.bytesDone)].sort((a, b) => a - b));
  });

  it('resumes with a Range request when the server drops the connection half-way', async () => {
    hub = await startTestHub({ repoId: REPO, folder: FIXTURE });
    const half = weightsSize >> 1;
    hub.fault = { dropFileAfter: { file: 'model.safetensors', bytes: half } };
    const result = await pullModel({ repoId: REPO, settings: settings(), cacheRoot: tempDir() });
    const ranges = hub.requests.filter((r) => r.path.startsWith('/cdn/')).map((r) => r.range);
    expect(ranges).toContain(`bytes=${half}-${weightsSize - 1}`);
    const weights = readFileSync(path.join(result.dir, 'model.safetensors'));
    expect(sha256(weights)).toBe(sha256(readFileSync(path.join(FIXTURE, 'model.safetensors'))));
  });

  it('keeps retrying while each attempt brings bytes, even past the retry budget', async () => {
    hub = await startTestHub({ repoId: REPO, folder: FIXTURE });
    const third = Math.floor(weightsSize / 3);
    hub.fault = { dropFileAfter: { file: 'model.safetensors', bytes: third, times: 2 } };
    const result = await pullModel({ repoId: REPO, settings: settings(), cacheRoot: tempDir(), retries: 1 });
    const ranges = hub.requests.filter((r) => r.path.startsWith('/cdn/')).map((r) => r.range);
    expect(ranges).toEqual(
      expect.arrayContaining([`bytes=${third}-${weightsSize - 1}`, `bytes=${2 * third}-${weightsSize - 1}`]),
    );
    expect(sha256(readFileSync(path.join(result.dir, 'model.safetensors')))).toBe(
      sha256(readFileSync(path.join(FIXTURE, 'model.safetensors'))),
    );
  });

  it('keeps the partial file of a failed pull and the next pull continues from it', async () => {
    hub = await startTestHub({ repoId: REPO, folder: FIXTURE });
    const half = weightsSize >> 1;
    hub.fault = { dropFileAfter: { file: 'model.safetensors', bytes: half } };
    const cacheRoot = tempDir();
    const error = await expectHubError(
      pullModel({ repoId: REPO, settings: settings(), cacheRoot, retries: 0 }),
      'network',
    );
    // What arrived (the files before the weights, and half of those) is said, with how to delete it.
    const kept = directoryBytes(path.join(cacheRoot, 'models--tiny-org--t5-tiny-spm'));
    expect(kept).toBeGreaterThan(half);
    expect(error.message).toMatch(/then pull again\. What has arrived/);
    expect(error.message.endsWith(keptNote(kept))).toBe(true);
    expect(findCachedSnapshot(cacheRoot, REPO)).toBeUndefined();
    const again = await pullModel({ repoId: REPO, settings: settings(), cacheRoot });
    expect(again.resumedBytes).toBe(half);
    expect(hub.requests.some((r) => r.range === `bytes=${half}-${weightsSize - 1}`)).toBe(true);
    expect(sha256(readFileSync(path.join(again.dir, 'model.safetensors')))).toBe(
      sha256(readFileSync(path.join(FIXTURE, 'model.safetensors'))),
    );
  });

  it('gives up in its time limit on a Hub that takes the connection and never answers, saying what to check', async () => {
    const silent = await silentServer();
    const startedAt = Date.now();
    const error = await expectHubError(
      pullModel({
        repoId: REPO,
        settings: settings({ endpoint: silent.url }),
        cacheRoot: tempDir(),
        timeouts: { headersMs: 300, idleMs: 300 },
      }),
      'network',
    ).finally(() => silent.close());
    expect(Date.now() - startedAt).toBeLessThan(5000);
    expect(error.message).toBe(
      `${silent.url} did not answer for repository ${REPO}@main (no answer in 0.3 s). Check the network (a firewall ` +
        'or proxy in the way?) and HF_ENDPOINT, then pull again.', // nothing arrived: nothing kept is said
    );
  });

  it('says a Hub that refuses the connection in plain words, and that an id without an owner may be wrong too', async () => {
    const closed = await silentServer();
    await closed.close(); // its port now refuses connections
    const error = await expectHubError(
      pullModel({ repoId: 'onlyname', settings: settings({ endpoint: closed.url }), cacheRoot: tempDir() }),
      'network',
    );
    const host = new URL(closed.url).host;
    expect(error.message).toBe(
      `Cannot download repository onlyname@main from ${closed.url}: ${host} refused the connection (nothing answers ` +
        'there, or a firewall). Check the network (a firewall or proxy in the way?) and HF_ENDPOINT, then pull ' +
        'again. Note that onlyname has no owner: a few old repositories are named so (t5-small, gpt2), but most ' +
        'are owner/name, e.g. google/flan-t5-small; check the id too.',
    );
    // An id with its owner: no such note.
    const owned = await expectHubError(
      pullModel({ repoId: REPO, settings: settings({ endpoint: closed.url }), cacheRoot: tempDir() }),
      'network',
    );
    expect(owned.message).toMatch(/refused the connection .* then pull again\.$/);
  });

  it('gives up on a body that stops coming, keeping what arrived for the next pull', async () => {
    hub = await startTestHub({ repoId: REPO, folder: FIXTURE });
    const half = weightsSize >> 1;
    hub.fault = { stallFileAfter: { file: 'model.safetensors', bytes: half } };
    const cacheRoot = tempDir();
    const timeouts = { headersMs: 2000, idleMs: 300 };
    const error = await expectHubError(
      pullModel({ repoId: REPO, settings: settings(), cacheRoot, retries: 0, timeouts }),
      'network',
    );
    expect(error.message).toMatch(
      new RegExp(
        `^${hub.url} stopped sending model\\.safetensors of ${REPO} \\(no bytes for 0\\.3 s\\)\\. Check the network`,
      ),
    );
    expect(error.message).toContain(`\`spanfill models cache rm ${REPO}\` deletes it.`);
    hub.fault = {};
    const again = await pullModel({ repoId: REPO, settings: settings(), cacheRoot, timeouts });
    expect(again.resumedBytes).toBe(half);
    expect(sha256(readFileSync(path.join(again.dir, 'model.safetensors')))).toBe(
      sha256(readFileSync(path.join(FIXTURE, 'model.safetensors'))),
    );
  });

  it('rejects a file whose sha256 does not match the Hub and leaves it out of the cache', async () => {
    hub = await startTestHub({ repoId: REPO, folder: FIXTURE });
    hub.fault = { corruptFile: 'model.safetensors' };
    const cacheRoot = tempDir();
    const error = await expectHubError(pullModel({ repoId: REPO, settings: settings(), cacheRoot }), 'checksum');
    expect(error.message).toMatch(/model\.safetensors failed verification .*sha256.*deleted/);
    // The files verified before it stay, said so.
    expect(error.message).toContain(`\`spanfill models cache rm ${REPO}\` deletes it.`);
    const repoDir = path.join(cacheRoot, 'models--tiny-org--t5-tiny-spm');
    expect(existsSync(path.join(repoDir, 'snapshots', hub.commit, 'model.safetensors'))).toBe(false);
    expect(readdirSync(path.join(repoDir, 'incomplete'))).toEqual([]);
    expect(findCachedSnapshot(cacheRoot, REPO)).toBeUndefined();
  });

  it('reports an unknown repository (404) and a refused token (401) clearly', async () => {
    hub = await startTestHub({ repoId: REPO, folder: FIXTURE });
    const missing = await expectHubError(
      pullModel({ repoId: 'tiny-org/no-such-model', settings: settings(), cacheRoot: tempDir() }),
      'not-found',
    );
    expect(missing.message).toContain('tiny-org/no-such-model');
    expect(missing.message).toContain('HTTP 404');
    await hub.close();

    hub = await startTestHub({ repoId: REPO, folder: FIXTURE, token: 'hf_right' });
    const refused = await expectHubError(
      pullModel({ repoId: REPO, settings: settings({ token: 'hf_wrong' }), cacheRoot: tempDir() }),
      'unauthorized',
    );
    // A token went with it: that token is said to be refused (not "give a token"), with the Hub's words.
    expect(refused.message).toMatch(/HTTP 401\) with the token it was given\. The Hub said: “Invalid credentials/);
    expect(refused.message).not.toContain('give a token');
    const anonymous = await expectHubError(
      pullModel({ repoId: REPO, settings: settings(), cacheRoot: tempDir() }),
      'unauthorized',
    );
    expect(anonymous.message).toMatch(/HTTP 401\): the repository is gated or private.*give a token: set HF_TOKEN/);
    const allowed = await pullModel({ repoId: REPO, settings: settings({ token: 'hf_right' }), cacheRoot: tempDir() });
    expect(allowed.files).toHaveLength(WANTED.length);
  });

  it('works from the cache with the server stopped: offline mode, and a clear error online', async () => {
    hub = await startTestHub({ repoId: REPO, folder: FIXTURE });
    const cacheRoot = tempDir();
    const first = await pullModel({ repoId: REPO, settings: settings(), cacheRoot });
    const endpoint = hub.url;
    await hub.close();
    hub = undefined;
    const offline = await pullModel({ repoId: REPO, settings: settings({ endpoint, isOffline: true }), cacheRoot });
    expect(offline).toMatchObject({ dir: first.dir, commit: first.commit, isFromCache: true, downloadedBytes: 0 });
    expect(findCachedSnapshot(cacheRoot, REPO, first.commit)?.dir).toBe(first.dir);
    const online = await expectHubError(
      pullModel({ repoId: REPO, settings: settings({ endpoint }), cacheRoot }),
      'network',
    );
    expect(online.message).toMatch(/then pull again\.$/);
    expect(online.message).not.toContain('offline');
    await expectHubError(
      pullModel({ repoId: REPO, revision: 'v2', settings: settings({ endpoint, isOffline: true }), cacheRoot }),
      'not-cached',
    );
  });

  it('fetches a sharded checkpoint: the index, then every shard it names, and the folder loads', async () => {
    const sharded = tempDir();
    const { config, weights } = loadT5Model(FIXTURE);
    const names = [...weights.params.keys()];
    const shardOf = (i: number) => `model-0000${i < names.length / 2 ? 1 : 2}-of-00002.safetensors`;
    const shards = new Map(names.map((name, i) => [name, shardOf(i)]));
    saveT5Weights(sharded, config, { params: weights.params, layout: { ...weights.layout, shards } });
    for (const name of WANTED.filter((f) => f !== 'model.safetensors'))
      copyFileSync(path.join(FIXTURE, name), path.join(sharded, name));
    hub = await startTestHub({ repoId: REPO, folder: sharded });
    const result = await pullModel({ repoId: REPO, settings: settings(), cacheRoot: tempDir() });
    expect(result.files.map((f) => f.path).slice(-3)).toEqual([
      'model.safetensors.index.json',
      'model-00001-of-00002.safetensors',
      'model-00002-of-00002.safetensors',
    ]);
    expect(result.files.filter((f) => f.path.endsWith('.safetensors')).every((f) => f.verifiedBy === 'sha256')).toBe(
      true,
    );
    const info = await inspectModelFolder(result.dir);
    expect(info.parameterCount).toBe(names.reduce((sum, name) => sum + (weights.params.get(name)?.length ?? 0), 0));
  });

  it('stops before downloading anything when the repository has spiece.model but no tokenizer.json', async () => {
    const slow = tempDir();
    for (const name of ['config.json', 'model.safetensors'])
      copyFileSync(path.join(FIXTURE, name), path.join(slow, name));
    writeFileSync(path.join(slow, 'spiece.model'), 'not a real model');
    hub = await startTestHub({ repoId: REPO, folder: slow });
    const error = await expectHubError(
      pullModel({ repoId: REPO, settings: settings(), cacheRoot: tempDir() }),
      'missing-files',
    );
    expect(error.message).toContain(
      'tokenizer.json (it has only the SentencePiece spiece.model); make one with Python ' +
        '(pip install transformers sentencepiece protobuf):\nfrom transformers import AutoTokenizer\n',
    );
    expect(hub.requests.some((r) => r.path.includes('/resolve/'))).toBe(false);
  });

  it('pulls a ByT5 repository (no tokenizer.json, ByT5Tokenizer named) and reads it with the byte tokenizer', async () => {
    const byt5 = writeByT5Folder(tempDir());
    hub = await startTestHub({ repoId: 'google/byt5-tiny', folder: byt5 });
    const result = await pullModel({ repoId: 'google/byt5-tiny', settings: settings(), cacheRoot: tempDir() });
    expect(result.files.map((f) => f.path)).toEqual([
      'config.json',
      'tokenizer_config.json',
      'special_tokens_map.json',
      'generation_config.json',
      'model.safetensors',
    ]);
    await expect(inspectModelFolder(result.dir)).resolves.toMatchObject({ modelType: 't5' });
    await expect(openTokenizer(result.dir)).resolves.toMatchObject({ vocabSize: 384, sentinelCount: 125 });
  });

  it('stops before the weights when a tokenizer_config.json without tokenizer.json is not ByT5', async () => {
    const other = tempDir();
    for (const name of ['config.json', 'model.safetensors'])
      copyFileSync(path.join(FIXTURE, name), path.join(other, name));
    writeFileSync(path.join(other, 'tokenizer_config.json'), JSON.stringify({ tokenizer_class: 'T5Tokenizer' }));
    hub = await startTestHub({ repoId: REPO, folder: other });
    const error = await expectHubError(
      pullModel({ repoId: REPO, settings: settings(), cacheRoot: tempDir() }),
      'missing-files',
    );
    // The small files fetched stay; pulling again would meet the same lack, so no resume is promised.
    expect(error.message).toMatch(
      new RegExp(
        `^${REPO} lacks what Spanfill needs:\n- tokenizer\\.json \\(the fast-tokenizer file\\); save the tokenizer ` +
          `with transformers save_pretrained\\(\\) What was fetched of ${REPO} \\([\\d.]+ bytes\\) stays in the ` +
          `download cache; \`spanfill models cache rm ${REPO}\` deletes it\\.$`,
      ),
    );
    // Only the small files came down (the weights were asked for their size, bytes=0-0, and no more).
    const downloads = hub.requests.filter(
      (r) => r.method === 'GET' && r.range === undefined && r.path.includes('/resolve/'),
    );
    expect(downloads.map((r) => path.basename(r.path))).toEqual(['config.json', 'tokenizer_config.json']);
  });
});
