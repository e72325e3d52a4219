// Overlapping reloads of a list: only the newest may write its answer, whichever comes back last.

import { describe, expect, it } from 'vitest';
import { Newest } from '../../../../src/renderer/src/lib/newest';

describe('Newest', () => {
  it('lets only the last reload started write, even when an older answer arrives after it', async () => {
    const listing = new Newest();
    let shown: string[] = [];
    let releaseOld: (value: string[]) => void = () => undefined;
    const reload = async (answer: Promise<string[]>): Promise<void> => {
      const isNewest = listing.begin();
      const value = await answer;
      if (isNewest()) shown = value;
    };
    const old = reload(new Promise((resolve) => (releaseOld = resolve))); // the screen opening: empty, slow
    await reload(Promise.resolve(['notes.txt'])); // the import's reload: answered first
    expect(shown).toEqual(['notes.txt']);
    releaseOld([]);
    await old;
    expect(shown).toEqual(['notes.txt']);
  });

  it('says a write is outdated once a reload started after it was asked for, and only then', () => {
    const shown = new Newest();
    const opening = shown.begin();
    const refresh = shown.unchanged();
    expect([opening(), refresh()]).toEqual([true, true]);
    shown.unchanged();
    expect([opening(), refresh()]).toEqual([true, true]);
    shown.begin();
    expect([opening(), refresh()]).toEqual([false, false]);
  });

  it('a lone reload is the newest', () => {
    const isNewest = new Newest().begin();
    expect(isNewest()).toBe(true);
  });
});
