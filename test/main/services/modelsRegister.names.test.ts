// Registered models keep their names distinct, as datasets do (idOrName.ts numberedName): an
// import or a pull under a name another model has is registered as "NAME (2)", "NAME (3)", …,
// and the answer says so and which model has the name, so that a name finds one model.

import { cpSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURE, modelsTestKit, REPO } from './models-support';

const { setup, tempDir } = modelsTestKit();

/** A copy of the fixture in a folder called `name`. */
function folderCalled(name: string): string {
  const folder = path.join(tempDir(), name);
  cpSync(FIXTURE, folder, { recursive: true });
  return folder;
}

describe('model names stay distinct', () => {
  it('numbers an import under a name another model has, given or from its folder, and says so', async () => {
    const { service } = await setup();
    const first = await service.import({ path: folderCalled('tiny') });
    expect(first).not.toHaveProperty('nameNote');
    const given = await service.import({ path: folderCalled('other'), name: 'tiny' });
    const folderName = await service.import({ path: folderCalled('tiny') });
    expect(service.list().map((m) => m.name)).toEqual(['tiny', 'tiny (2)', 'tiny (3)']);
    expect(given).toMatchObject({ id: service.list()[1].id, name: 'tiny (2)' });
    expect(given.nameNote).toBe(
      `Named "tiny (2)": model ${first.id} is named "tiny" already, and a name finds one model`,
    );
    expect(folderName.nameNote).toMatch(/^Named "tiny \(3\)": model m-\w+ is named "tiny" already/);
    expect(service.resolve('tiny (2)').modelId).toBe(given.id);
    expect(service.resolve('tiny').modelId).toBe(first.id);
  });

  it('numbers a pull whose repository id another model is named by', async () => {
    const { service } = await setup();
    // Another commit of the repository, pulled before (its name is the repository id).
    const earlier = service.repo.add({
      id: 'm-earlier1',
      name: REPO,
      kind: 'base',
      path: folderCalled('earlier'),
      source: REPO,
      source_kind: 'hub',
      revision: 'main',
      commit_sha: 'f'.repeat(40),
      size_bytes: 0,
      model_type: 't5',
      parameter_count: null,
      config_json: '{}',
    });
    const pulled = await service.pull({ repoId: REPO });
    expect(pulled.model).toMatchObject({ name: `${REPO} (2)`, source: { kind: 'hub', repoId: REPO } });
    expect(pulled.model.nameNote).toBe(
      `Named "${REPO} (2)": model ${earlier.id} is named "${REPO}" already, and a name finds one model`,
    );
    // Pulled again: the same model, named as it was.
    const again = await service.pull({ repoId: REPO });
    expect(again.model).toMatchObject({ id: pulled.model.id, name: `${REPO} (2)` });
    expect(again.model).not.toHaveProperty('nameNote');
  });
});
