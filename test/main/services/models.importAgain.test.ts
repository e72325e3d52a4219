// A second import of a folder already registered (a retry of one thought cut off): nothing to
// do, so it answers with the model that is there, saying so and by which id and name, rather
// than refusing it as if it had to be removed first. A different name asked is not taken: the
// answer says how to get it. The answer is marked (isAlreadyRegistered), so that the terminal
// and the Models screen say "Already registered" rather than "Imported".

import { cpSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURE, modelsTestKit } from './models-support';

const { setup, tempDir } = modelsTestKit();

describe('ModelService.import of a folder already registered', () => {
  it('answers with the model that is there and says there is nothing to do', async () => {
    const { service, seen } = await setup();
    const folder = path.join(tempDir(), 'tiny-folder');
    cpSync(FIXTURE, folder, { recursive: true });
    const first = await service.import({ path: folder, name: 'tiny' });
    const events = seen.length;
    const again = await service.import({ path: folder, name: 'tiny' });
    expect(first.isAlreadyRegistered).toBeUndefined();
    expect(again).toEqual({
      ...first,
      isAlreadyRegistered: true,
      nameNote: `${folder} is already registered as ${first.id} (tiny); nothing to do`,
    });
    expect(service.list()).toEqual([first]);
    expect(seen.length).toBe(events); // nothing changed, nothing said to other windows
  });

  it('says how to name it anew when another name is asked', async () => {
    const { service } = await setup();
    const folder = path.join(tempDir(), 'tiny-folder');
    cpSync(FIXTURE, folder, { recursive: true });
    const first = await service.import({ path: folder });
    const again = await service.import({ path: folder, name: 'other' });
    expect(again).toMatchObject({ id: first.id, name: 'tiny-folder', isAlreadyRegistered: true });
    expect(again.nameNote).toBe(
      `${folder} is already registered as ${first.id} (tiny-folder); nothing to do. It keeps that name: ` +
        `\`spanfill models rm ${first.id}\`, then import it again to name it "other"`,
    );
  });
});
