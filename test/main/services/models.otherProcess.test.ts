// Pulls of one repository by two processes on one data directory (two terminals, the app and a
// terminal): the second is refused while the first downloads, naming its pid (the lock in the
// cache, engine/hub/pullLock.ts), a lock its process left when it died is taken over, and a
// registration that another process made first returns that model instead of failing on the
// store's unique index. A removal (models rm, models cache rm) is refused while a live process
// pulls the repository, which would otherwise download under it; a stale lock does not stop it.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { EventBus } from '../../../src/main/services/events';
import { ModelService } from '../../../src/main/services/models';
import { openStore } from '../../../src/main/store/db';
import { deadPid, runningChild } from '../../support/processes';
import { modelsTestKit, REPO, rejection } from './models-support';

const { setup, cleanup } = modelsTestKit();

/** Where the cache keeps the pull lock of REPO. */
const lockOf = (dataDir: string): string =>
  path.join(dataDir, 'models', 'hub', '.locks', `models--${REPO.replace('/', '--')}.lock`);

describe('ModelService.pull with another process on the data directory', () => {
  it('is refused while another live process pulls the repository, and nothing is downloaded', async () => {
    const { dataDir, service, hub } = await setup();
    const other = runningChild();
    cleanup.push(() => other.stop());
    mkdirSync(path.dirname(lockOf(dataDir)), { recursive: true });
    writeFileSync(lockOf(dataDir), `${other.pid}.${Date.now()}`);
    const refused = await rejection(service.pull({ repoId: REPO }));
    expect(refused.code).toBe('conflict');
    expect(refused.message).toBe(
      `${REPO} is being pulled by another Spanfill process (pid ${other.pid}: \`spanfill models pull ${REPO}\` in a ` +
        'terminal, or a Spanfill window or `spanfill serve` on this data directory); wait for it to finish, ' +
        'then pull again: what it fetched is kept, and the model comes from the cache',
    );
    expect(hub.requests.filter((r) => r.path.includes('/resolve/'))).toEqual([]);
    expect(service.list()).toEqual([]);
    // Once it has ended, its lock is stale: the pull takes it over, and gives it back.
    await other.stop();
    const pulled = await service.pull({ repoId: REPO });
    expect(pulled.model.isAvailable).toBe(true);
    expect(existsSync(lockOf(dataDir))).toBe(false);
  });

  it('takes over the lock of a process that died, and refuses a second pull here while its first runs', async () => {
    const { dataDir, service, deps, hub } = await setup();
    mkdirSync(path.dirname(lockOf(dataDir)), { recursive: true });
    writeFileSync(lockOf(dataDir), `${deadPid()}.${Date.now()}`);
    // Another service on the same data directory in this process (as another process would be).
    const store = openStore(dataDir);
    cleanup.push(() => store.close());
    const second = new ModelService({ store, dataDir, events: new EventBus() }, { env: { HF_ENDPOINT: hub.url } });
    let refusal: Promise<unknown> | undefined;
    deps.events.subscribe((event) => {
      refusal ??=
        event === 'models.pullProgress'
          ? second.pull({ repoId: REPO }).then(
              () => 'pulled',
              (e: unknown) => e,
            )
          : undefined;
    });
    const pulled = await service.pull({ repoId: REPO });
    expect(pulled.downloadedBytes).toBeGreaterThan(0);
    const error = (await refusal) as Error;
    expect(error.message).toMatch(
      new RegExp(`^${REPO} is being pulled already \\(pid ${process.pid}, this process\\); wait`),
    );
    expect(readdirSync(path.dirname(lockOf(dataDir)))).toEqual([]);
    // Now complete, the snapshot comes from the cache, the same model.
    const again = await second.pull({ repoId: REPO });
    expect(again).toMatchObject({ isFromCache: true, model: { id: pulled.model.id } });
  });

  it('returns the model another process registered between the look and the insert', async () => {
    const { dataDir, service, hub } = await setup();
    const first = await service.pull({ repoId: REPO });
    const store = openStore(dataDir);
    cleanup.push(() => store.close());
    const second = new ModelService({ store, dataDir, events: new EventBus() }, { env: { HF_ENDPOINT: hub.url } });
    // Its look finds no row yet; by its insert the other process's row is there.
    vi.spyOn(second.repo, 'findBySource').mockReturnValueOnce(undefined);
    const pulled = await second.pull({ repoId: REPO });
    expect(pulled.model).toEqual(first.model);
    expect(second.list()).toEqual([first.model]);
  });
});

describe('ModelService.remove and removeCached while the repository is being pulled', () => {
  it('are refused while another live process pulls it, naming it; its files stay; once it ends they go', async () => {
    const { dataDir, service } = await setup();
    const { model } = await service.pull({ repoId: REPO });
    const other = runningChild();
    cleanup.push(() => other.stop());
    const stamp = `${other.pid}.${Date.now()}`;
    writeFileSync(lockOf(dataDir), stamp);
    const said =
      `${REPO} is being pulled by another Spanfill process (pid ${other.pid}: \`spanfill models pull ${REPO}\` in a ` +
      'terminal, or a Spanfill window or `spanfill serve` on this data directory); removing its files would pull ' +
      'them out from under it: try again when that pull has ended';
    const removals: (() => unknown)[] = [() => service.remove(model.id), () => service.removeCached(REPO)];
    for (const remove of removals) {
      const refused = await rejection(Promise.resolve().then(remove));
      expect(refused).toMatchObject({ code: 'conflict', message: said });
    }
    expect(service.list()).toEqual([model]);
    expect(existsSync(model.path)).toBe(true);
    expect(readFileSync(lockOf(dataDir), 'utf8')).toBe(stamp); // theirs, left as it was
    // Its process gone, the lock is stale: the removal goes ahead and leaves no lock behind.
    await other.stop();
    expect(service.remove(model.id)).toMatchObject({ id: model.id, deletedPath: model.path });
    expect(existsSync(model.path)).toBe(false);
    expect(readdirSync(path.dirname(lockOf(dataDir)))).toEqual([]);
  });

  it('go ahead over the lock of a process that died', async () => {
    const { dataDir, service } = await setup();
    await service.pull({ repoId: REPO });
    writeFileSync(lockOf(dataDir), `${deadPid()}.${Date.now()}`);
    expect(service.removeCached(REPO).freedBytes).toBeGreaterThan(0);
    expect(service.list()).toEqual([]);
    expect(readdirSync(path.dirname(lockOf(dataDir)))).toEqual([]);
  });

  it('are refused while this process pulls it, and the pull completes', async () => {
    const { service, deps } = await setup();
    let refusal: unknown;
    deps.events.subscribe((event) => {
      if (event !== 'models.pullProgress' || refusal !== undefined) return;
      try {
        service.removeCached(REPO);
        refusal = 'removed';
      } catch (error) {
        refusal = error;
      }
    });
    const pulled = await service.pull({ repoId: REPO });
    expect(refusal).toMatchObject({
      code: 'conflict',
      message:
        `${REPO} is being pulled by this process (pid ${process.pid}); removing its files would pull them out ` +
        'from under it: cancel that download or wait for it to end, then remove it',
    });
    expect(pulled.model.problem).toBeNull();
  });
});
