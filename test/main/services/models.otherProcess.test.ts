// Pulls of one repository by two processes on one data directory (two terminals, the app and a
// terminal): the second is refused while the first downloads, naming its pid (the lock in the
// cache, engine/hub/pullLock.ts), a lock its process left when it died is taken over, and a
// registration that another process made first returns that model instead of failing on the
// store's unique index. A removal (models rm, models cache rm) is refused while a live process
// pulls the repository, which would otherwise download under it; a stale lock does not stop it.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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

describe('ModelService.pull holds the pull lock until the model is registered', () => {
  /** The look for a registered model, the pull's step after the download, first running `meanwhile`. */
  function whenRegistering(service: ModelService, meanwhile: () => void): void {
    const look = service.repo.findBySource.bind(service.repo);
    vi.spyOn(service.repo, 'findBySource').mockImplementationOnce((...args) => {
      meanwhile();
      return look(...args);
    });
  }

  /** What `remove` threw, or 'removed'. */
  function attempt(remove: () => unknown): unknown {
    try {
      remove();
      return 'removed';
    } catch (error) {
      return error;
    }
  }

  const refusedByThisProcess =
    `${REPO} is being pulled by this process (pid ${process.pid}); removing its files would pull them out ` +
    'from under it: cancel that download or wait for it to end, then remove it';

  it('refuses models cache rm between the download and the registration, and the pull registers its model', async () => {
    const { dataDir, service, hub } = await setup();
    // Another service on the data directory (a terminal's `models cache rm`).
    const store = openStore(dataDir);
    cleanup.push(() => store.close());
    const other = new ModelService({ store, dataDir, events: new EventBus() }, { env: { HF_ENDPOINT: hub.url } });
    let removal: unknown;
    whenRegistering(service, () => (removal = attempt(() => other.removeCached(REPO))));
    const pulled = await service.pull({ repoId: REPO });
    expect(removal).toMatchObject({ code: 'conflict', message: refusedByThisProcess });
    expect(pulled.downloadedBytes).toBeGreaterThan(0);
    expect(pulled.model).toMatchObject({ isAvailable: true, problem: null });
    expect(other.list()).toEqual([pulled.model]);
    expect(readdirSync(path.dirname(lockOf(dataDir)))).toEqual([]);
  });

  it('refuses models rm of the model a pull from the cache is returning', async () => {
    const { dataDir, service } = await setup();
    const first = await service.pull({ repoId: REPO });
    let removal: unknown;
    whenRegistering(service, () => (removal = attempt(() => service.remove(first.model.id))));
    const again = await service.pull({ repoId: REPO });
    expect(removal).toMatchObject({ code: 'conflict', message: refusedByThisProcess });
    expect(again).toMatchObject({ isFromCache: true, model: first.model });
    expect(existsSync(first.model.path)).toBe(true);
    expect(readdirSync(path.dirname(lockOf(dataDir)))).toEqual([]);
  });

  it('does not say the download stays in the cache when its files were deleted from under it', async () => {
    const { dataDir, service } = await setup();
    const snapshots = path.join(dataDir, 'models', 'hub', `models--${REPO.replace('/', '--')}`, 'snapshots');
    // Deleted outside Spanfill (no lock stops that) once the download is complete.
    whenRegistering(service, () => rmSync(snapshots, { recursive: true, force: true }));
    const failed = await rejection(service.pull({ repoId: REPO }));
    expect(failed.message).not.toMatch(/stays in the download cache/);
    expect(failed).toMatchObject({
      code: 'conflict',
      message: expect.stringMatching(
        new RegExp(
          `^The files of ${REPO} were deleted from the download cache \\(.*\\) as they were being registered; pull it again$`,
        ),
      ) as unknown,
    });
    expect(service.list()).toEqual([]);
  });
});
