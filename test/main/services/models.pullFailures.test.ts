// A pull that fails after files came down says what of them stays in the download cache and the
// command that deletes it (engine/hub/keptNote.ts says it for the download's own
// failures): here a snapshot downloaded whole that the loader then refuses (weights that do not
// match its config.json), which stays unregistered.
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { directoryBytes } from '../../../src/main/engine/hub/cache';
import { EventBus } from '../../../src/main/services/events';
import { ModelService } from '../../../src/main/services/models';
import { openStore } from '../../../src/main/store/db';
import { formatBytes } from '../../../src/shared/format';
import { startTestHub } from '../../support/hub-server';
import { FIXTURE, modelsTestKit, REPO, rejection } from './models-support';

const { tempDir, cleanup } = modelsTestKit();

describe('ModelService.pull that fails once files came down', () => {
  it('says that a snapshot the loader refuses stays in the cache, and how to delete it', async () => {
    const folder = path.join(tempDir(), 'wrong-shape');
    cpSync(FIXTURE, folder, { recursive: true });
    const config = JSON.parse(readFileSync(path.join(folder, 'config.json'), 'utf8')) as Record<string, unknown>;
    writeFileSync(path.join(folder, 'config.json'), JSON.stringify({ ...config, d_model: 64 }));
    const hub = await startTestHub({ repoId: REPO, folder });
    const dataDir = tempDir();
    const store = openStore(dataDir);
    cleanup.push(
      () => store.close(),
      () => hub.close(),
    );
    const service = new ModelService({ store, dataDir, events: new EventBus() }, { env: { HF_ENDPOINT: hub.url } });

    const refused = await rejection(service.pull({ repoId: REPO }));
    expect(refused.code).toBe('invalid_input');
    expect(refused.message).toMatch(/^Weights in .* do not match its config\.json \(d_model 64/);
    const [cached] = service.cacheUsage().repos;
    expect(cached).toMatchObject({ repoId: REPO, snapshots: [hub.commit] });
    const snapshot = path.join(service.cacheRoot, `models--${REPO.replace('/', '--')}`, 'snapshots', hub.commit);
    expect(
      refused.message.endsWith(
        ` What was fetched of ${REPO} (${formatBytes(directoryBytes(snapshot))}) stays in the download cache; ` +
          `\`spanfill models cache rm ${REPO}\` deletes it.`,
      ),
    ).toBe(true);
    expect(service.list()).toEqual([]);
    expect(service.removeCached(REPO).freedBytes).toBe(cached.bytes);
  });
});
