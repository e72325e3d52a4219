// modelsRemove.ts: `models rm OWNER/NAME` while that repository is being pulled and no model is
// registered from it yet (its download under way, or done and its registration to come) is
// refused saying it is being pulled, by whom, and to try again when the pull ends, not that there
// is no such model nor that a `models cache rm` (which the pull refuses too) would delete it.
// A removal from the cache says which models it unregistered with the repository.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runningChild } from '../../support/processes';
import { modelsTestKit, REPO, rejection } from './models-support';

const { setup, cleanup } = modelsTestKit();

/** Where the cache keeps the pull lock of REPO. */
const lockOf = (dataDir: string): string =>
  path.join(dataDir, 'models', 'hub', '.locks', `models--${REPO.replace('/', '--')}.lock`);

/** A live process holding the pull lock of REPO, as `spanfill models pull REPO` in a terminal would. */
function pulledByAnother(dataDir: string): number {
  const other = runningChild();
  cleanup.push(() => other.stop());
  mkdirSync(path.dirname(lockOf(dataDir)), { recursive: true });
  writeFileSync(lockOf(dataDir), `${other.pid}.${Date.now()}`);
  return other.pid;
}

const byAnother = (pid: number): string =>
  `No model registered from ${REPO} yet: it is being pulled by another Spanfill process (pid ${pid}: ` +
  `\`spanfill models pull ${REPO}\` in a terminal, or a Spanfill window or \`spanfill serve\` on this data ` +
  'directory), which registers its model when that pull ends: try again then';

describe('ModelService.remove of a repository being pulled, its model not registered yet', () => {
  it('says it is being pulled by another process while it downloads', async () => {
    const { dataDir, service } = await setup();
    const pid = pulledByAnother(dataDir);
    for (const named of [REPO, `${REPO}@main`]) {
      const refused = await rejection(Promise.resolve().then(() => service.remove(named)));
      expect(refused).toMatchObject({ code: 'conflict', message: byAnother(pid) });
    }
  });

  it('says so too once its files are in the cache, before the registration', async () => {
    const { dataDir, service } = await setup();
    const { model } = await service.pull({ repoId: REPO });
    service.repo.remove(model.id); // the snapshot complete, its model to be registered
    const pid = pulledByAnother(dataDir);
    const refused = await rejection(Promise.resolve().then(() => service.remove(REPO)));
    expect(refused).toMatchObject({ code: 'conflict', message: byAnother(pid) });
  });

  it('says this process pulls it, while it does', async () => {
    const { service, deps } = await setup();
    let refusal: unknown;
    deps.events.subscribe((event) => {
      if (event !== 'models.pullProgress' || refusal !== undefined) return;
      try {
        service.remove(REPO);
        refusal = 'removed';
      } catch (error) {
        refusal = error;
      }
    });
    await service.pull({ repoId: REPO });
    expect(refusal).toMatchObject({
      code: 'conflict',
      message:
        `No model registered from ${REPO} yet: it is being pulled by this process (pid ${process.pid}), which ` +
        'registers its model when that download ends: remove it then, or cancel the download',
    });
  });

  it('still says there is no such model when nothing pulls it', async () => {
    const { service } = await setup();
    const refused = await rejection(Promise.resolve().then(() => service.remove(REPO)));
    expect(refused).toMatchObject({ code: 'not_found', message: expect.stringMatching(/^No model "tiny-org/) });
  });
});

describe('ModelService.removeCached', () => {
  it('says which models it unregistered with the repository', async () => {
    const { service } = await setup();
    const { model } = await service.pull({ repoId: REPO });
    const removed = service.removeCached(REPO);
    expect(removed).toEqual({
      repoId: REPO,
      freedBytes: expect.any(Number) as unknown,
      unregistered: [{ id: model.id, name: model.name }],
    });
    expect(service.list()).toEqual([]);
    // Nothing registered from it: none said.
    await service.pull({ repoId: REPO });
    service.repo.remove(service.list()[0].id);
    expect(service.removeCached(REPO).unregistered).toEqual([]);
  });
});
