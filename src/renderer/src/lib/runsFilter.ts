// The Runs table's filter (screens/runs/RunsFilter.svelte): the runs that have every word typed
// (case ignored) in their name, dataset or model (a word of one character only where a word
// starts there: "probe c") or at the start of their id (with or without its "r-"; two characters
// or more, as an id is random hex), in the status group chosen, and what the screen
// says of them ("3 of 12 runs shown", an empty result, ticked runs the filter hides: they stay
// ticked and compared). Stored as the sort is (lib/runsFilterView.svelte.ts); what is read back is
// checked field by field. Pure: no DOM, no storage, no api.

import type { RunStatusName, RunSummary } from '../../../shared/contract/runs';
import { plural } from '../../../shared/format';

/** A group of statuses people look for together; 'all': any status. */
export type RunsStatusGroup = 'all' | 'training' | 'stopped' | 'failed' | 'completed';

/** Each status's group: live or about to be, stopped by hand (resumable), ended badly, done. */
const GROUP_OF: Readonly<Record<RunStatusName, Exclude<RunsStatusGroup, 'all'>>> = {
  running: 'training',
  queued: 'training',
  paused: 'stopped',
  stopped: 'stopped',
  failed: 'failed',
  interrupted: 'failed',
  completed: 'completed',
};

/** The status box's choices, in its order, with their words. */
export const STATUS_GROUPS: readonly { readonly value: RunsStatusGroup; readonly label: string }[] = [
  { value: 'all', label: 'Any status' },
  { value: 'training', label: 'Training or queued' },
  { value: 'stopped', label: 'Paused or stopped' },
  { value: 'failed', label: 'Failed or interrupted' },
  { value: 'completed', label: 'Completed' },
];

export interface RunsFilter {
  /** Words that each must be in the run's name, dataset or model, or start its id (case ignored; matchesFilter); blank: any run. */
  readonly text: string;
  readonly status: RunsStatusGroup;
}

export const NO_RUNS_FILTER: RunsFilter = { text: '', status: 'all' };

/** The most characters of filter text kept: far more than any run's name, id, dataset and model. */
export const MAX_RUNS_FILTER_CHARS = 500;

/** A row as the filter reads it: the run, and the names the table shows for its dataset and model. */
export interface FilterableRun extends Pick<RunSummary, 'id' | 'name' | 'status' | 'model'> {
  /** The dataset's name; null once it was removed. */
  readonly datasetName: string | null;
  readonly modelLabel: string;
}

const wordsOf = (text: string): string[] => text.toLocaleLowerCase().split(/\s+/).filter(Boolean);

/** Whether `filter` hides any run: words typed, or a status group chosen. */
export const isFiltering = (filter: RunsFilter): boolean => filter.status !== 'all' || wordsOf(filter.text).length > 0;

/**
 * What of a run's model reference words are found in: a folder's last name only (the folders
 * above it — a temporary folder's random name, the user's home — are not what a person searches
 * for, and would match stray words), any other reference (hub:OWNER/NAME, builtin:…, an id) whole.
 */
function modelWords(ref: string): string {
  const isFolder = ref.startsWith('/') || /^[A-Za-z]:[\\/]/.test(ref) || ref.startsWith('\\\\');
  return isFolder ? (ref.split(/[\\/]/).findLast((part) => part !== '') ?? '') : ref;
}

/** A letter or digit: what a one-character word must not follow to be found (it starts a word there). */
const WORD_CHARACTER = /[\p{L}\p{N}]/u;

/** Whether `word` is in `text`; one character only where a word of `text` starts ("c" in "probe c", not in "doc"). */
function holds(text: string, word: string): boolean {
  if (word.length > 1) return text.includes(word);
  for (let at = text.indexOf(word); at !== -1; at = text.indexOf(word, at + 1))
    if (at === 0 || !WORD_CHARACTER.test(text.charAt(at - 1))) return true;
  return false;
}

/**
 * Whether `word` starts the run's id, with or without its "r-" ("r-80d4", "80d4"), for two
 * characters or more: ids are random hex, in which a letter or two typed for a name would be
 * found in nearly every run's.
 */
const startsId = (id: string, word: string): boolean =>
  word.length > 1 && (id.startsWith(word) || id.replace(/^r-/, '').startsWith(word));

export function matchesFilter(run: FilterableRun, filter: RunsFilter): boolean {
  if (filter.status !== 'all' && GROUP_OF[run.status] !== filter.status) return false;
  const model = modelWords(run.model);
  const haystack = [run.name, run.datasetName ?? '', run.modelLabel, model].join('\n').toLocaleLowerCase();
  const id = run.id.toLocaleLowerCase();
  return wordsOf(filter.text).every((word) => holds(haystack, word) || startsId(id, word));
}

/** The `items` that `filter` lets through, in their order, each read once through `valuesOf`. */
export function filterRuns<T>(items: readonly T[], filter: RunsFilter, valuesOf: (item: T) => FilterableRun): T[] {
  return isFiltering(filter) ? items.filter((item) => matchesFilter(valuesOf(item), filter)) : [...items];
}

/** How many of `runs` each status choice would show (for the status box's options). */
export function statusGroupCounts(runs: readonly Pick<RunSummary, 'status'>[]): Record<RunsStatusGroup, number> {
  const counts: Record<RunsStatusGroup, number> = {
    all: runs.length,
    training: 0,
    stopped: 0,
    failed: 0,
    completed: 0,
  };
  for (const run of runs) counts[GROUP_OF[run.status]]++;
  return counts;
}

/**
 * What the line over the table says: how many runs show of all of them, and the ticked runs the
 * filter hides (`hiddenTicked`), which stay ticked: the comparison still draws them.
 */
export function runsShownText(shown: number, total: number, hiddenTicked: number, isFiltered: boolean): string {
  const count = isFiltered ? `${shown.toLocaleString('en')} of ${plural(total, 'run')} shown` : plural(total, 'run');
  if (hiddenTicked === 0) return count;
  const verb = hiddenTicked === 1 ? 'is' : 'are';
  return `${count}; ${plural(hiddenTicked, 'ticked run')} hidden by the filter ${verb} still compared`;
}

/** What the screen says when no run passes `filter`. */
export function noRunMatchesText(filter: RunsFilter): string {
  const words = filter.text.trim();
  const group = STATUS_GROUPS.find((g) => g.value === filter.status)?.label.toLocaleLowerCase();
  const has = words === '' ? '' : ` has “${words}” in its name, id, dataset or model`;
  if (filter.status === 'all') return `No run${has}.`;
  return words === '' ? `No run is ${group}.` : `No run that is ${group}${has}.`;
}

/** The filter as stored (null: nothing to store, no filter). */
export const runsFilterText = (filter: RunsFilter): string | null =>
  isFiltering(filter) ? JSON.stringify(filter) : null;

/** A stored filter read back, field by field: what is missing or does not read as one is no filter. */
export function runsFilterFrom(saved: string | null): RunsFilter {
  let stored: unknown;
  try {
    stored = JSON.parse(saved ?? 'null');
  } catch {
    return NO_RUNS_FILTER; // (broken text)
  }
  if (typeof stored !== 'object' || stored === null) return NO_RUNS_FILTER;
  const { text, status } = stored as Partial<Record<keyof RunsFilter, unknown>>;
  return {
    text: typeof text === 'string' ? text.slice(0, MAX_RUNS_FILTER_CHARS) : '',
    status: STATUS_GROUPS.some((g) => g.value === status) ? (status as RunsStatusGroup) : 'all',
  };
}
