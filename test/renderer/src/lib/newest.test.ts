// Overlapping reloads of a list: only the newest may write its answer, whichever comes back last.

import { describe, expect, it } from 'vitest';
import { LatestWritten, Newest } from '../../../../src/renderer/src/lib/newest';

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

describe('LatestWritten', () => {
  it("writes an earlier read's answer that comes first, then the later one; not an earlier one after a later", () => {
    const list = new LatestWritten();
    const [first, second, third] = [list.begin(), list.begin(), list.begin()];
    expect(first.claim()).toBe(true); // the screen's read, answered while an event's reads are out
    expect(third.claim()).toBe(true);
    expect(second.claim()).toBe(false); // older than what is shown
    expect([first.isLatest(), second.isLatest(), third.isLatest()]).toEqual([false, false, true]);
  });

  it('keeps the first answer when the read started after it never answers (the server gone)', () => {
    const list = new LatestWritten();
    const screen = list.begin();
    list.begin(); // an event's reload, lost with the connection
    expect(screen.claim()).toBe(true);
  });
});
