// The Runs table's filter: every word typed must be in a run's name, dataset or model (a word of
// one character where a word starts there) or start its id (case ignored), in the status group
// chosen, each status in one group; what the line over the table and an empty result say; a stored filter reads back field by field, anything else as no filter.

import { describe, expect, it } from 'vitest';
import {
  filterRuns,
  isFiltering,
  matchesFilter,
  MAX_RUNS_FILTER_CHARS,
  NO_RUNS_FILTER,
  noRunMatchesText,
  runsFilterFrom,
  runsFilterText,
  runsShownText,
  STATUS_GROUPS,
  statusGroupCounts,
  type FilterableRun,
  type RunsFilter,
} from '../../../../src/renderer/src/lib/runsFilter';
import type { RunStatusName } from '../../../../src/shared/contract/runs';

function run(id: string, fields: Partial<FilterableRun> = {}): FilterableRun {
  return {
    id,
    name: `Run ${id}`,
    status: 'completed',
    model: '/models/t5-small',
    datasetName: 'Wiki notes',
    modelLabel: 't5-small',
    ...fields,
  };
}

const ALL_STATUSES: readonly RunStatusName[] = [
  'queued',
  'running',
  'paused',
  'stopped',
  'interrupted',
  'failed',
  'completed',
];
const by = (text: string, status: RunsFilter['status'] = 'all'): RunsFilter => ({ text, status });
/** That `r` passes the filter for each of `found` and for none of `notFound`. */
function expectFound(r: FilterableRun, found: readonly string[], notFound: readonly string[]): void {
  for (const text of found) expect(matchesFilter(r, by(text)), text).toBe(true);
  for (const text of notFound) expect(matchesFilter(r, by(text)), text).toBe(false);
}

describe('matchesFilter', () => {
  it('finds the words typed in the name, id, dataset or model, case ignored', () => {
    const r = run('r-7k2', {
      name: 'Lr Sweep 3',
      datasetName: 'Poems',
      modelLabel: 'flan-t5-base',
      model: 'hub:google/flan-t5-base',
    });
    expectFound(
      r,
      ['sweep', 'LR SWEEP', 'r-7K2', 'poems', 'FLAN', 'google/flan', '  sweep   poems ', 'sweep 3'],
      ['sweep 4', 'wiki', 'sweep wiki', 'r-7k3'],
    );
  });

  it('finds an id from its start only, with or without its r-, so a short word is not found inside its hex', () => {
    // Three runs named by a letter, with hex ids as the service makes them, two holding a "c" inside.
    const probes = [
      run('r-a8cd22ff', { name: 'probe A' }),
      run('r-80d40c3f', { name: 'probe B' }),
      run('r-d1980d60', { name: 'probe C' }),
    ];
    const shown = (text: string) => probes.filter((r) => matchesFilter(r, by(text))).map((r) => r.name);
    expect(shown('probe c')).toEqual(['probe C']);
    expect(shown('d')).toEqual([]); // a letter inside "Wiki notes" or "t5-small" starts no word there; ids need two
    expect(shown('probe b')).toEqual(['probe B']);
    expect(shown('r-80d4')).toEqual(['probe B']);
    expect(shown('80D4')).toEqual(['probe B']);
    expect(shown('d1980d60')).toEqual(['probe C']);
    expect(shown('r-')).toHaveLength(3);
    expect(shown('0d40')).toEqual([]); // inside the id, not its start
    expect(shown('cd22')).toEqual([]);
  });

  it('finds a one-character word only where a word starts in the name, dataset or model; a longer one anywhere', () => {
    const r = run('r-1', {
      name: 'sweep 12',
      datasetName: 'harbour.txt',
      modelLabel: 'byt5-tiny',
      model: 'builtin:byt5-tiny',
    });
    expectFound(r, ['1', 'S', 'h', 't', 'b', 'eep', 'our', 'yt5'], ['2', 'a', 'w', 'y', 'x', '5']);
  });

  it('finds a model folder by its own name, not by the folders above it', () => {
    for (const model of ['/tmp/tmp.E2x9/work/models/t5-small', 'C:\\Users\\Ann2\\models\\t5-small\\']) {
      const r = run('r-1', { name: 'one', modelLabel: 't5-small', model });
      expect(matchesFilter(r, by('T5-SMALL')), model).toBe(true);
      for (const text of ['2', 'tmp', 'users', 'work'])
        expect(matchesFilter(r, by(text)), `${model} ${text}`).toBe(false);
    }
  });

  it('takes any run for blank text, and one whose dataset was removed by its other fields only', () => {
    expect(matchesFilter(run('a'), by('  '))).toBe(true);
    const orphan = run('a', { datasetName: null });
    expect(matchesFilter(orphan, by('null'))).toBe(false);
    expect(matchesFilter(orphan, by('run a'))).toBe(true);
  });

  it('puts every status in one group, and shows a group only its statuses', () => {
    const groupsOf = (status: RunStatusName) =>
      STATUS_GROUPS.filter((g) => g.value !== 'all' && matchesFilter(run('a', { status }), by('', g.value))).map(
        (g) => g.value,
      );
    expect(Object.fromEntries(ALL_STATUSES.map((status) => [status, groupsOf(status)]))).toEqual({
      queued: ['training'],
      running: ['training'],
      paused: ['stopped'],
      stopped: ['stopped'],
      interrupted: ['failed'],
      failed: ['failed'],
      completed: ['completed'],
    });
    expect(ALL_STATUSES.every((status) => matchesFilter(run('a', { status }), by('', 'all')))).toBe(true);
  });

  it('needs both the words and the status', () => {
    const failed = run('a', { name: 'sweep', status: 'failed' });
    expect(matchesFilter(failed, by('sweep', 'failed'))).toBe(true);
    expect(matchesFilter(failed, by('sweep', 'completed'))).toBe(false);
    expect(matchesFilter(failed, by('other', 'failed'))).toBe(false);
  });
});

describe('filterRuns', () => {
  it('keeps the order given, reading each item through valuesOf', () => {
    const items = [{ r: run('c', { status: 'failed' }) }, { r: run('b') }, { r: run('a', { status: 'interrupted' }) }];
    expect(filterRuns(items, by('', 'failed'), (item) => item.r).map((item) => item.r.id)).toEqual(['c', 'a']);
    expect(filterRuns(items, NO_RUNS_FILTER, (item) => item.r)).toEqual(items);
    expect(filterRuns(items, by('zzz'), (item) => item.r)).toEqual([]);
  });
});

describe('what the screen says', () => {
  it('counts the runs in each status choice', () => {
    const runs = ALL_STATUSES.map((status) => ({ status }));
    expect(statusGroupCounts(runs)).toEqual({ all: 7, training: 2, stopped: 2, failed: 2, completed: 1 });
    expect(statusGroupCounts([])).toEqual({ all: 0, training: 0, stopped: 0, failed: 0, completed: 0 });
  });

  it('says how many runs show of all, and the ticked runs the filter hides', () => {
    expect(runsShownText(12, 12, 0, false)).toBe('12 runs');
    expect(runsShownText(1, 1, 0, false)).toBe('1 run');
    expect(runsShownText(3, 1200, 0, true)).toBe('3 of 1,200 runs shown');
    expect(runsShownText(0, 1, 0, true)).toBe('0 of 1 run shown');
    expect(runsShownText(3, 12, 1, true)).toBe(
      '3 of 12 runs shown; 1 ticked run hidden by the filter is still compared',
    );
    expect(runsShownText(0, 12, 2, true)).toBe(
      '0 of 12 runs shown; 2 ticked runs hidden by the filter are still compared',
    );
  });

  it('says what no run matched', () => {
    expect(noRunMatchesText(by(' sweep 9 '))).toBe('No run has “sweep 9” in its name, id, dataset or model.');
    expect(noRunMatchesText(by('', 'failed'))).toBe('No run is failed or interrupted.');
    expect(noRunMatchesText(by('sweep', 'training'))).toBe(
      'No run that is training or queued has “sweep” in its name, id, dataset or model.',
    );
  });

  it('filters when words are typed or a status chosen, not for blank text', () => {
    expect(isFiltering(NO_RUNS_FILTER)).toBe(false);
    expect(isFiltering(by(' \t'))).toBe(false);
    expect(isFiltering(by('a'))).toBe(true);
    expect(isFiltering(by('', 'completed'))).toBe(true);
  });
});

describe('the stored filter', () => {
  it('reads back as it was stored; no filter stores nothing', () => {
    const filter = by('sweep', 'failed');
    expect(runsFilterFrom(runsFilterText(filter))).toEqual(filter);
    expect(runsFilterText(NO_RUNS_FILTER)).toBeNull();
    expect(runsFilterFrom(null)).toEqual(NO_RUNS_FILTER);
  });

  it('reads each field that does not hold as none, the other as stored', () => {
    expect(runsFilterFrom('{"text":"sweep","status":"crashed"}')).toEqual(by('sweep'));
    expect(runsFilterFrom('{"text":7,"status":"completed"}')).toEqual(by('', 'completed'));
    expect(runsFilterFrom(JSON.stringify({ text: 'x'.repeat(MAX_RUNS_FILTER_CHARS + 9) })).text).toHaveLength(
      MAX_RUNS_FILTER_CHARS,
    );
    for (const broken of ['{"text":', '"sweep"', '[1]', 'null', '42'])
      expect(runsFilterFrom(broken), broken).toEqual(NO_RUNS_FILTER);
  });
});
