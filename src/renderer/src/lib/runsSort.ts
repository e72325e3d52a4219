// The Runs table's order (screens/runs/RunsTable.svelte): by any of its columns, either way. As
// people expect of a desktop table: names compare as words with numbers in them ("run 2" before
// "run 10", case ignored), blanks (no loss yet, "–"; a removed dataset) come last whichever way,
// and ties stay newest first. The default is the order the table always had: runs.list's
// (created_at, then id; store/runs.ts) reversed. Pure: no DOM, no storage, no api (a row's values
// from the stores come through the functions RunsTable gives, read only when the order needs them).

import type { RunStatusName, RunSummary } from '../../../shared/contract/runs';

export type RunsSortKey = 'name' | 'started' | 'status' | 'dataset' | 'model' | 'steps' | 'lastLoss' | 'bestEvalLoss';
export type SortDirection = 'ascending' | 'descending';

export interface RunsSort {
  readonly key: RunsSortKey;
  readonly direction: SortDirection;
}

export const DEFAULT_RUNS_SORT: RunsSort = { key: 'started', direction: 'descending' };

/** A row as the table shows it: the run, and what it shows of it from elsewhere (names, losses). */
export interface SortableRun extends Pick<RunSummary, 'id' | 'name' | 'status' | 'createdAt' | 'step' | 'totalSteps'> {
  /** The dataset's name; null once it was removed. */
  readonly datasetName: string | null;
  readonly modelLabel: string;
  /** Training loss of the last step logged; none before the first, or when it was not a number. */
  readonly lastLoss: number | null | undefined;
  readonly bestEvalLoss: number | null | undefined;
}

/** Live first, then those waiting or resumable, then those that ended: badly, by hand, done. */
const STATUS_ORDER: readonly RunStatusName[] = [
  'running',
  'queued',
  'paused',
  'interrupted',
  'failed',
  'stopped',
  'completed',
];

/** The way a column goes on its first click: dates newest first and steps most first; the rest A to Z, lowest first. */
const FIRST_DIRECTION: Readonly<Record<RunsSortKey, SortDirection>> = {
  name: 'ascending',
  started: 'descending',
  status: 'ascending',
  dataset: 'ascending',
  model: 'ascending',
  steps: 'descending',
  lastLoss: 'ascending',
  bestEvalLoss: 'ascending',
};

/** How each column's order is said, ascending then descending: what comes first ("newest first"). */
const DIRECTION_WORDS: Readonly<Record<RunsSortKey, readonly [string, string]>> = {
  name: ['A to Z', 'Z to A'],
  started: ['oldest first', 'newest first'],
  status: ['running first', 'completed first'],
  dataset: ['A to Z', 'Z to A'],
  model: ['A to Z', 'Z to A'],
  steps: ['fewest first', 'most first'],
  lastLoss: ['lowest first', 'highest first'],
  bestEvalLoss: ['lowest first', 'highest first'],
};

/** The sort said in words, for the name of the header button sorted by ("sorted newest first"). */
export function sortedWords(sort: RunsSort): string {
  const [ascending, descending] = DIRECTION_WORDS[sort.key];
  return `sorted ${sort.direction === 'ascending' ? ascending : descending}`;
}

const words = new Intl.Collator(undefined, { numeric: true, sensitivity: 'accent' });

/** Text in the store's own order (SQLite's BINARY: by code unit), as runs.list breaks ties. */
const byCodeUnits = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The list's order: when each started (ISO text, which orders as the moments do), then id. */
const byStart = (a: Pick<SortableRun, 'createdAt' | 'id'>, b: Pick<SortableRun, 'createdAt' | 'id'>): number =>
  byCodeUnits(a.createdAt, b.createdAt) || byCodeUnits(a.id, b.id);

type Value = string | number | undefined;

/** What a row is compared by in a column; undefined for a blank. */
function valueOf(run: SortableRun, key: Exclude<RunsSortKey, 'started'>): Value {
  switch (key) {
    case 'name':
      return run.name || undefined; // (read once: '' is a blank)
    case 'status':
      return STATUS_ORDER.indexOf(run.status);
    case 'dataset':
      return run.datasetName ?? undefined;
    case 'model':
      return run.modelLabel;
    case 'steps':
      return run.step;
    case 'lastLoss':
    case 'bestEvalLoss': {
      const loss = run[key];
      return typeof loss === 'number' && Number.isFinite(loss) ? loss : undefined;
    }
  }
}

function compareValues(a: Value, b: Value): number {
  if (typeof a === 'string' && typeof b === 'string') return words.compare(a, b);
  return Number(a) - Number(b);
}

/** Where a row's values come from besides its run: the stores' names and labels, its losses. */
export interface RowSources {
  readonly datasetName: (id: string) => string;
  readonly modelLabel: (model: string) => string;
  /** The run's detail as read, with its live losses; undefined before it came. */
  readonly losses: () =>
    { readonly last: Readonly<Record<string, number>>; readonly bestEval: { value: number } | null } | undefined;
}

type ListedRun = Pick<
  RunSummary,
  'id' | 'name' | 'status' | 'createdAt' | 'step' | 'totalSteps' | 'datasetId' | 'model'
>;

/**
 * `run` as the table sorts it, each value read when it is asked for (getters), not before: given
 * to sortRuns, a row's losses, names and labels (reactive reads in the table) are read, and so
 * followed, only while the table is sorted by them (a run's state is not spread either: that read
 * every field of it). Its id and start are read at once: they break ties.
 */
export function sortableRun(run: ListedRun, sources: RowSources): SortableRun {
  return {
    id: run.id,
    createdAt: run.createdAt,
    get name() {
      return run.name;
    },
    get status() {
      return run.status;
    },
    get step() {
      return run.step;
    },
    get totalSteps() {
      return run.totalSteps;
    },
    get datasetName() {
      return run.datasetId === null ? null : sources.datasetName(run.datasetId);
    },
    get modelLabel() {
      return sources.modelLabel(run.model);
    },
    get lastLoss() {
      return sources.losses()?.last.loss;
    },
    get bestEvalLoss() {
      return sources.losses()?.bestEval?.value;
    },
  };
}

/** A row as it is compared: what it is sorted by, read once, and what breaks ties. */
interface Keyed<T> {
  readonly item: T;
  readonly value: Value;
  /** The steps planned (steps' ties); 0 in other columns. */
  readonly totalSteps: number;
  readonly createdAt: string;
  readonly id: string;
}

/** `item` with what `sort` compares it by, read from `run` once, and nothing more. */
function keyed<T>(item: T, run: SortableRun, sort: RunsSort): Keyed<T> {
  const value = sort.key === 'started' ? undefined : valueOf(run, sort.key);
  const totalSteps = sort.key === 'steps' ? run.totalSteps : 0;
  return { item, value, totalSteps, createdAt: run.createdAt, id: run.id };
}

/** `a` against `b` in `sort`'s order, blanks last either way, ties newest first. */
function compareRuns<T>(a: Keyed<T>, b: Keyed<T>, sort: RunsSort): number {
  const sign = sort.direction === 'ascending' ? 1 : -1;
  if (sort.key === 'started') return sign * byStart(a, b);
  const [x, y] = [a.value, b.value];
  if (x === undefined || y === undefined) {
    if (x !== y) return x === undefined ? 1 : -1;
  } else {
    const order = compareValues(x, y) || a.totalSteps - b.totalSteps;
    if (order !== 0) return sign * order;
  }
  return byStart(b, a);
}

/**
 * `items` in `sort`'s order (a new array). Each is read once through `valuesOf`, and of what that
 * gives, only the column sorted by (with its start and id, for ties): where `valuesOf` reads a
 * store lazily (getters), the order then follows only that column (RunsTable: a loss arriving
 * sorts 200 rows again only while they are sorted by loss).
 */
export function sortRuns<T>(items: readonly T[], sort: RunsSort, valuesOf: (item: T) => SortableRun): T[] {
  return items
    .map((item) => keyed(item, valuesOf(item), sort))
    .sort((a, b) => compareRuns(a, b, sort))
    .map(({ item }) => item);
}

/** The order after a click on `key`'s header: the same column reversed, another its first way. */
export function nextRunsSort(current: RunsSort, key: RunsSortKey): RunsSort {
  if (current.key !== key) return { key, direction: FIRST_DIRECTION[key] };
  return { key, direction: current.direction === 'ascending' ? 'descending' : 'ascending' };
}

/** A column's aria-sort: the direction when the table is sorted by one of its `keys`, else undefined (no attribute). */
export function columnSort(sort: RunsSort, ...keys: RunsSortKey[]): SortDirection | undefined {
  return keys.includes(sort.key) ? sort.direction : undefined;
}

export const runsSortText = (sort: RunsSort): string => JSON.stringify(sort);

/** A stored order read back; the default when there is none or it names no column or direction. */
export function runsSortFrom(saved: string | null): RunsSort {
  try {
    const { key, direction } = (JSON.parse(saved ?? 'null') ?? {}) as Partial<Record<keyof RunsSort, unknown>>;
    if (typeof key === 'string' && key in FIRST_DIRECTION && (direction === 'ascending' || direction === 'descending'))
      return { key: key as RunsSortKey, direction };
  } catch {
    // (broken text: the default)
  }
  return DEFAULT_RUNS_SORT;
}
