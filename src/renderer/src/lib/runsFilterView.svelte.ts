// The Runs table's filter as the person last left it (lib/runsFilter.ts), remembered per browser
// profile as the table's order is (lib/runsSortView.svelte.ts, lib/preference.ts), so it stays
// across screens and launches (and follows a change made in another tab). The line over the table
// says how many runs it shows, so a filter kept from an earlier visit is never a silent one.

import { preference } from './preference';
import { NO_RUNS_FILTER, runsFilterFrom, runsFilterText, type RunsFilter } from './runsFilter';

const stored = preference('spanfill.runsFilter', runsFilterFrom, runsFilterText);

class RunsFilterView {
  filter: RunsFilter = $state(stored.load());

  constructor() {
    stored.follow((filter) => (this.filter = filter));
  }

  /** Changes the filter (the fields given), and stores it (storage refused: it holds until the page reloads). */
  set(change: Partial<RunsFilter>): void {
    this.filter = { ...this.filter, ...change };
    stored.save(this.filter);
  }

  clear(): void {
    this.set(NO_RUNS_FILTER);
  }
}

export const runsFilterView = new RunsFilterView();
