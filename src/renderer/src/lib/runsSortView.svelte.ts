// The Runs table's order as the person last chose it (lib/runsSort.ts), remembered per browser
// profile like the loss view and the theme, so it stays across screens and launches (and follows
// a choice made in another tab).

import { nextRunsSort, runsSortFrom, runsSortText, type RunsSort, type RunsSortKey } from './runsSort';
import { isStorageChangeOf } from './theme';

const storageKey = 'spanfill.runsSort';

function load(): RunsSort {
  try {
    return runsSortFrom(localStorage.getItem(storageKey));
  } catch {
    return runsSortFrom(null); // (storage refused: the default)
  }
}

class RunsSortView {
  sort: RunsSort = $state(load());

  constructor() {
    if (typeof window !== 'undefined')
      window.addEventListener('storage', (event) => {
        if (isStorageChangeOf(event, storageKey)) this.sort = load();
      });
  }

  /** A click on `key`'s header: sorts by it, or the other way when it is sorted by it already. */
  sortBy(key: RunsSortKey): void {
    this.sort = nextRunsSort(this.sort, key);
    try {
      localStorage.setItem(storageKey, runsSortText(this.sort));
    } catch {
      // (storage refused: the order holds until the page reloads)
    }
  }
}

export const runsSortView = new RunsSortView();
