// playgroundChoices.ts baseModelKey: the column "Open in the Playground" ticks for a run's base
// model — the built-in one, a registered model by its id or its folder, any other folder by
// path (trimmed), none for a from-scratch preset — and folderChoice, that folder's column.

import { describe, expect, it } from 'vitest';
import type { ModelSummary } from '../../../../src/shared/contract/models';
import { baseModelKey, folderChoice } from '../../../../src/renderer/src/lib/playgroundChoices';

const small = { id: 'm-1', name: 'small', path: '/models/small' } as ModelSummary;

describe('baseModelKey', () => {
  it("ticks the built-in model, a registered model by its id or folder, and another folder by its path's key", () => {
    expect(baseModelKey('builtin:byt5-tiny', [small])).toBe('builtin:byt5-tiny');
    expect(baseModelKey('m-1', [small])).toBe('m-1');
    expect(baseModelKey('/models/small', [small])).toBe('m-1');
    expect(baseModelKey(' /elsewhere/t5 ', [small])).toBe('folder:/elsewhere/t5');
  });

  it('ticks no base for a from-scratch preset', () => {
    expect(baseModelKey('preset:t5-tiny', [small])).toBeNull();
  });
});

describe('folderChoice', () => {
  it('names a folder column by its folder and resolves it by its path', () => {
    expect(folderChoice('/elsewhere/t5')).toEqual({
      key: 'folder:/elsewhere/t5',
      label: 't5',
      detail: '/elsewhere/t5',
      ref: '/elsewhere/t5',
      source: 'folder',
    });
  });
});
