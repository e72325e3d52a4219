// The imports the Datasets screen watches but did not start (a reloaded tab's upload, a
// terminal's): each ending said once, as its own page would have said it, and never one of the
// imports this page started, whose outcome is said where it was started.
import { describe, expect, it } from 'vitest';
import type { DatasetSummary } from '../../../../src/shared/contract/datasets';
import { ImportWatch, type WatchShown } from '../../../../src/renderer/src/lib/datasetsImportWatch';

function dataset(id: string, status: DatasetSummary['status']): DatasetSummary {
  return { id, name: `${id}.txt`, sourcePath: `/x/${id}.txt`, format: 'text', status, createdAt: '', stats: null };
}

/** A page's store as the watch sees it, with the datasets it opened. */
function page(detail?: { id: string }): WatchShown & { opened: string[] } {
  const opened: string[] = [];
  return { notice: undefined, error: undefined, detail, opened, show: (id) => (opened.push(id), Promise.resolve()) };
}

describe('ImportWatch', () => {
  it('says nothing of an import this page started, though it was listed as importing before its first progress named it', () => {
    const shown = page();
    const watch = new ImportWatch(shown);
    watch.sayEnded([dataset('a', 'importing')]);
    expect(watch.isWatched('a')).toBe(true);
    watch.ownImport('a');
    expect(watch.isWatched('a')).toBe(false);
    watch.failed('a', 'a.txt is empty');
    watch.sayEnded([]);
    expect([shown.notice, shown.error]).toEqual([undefined, undefined]);
  });

  it('says why a watched import failed once its row is gone, once, and keeps no ending heard of an import it did not watch', () => {
    const shown = page();
    const watch = new ImportWatch(shown);
    watch.failed('b', 'b.txt is empty'); // (not listed yet: no ending to keep)
    watch.sayEnded([dataset('a', 'importing'), dataset('b', 'importing')]);
    watch.failed('a', 'a.txt is empty');
    watch.sayEnded([dataset('b', 'importing')]);
    expect(shown.error).toBe('Import of a.txt failed: a.txt is empty');
    shown.error = undefined;
    watch.sayEnded([]);
    expect(shown.error).toBeUndefined();
    expect(shown.notice).toMatch(/^Import of b\.txt ended without a dataset, and its process left no word of why/);
  });

  it('opens a watched import that became ready where no dataset is open, and not in place of one the person opened', () => {
    for (const [detail, opened] of [
      [undefined, ['a']],
      [{ id: 'x' }, []],
    ] as const) {
      const shown = page(detail);
      const watch = new ImportWatch(shown);
      watch.sayEnded([dataset('a', 'importing')]);
      watch.sayEnded([dataset('a', 'ready')]);
      expect(shown.notice).toMatch(/^Imported a\.txt/);
      expect(shown.opened).toEqual(opened);
    }
  });
});
