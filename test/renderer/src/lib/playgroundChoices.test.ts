// playgroundChoices.ts baseModelKey: the column "Open in the Playground" ticks for a run's base
// model — the built-in one, a registered model by its id or its folder, any other folder by
// path (trimmed), none for a from-scratch preset — and folderChoice, that folder's column.

import { describe, expect, it } from 'vitest';
import type { ModelSummary } from '../../../../src/shared/contract/models';
import { baseModelKey, folderChoice } from '../../../../src/renderer/src/lib/playgroundChoices';

const small = { id: 'm-1', name: 'small', path: '/models/small' } as ModelSummary;

/** The registered models, `small` only, as listAvailableModels answers; `asked` counts the calls. */
function listing(): { asked: number; list: () => Promise<ModelSummary[]> } {
  const listed = { asked: 0, list: () => (listed.asked++, Promise.resolve([small])) };
  return listed;
}

describe('baseModelKey', () => {
  it("ticks the built-in model, a registered model by its id or folder, and another folder by its path's key", async () => {
    const { list } = listing();
    await expect(baseModelKey('builtin:byt5-tiny', list)).resolves.toBe('builtin:byt5-tiny');
    await expect(baseModelKey('m-1', list)).resolves.toBe('m-1');
    await expect(baseModelKey('/models/small', list)).resolves.toBe('m-1');
    await expect(baseModelKey(' /elsewhere/t5 ', list)).resolves.toBe('folder:/elsewhere/t5');
  });

  it('ticks no base for a from-scratch preset', async () => {
    await expect(baseModelKey('preset:t5-tiny', listing().list)).resolves.toBeNull();
  });

  // "Open in the Playground" ticks the checkpoint the moment its column shows (the demo's link
  // does, e2e/demo.test.ts): a round trip for the model list it does not need came between them.
  it('asks for the registered models only for a base that may be one', async () => {
    const listed = listing();
    await baseModelKey('builtin:byt5-tiny', listed.list);
    await baseModelKey('preset:t5-tiny', listed.list);
    expect(listed.asked).toBe(0);
    await baseModelKey('m-1', listed.list);
    expect(listed.asked).toBe(1);
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
