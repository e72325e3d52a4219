// A Hub address read as the repository it names, as the Models screen reads it to follow a pull's
// progress and cancel it (the services' checks on top: engine/hub/catalog.test.ts parseRepoReference).
import { describe, expect, it } from 'vitest';
import { readRepoReference } from '../../src/shared/hubAddress';

describe('readRepoReference', () => {
  it('reads OWNER/NAME[@REV] and a Hub address alike', () => {
    expect(readRepoReference(' org/good@v1 ')).toEqual({ is: 'repository', repoId: 'org/good', revision: 'v1' });
    expect(readRepoReference('HTTPS://huggingface.co/org/good')).toEqual({
      is: 'repository',
      repoId: 'org/good',
      revision: undefined,
    });
    expect(readRepoReference('https://huggingface.co/org/good/tree/v1')).toMatchObject({ repoId: 'org/good' });
  });

  it('says what an address of another page is, and one that cannot be read', () => {
    expect(readRepoReference('https://huggingface.co/datasets/org/data')).toMatchObject({ is: 'not-a-model' });
    expect(readRepoReference('https://huggingface.co/org/good/tree')).toMatchObject({ is: 'not-a-model' });
    expect(readRepoReference('https://huggingface.co/org/%E0%A4%A/x/y')).toMatchObject({ is: 'not-a-model' });
  });
});
