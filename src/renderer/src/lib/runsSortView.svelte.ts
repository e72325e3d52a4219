// The Runs table's order as the person last chose it (lib/runsSort.ts), remembered per browser
// profile like the loss view and the theme (lib/preference.ts), so it stays across screens and
// launches (and follows a choice made in another tab).

import { preference } from './preference';
import { nextRunsSort, runsSortFrom, runsSortText, type RunsSort, type RunsSortKey } from './runsSort';

const stored = preference('spanfill.runsSort', runsSortFrom, runsSortText);

class RunsSortView {
  sort: RunsSort = $state(stored.load());

  constructor() {
    stored.follow((sort) => (this.sort = sort));
  }

  /** A click on `key`'s header: sorts by it, or the other way when it is sorted by it already. */
  sortBy(key: RunsSortKey): void {
    this.sort = nextRunsSort(this.sort, key);
    stored.save(this.sort); // (storage refused: the order holds until the page reloads)
  }
}

export const runsSortView = new RunsSortView();
