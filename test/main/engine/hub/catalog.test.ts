// The catalog's derived sizes against the parameter counts Hugging Face publishes for these
// checkpoints (transformers `model.num_parameters()`, quoted on their model pages), and the
// repository id / revision checks.

import { describe, expect, it } from 'vitest';
import {
  MODEL_CATALOG,
  parseRepoReference,
  RepoIdError,
  validateRepoId,
  validateRevision,
} from '../../../../src/main/engine/hub/catalog';

const PUBLISHED_PARAMETERS: Record<string, number> = {
  'google-t5/t5-small': 60_506_624,
  'google-t5/t5-base': 222_903_552,
  'google/flan-t5-small': 76_961_152,
  'google/flan-t5-base': 247_577_856,
  'google/t5-v1_1-small': 76_961_152,
  'google/mt5-small': 300_176_768,
};

describe('MODEL_CATALOG', () => {
  it('lists the suggested base models with their published parameter counts and F32 sizes', () => {
    expect(MODEL_CATALOG.map((e) => e.repoId)).toEqual(Object.keys(PUBLISHED_PARAMETERS));
    for (const entry of MODEL_CATALOG) {
      expect(entry.parameters).toBe(PUBLISHED_PARAMETERS[entry.repoId]);
      expect(entry.approximateBytes).toBe(entry.parameters * 4);
      expect(entry.license).toBe('apache-2.0');
    }
  });
});

describe('validateRepoId', () => {
  it('accepts owner/name and legacy bare names', () => {
    expect(validateRepoId(' google/flan-t5-small ')).toBe('google/flan-t5-small');
    expect(validateRepoId('t5-small')).toBe('t5-small');
    expect(validateRepoId('a/b')).toBe('a/b');
  });

  it.each([
    ['', 'empty'],
    ['a/b/c', 'more than one "/"'],
    ['google/flan t5', 'letters, digits'],
    ['-x/y', 'letters, digits'],
    ['x/y.', 'letters, digits'],
    ['x/a--b', '"--"'],
    ['x/a..b', '"--" and ".."'],
    [`x/${'a'.repeat(97)}`, '1-96'],
  ])('rejects %j naming the problem', (raw, problem) => {
    expect(() => validateRepoId(raw)).toThrow(RepoIdError);
    expect(() => validateRepoId(raw)).toThrow(problem);
  });
});

describe('validateRevision', () => {
  it('accepts branches, tags, refs/pr/N and commits, rejects spaces and ".."', () => {
    for (const ok of ['main', 'v1.0', 'refs/pr/1', 'a'.repeat(40)]) expect(validateRevision(ok)).toBe(ok);
    for (const bad of ['', 'a b', '../x', 'x/', 'a\u0001b']) expect(() => validateRevision(bad)).toThrow(RepoIdError);
  });
});

describe('parseRepoReference', () => {
  it('takes a pasted Hub address: the repository, and the revision of a /tree/, /blob/ or /resolve/ one', () => {
    const cases: [string, string | undefined, { repoId: string; revision: string }][] = [
      ['https://huggingface.co/org/good', undefined, { repoId: 'org/good', revision: 'main' }],
      ['https://huggingface.co/org/good/', 'v1', { repoId: 'org/good', revision: 'v1' }],
      ['  https://hf.co/org/good/tree/v2.0 ', undefined, { repoId: 'org/good', revision: 'v2.0' }],
      ['https://huggingface.co/org/good/tree/refs%2Fpr%2F3', undefined, { repoId: 'org/good', revision: 'refs/pr/3' }],
      ['https://huggingface.co/org/good/blob/main/config.json', 'main', { repoId: 'org/good', revision: 'main' }],
      [
        'https://huggingface.co/org/good/resolve/abc/model.safetensors',
        undefined,
        { repoId: 'org/good', revision: 'abc' },
      ],
      ['http://127.0.0.1:8080/org/good?x=1#readme', undefined, { repoId: 'org/good', revision: 'main' }],
      ['org/good@v3', undefined, { repoId: 'org/good', revision: 'v3' }],
    ];
    for (const [raw, revision, expected] of cases) expect(parseRepoReference(raw, revision)).toEqual(expected);
  });

  it('says what a Hub address names when it is not a model repository, or disagrees with the revision', () => {
    expect(() => parseRepoReference('https://huggingface.co/datasets/org/data')).toThrow(
      '"https://huggingface.co/datasets/org/data" is a dataset\'s page on the Hub, not a model\'s; ' +
        'give a model repository (https://huggingface.co/OWNER/NAME, or OWNER/NAME)',
    );
    expect(() => parseRepoReference('https://huggingface.co/spaces/org/app')).toThrow(/is a Space's page on the Hub/);
    expect(() => parseRepoReference('https://huggingface.co/org/good/discussions/4')).toThrow(
      '"https://huggingface.co/org/good/discussions/4" is not the address of a model repository or one of its ' +
        'revisions; give https://huggingface.co/OWNER/NAME (with /tree/REV for a revision) or OWNER/NAME',
    );
    expect(() => parseRepoReference('https://huggingface.co/org/good/tree/v2', 'v3')).toThrow(
      'names revision "v2" and the revision given apart is "v3"',
    );
    expect(() => parseRepoReference('https://huggingface.co/')).toThrow('is not the address of a model repository');
    expect(parseRepoReference('https://huggingface.co/t5-small')).toEqual({ repoId: 't5-small', revision: 'main' });
  });
});
