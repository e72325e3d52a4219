// The Runs table's order: by any column, either way, blanks last, ties newest first; the default
// is runs.list's order reversed (newest first); clicking a header again reverses; what is stored
// reads back, anything else reads as the default.

import { describe, expect, it } from 'vitest';
import {
  columnSort,
  DEFAULT_RUNS_SORT,
  nextRunsSort,
  runsSortFrom,
  runsSortText,
  sortableRun,
  sortRuns,
  sortedWords,
  type RunsSort,
  type RunsSortKey,
  type SortableRun,
} from '../../../../src/renderer/src/lib/runsSort';

/** A run as the table shows it: started `minute` minutes past 10:00, everything else given or plain. */
function run(id: string, minute: number, fields: Partial<SortableRun> = {}): SortableRun {
  return {
    id,
    name: id,
    status: 'completed',
    createdAt: `2026-12-06T10:${String(minute).padStart(2, '0')}:00.000Z`,
    step: 10,
    totalSteps: 10,
    datasetName: 'notes',
    modelLabel: 't5-small',
    lastLoss: undefined,
    bestEvalLoss: undefined,
    ...fields,
  };
}

const ids = (runs: readonly SortableRun[], sort: RunsSort) => sortRuns(runs, sort, (r) => r).map((r) => r.id);
const by = (key: RunsSortKey, direction: RunsSort['direction'] = 'ascending'): RunsSort => ({ key, direction });

describe('sortRuns', () => {
  it("keeps the list's order reversed by default: newest first, two started in one moment by id, last first", () => {
    // runs.list orders by created_at, then id (store/runs.ts); the table showed it reversed.
    const listed = [run('r-a', 1), run('r-b', 2), run('r-c', 2), run('r-d', 3)];
    expect(ids(listed, DEFAULT_RUNS_SORT)).toEqual(['r-d', 'r-c', 'r-b', 'r-a']);
    expect(ids(listed, by('started'))).toEqual(['r-a', 'r-b', 'r-c', 'r-d']);
  });

  it('orders names case-insensitively and by their numbers ("run 2" before "run 10")', () => {
    const runs = [run('a', 1, { name: 'run 10' }), run('b', 2, { name: 'Run 2' }), run('c', 3, { name: 'sweep' })];
    expect(ids(runs, by('name'))).toEqual(['b', 'a', 'c']);
    expect(ids(runs, by('name', 'descending'))).toEqual(['c', 'a', 'b']);
  });

  it('puts runs with no loss yet last in both directions, in their newest-first order', () => {
    const runs = [
      run('none-old', 1),
      run('low', 2, { lastLoss: 1.5, bestEvalLoss: 2.5 }),
      run('none-new', 3, { lastLoss: null, bestEvalLoss: null }),
      run('high', 4, { lastLoss: 3, bestEvalLoss: 0.5 }),
      run('diverged', 5, { lastLoss: Number.NaN }),
    ];
    expect(ids(runs, by('lastLoss'))).toEqual(['low', 'high', 'diverged', 'none-new', 'none-old']);
    expect(ids(runs, by('lastLoss', 'descending'))).toEqual(['high', 'low', 'diverged', 'none-new', 'none-old']);
    expect(ids(runs, by('bestEvalLoss'))).toEqual(['high', 'low', 'diverged', 'none-new', 'none-old']);
    expect(ids(runs, by('bestEvalLoss', 'descending'))).toEqual(['low', 'high', 'diverged', 'none-new', 'none-old']);
  });

  it('breaks ties newest first, whichever way the column goes', () => {
    const runs = [run('old', 1, { lastLoss: 2 }), run('new', 3, { lastLoss: 2 }), run('mid', 2, { lastLoss: 1 })];
    expect(ids(runs, by('lastLoss'))).toEqual(['mid', 'new', 'old']);
    expect(ids(runs, by('lastLoss', 'descending'))).toEqual(['new', 'old', 'mid']);
  });

  it('orders statuses live first, finished last, and a removed dataset last', () => {
    const runs = [
      run('done', 1, { status: 'completed', datasetName: null }),
      run('live', 2, { status: 'running', datasetName: 'Zebra notes' }),
      run('failed', 3, { status: 'failed', datasetName: 'alpha' }),
      run('waiting', 4, { status: 'queued', datasetName: 'Beta' }),
    ];
    expect(ids(runs, by('status'))).toEqual(['live', 'waiting', 'failed', 'done']);
    expect(ids(runs, by('status', 'descending'))).toEqual(['done', 'failed', 'waiting', 'live']);
    expect(ids(runs, by('dataset'))).toEqual(['failed', 'waiting', 'live', 'done']);
    expect(ids(runs, by('dataset', 'descending'))).toEqual(['live', 'waiting', 'failed', 'done']);
  });

  it('orders models by their label and steps by the steps done, then the steps planned', () => {
    const runs = [
      run('small', 1, { modelLabel: 't5-small', step: 500, totalSteps: 1000 }),
      run('byt5', 2, { modelLabel: 'builtin:byt5-tiny', step: 500, totalSteps: 500 }),
      run('base', 3, { modelLabel: 'T5-base', step: 20, totalSteps: 20_000 }),
    ];
    expect(ids(runs, by('model'))).toEqual(['byt5', 'base', 'small']);
    expect(ids(runs, by('steps'))).toEqual(['base', 'byt5', 'small']);
    expect(ids(runs, by('steps', 'descending'))).toEqual(['small', 'byt5', 'base']);
  });

  it('returns the items it was given, a new array, the given one untouched', () => {
    const items = [{ run: run('a', 1) }, { run: run('b', 2) }];
    const sorted = sortRuns(items, DEFAULT_RUNS_SORT, (item) => item.run);
    expect(sorted).toEqual([items[1], items[0]]);
    expect(sorted[0]).toBe(items[1]);
    expect(items.map((item) => item.run.id)).toEqual(['a', 'b']);
  });

  it("reads each row's value once, and no other column's: a row's losses are followed only while sorted by them", () => {
    // (The table's rows read their losses, names and labels from stores: each read there is a
    // dependency, so a loss arriving for one of 200 runs sorted them all again, and each
    // comparison read the values anew.)
    const reads: string[] = [];
    const counted = (base: SortableRun): SortableRun => {
      const out = {} as Record<string, unknown>;
      for (const [field, value] of Object.entries(base))
        Object.defineProperty(out, field, {
          enumerable: true,
          get: () => {
            reads.push(`${base.id}.${field}`);
            return value;
          },
        });
      return out as unknown as SortableRun;
    };
    const runs = ['e', 'b', 'd', 'a', 'c', 'f', 'h', 'g'].map((id, minute) => run(id, minute, { lastLoss: minute }));
    const readsOf = (sort: RunsSort) => {
      reads.length = 0;
      const sorted = sortRuns(runs, sort, counted).map((r) => r.id);
      return { sorted, reads: reads.filter((read) => !/\.(id|createdAt)$/.test(read)).sort() };
    };
    expect(readsOf(by('name'))).toEqual({
      sorted: ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'],
      reads: ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'].map((id) => `${id}.name`),
    });
    expect(readsOf(by('lastLoss', 'descending'))).toEqual({
      sorted: ['g', 'h', 'f', 'c', 'a', 'd', 'b', 'e'],
      reads: ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'].map((id) => `${id}.lastLoss`),
    });
    expect(readsOf(DEFAULT_RUNS_SORT).reads).toEqual([]);
  });
});

describe('sortableRun', () => {
  it("asks the stores for a row's dataset, model and losses only when the order needs them", () => {
    const asked: string[] = [];
    const listed = ['run 10', 'run 2', 'run 1'].map((name, minute) => ({
      ...run(`r${minute}`, minute, { name }),
      datasetId: minute === 0 ? null : `ds-${minute}`,
      model: 't5-small',
    }));
    const rows = (sort: RunsSort) => {
      asked.length = 0;
      const sorted = sortRuns(listed, sort, (item) =>
        sortableRun(item, {
          datasetName: (id) => (asked.push(`dataset ${id}`), id),
          modelLabel: (model) => (asked.push(`model ${item.id}`), model),
          losses: () => (asked.push(`losses ${item.id}`), { last: { loss: item.id === 'r1' ? 9 : 1 }, bestEval: null }),
        }),
      );
      return { sorted: sorted.map((r) => r.name), asked: asked.sort() };
    };
    expect(rows(by('name'))).toEqual({ sorted: ['run 1', 'run 2', 'run 10'], asked: [] });
    expect(rows(by('lastLoss', 'descending'))).toEqual({
      sorted: ['run 2', 'run 1', 'run 10'],
      asked: ['losses r0', 'losses r1', 'losses r2'],
    });
    // A removed dataset is a blank, asked of no store.
    expect(rows(by('dataset'))).toEqual({
      sorted: ['run 2', 'run 1', 'run 10'],
      asked: ['dataset ds-1', 'dataset ds-2'],
    });
  });
});

describe('nextRunsSort', () => {
  it('reverses the column sorted by; another column starts its natural way', () => {
    expect(nextRunsSort(by('lastLoss'), 'lastLoss')).toEqual(by('lastLoss', 'descending'));
    expect(nextRunsSort(by('lastLoss', 'descending'), 'lastLoss')).toEqual(by('lastLoss'));
    expect(nextRunsSort(DEFAULT_RUNS_SORT, 'name')).toEqual(by('name'));
    expect(nextRunsSort(DEFAULT_RUNS_SORT, 'bestEvalLoss')).toEqual(by('bestEvalLoss'));
    expect(nextRunsSort(DEFAULT_RUNS_SORT, 'started')).toEqual(by('started'));
    // Dates and amounts of work begin with the most: newest first, the most steps first.
    expect(nextRunsSort(by('name'), 'started')).toEqual(by('started', 'descending'));
    expect(nextRunsSort(by('name'), 'steps')).toEqual(by('steps', 'descending'));
  });
});

describe('columnSort', () => {
  it("says a column's direction when it is sorted by one of its keys, else nothing", () => {
    expect(columnSort(DEFAULT_RUNS_SORT, 'name', 'started')).toBe('descending');
    expect(columnSort(by('name'), 'name', 'started')).toBe('ascending');
    expect(columnSort(by('name'), 'lastLoss')).toBeUndefined();
  });
});

describe('sortedWords', () => {
  it('says the way a column is sorted as a person says it of what it holds', () => {
    expect(sortedWords(DEFAULT_RUNS_SORT)).toBe('sorted newest first');
    expect(sortedWords(by('started'))).toBe('sorted oldest first');
    expect(sortedWords(by('name'))).toBe('sorted A to Z');
    expect(sortedWords(by('model', 'descending'))).toBe('sorted Z to A');
    expect(sortedWords(by('dataset'))).toBe('sorted A to Z');
    // (the Status header's tooltip: "Running first, completed last")
    expect(sortedWords(by('status'))).toBe('sorted running first');
    expect(sortedWords(by('status', 'descending'))).toBe('sorted completed first');
    expect(sortedWords(by('steps', 'descending'))).toBe('sorted most first');
    expect(sortedWords(by('steps'))).toBe('sorted fewest first');
    expect(sortedWords(by('lastLoss'))).toBe('sorted lowest first');
    expect(sortedWords(by('bestEvalLoss', 'descending'))).toBe('sorted highest first');
  });
});

describe('runsSortFrom / runsSortText', () => {
  it('reads back what was stored', () => {
    for (const sort of [by('lastLoss', 'descending'), by('name'), DEFAULT_RUNS_SORT])
      expect(runsSortFrom(runsSortText(sort))).toEqual(sort);
  });

  it('reads nothing, broken text or an unknown column or direction as the default', () => {
    for (const saved of [null, '', '{', '[]', 'null', '{"key":"size","direction":"ascending"}', '{"key":"name"}'])
      expect(runsSortFrom(saved)).toEqual(DEFAULT_RUNS_SORT);
  });
});
