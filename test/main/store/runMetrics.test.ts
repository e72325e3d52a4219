// What runs.get and runs.compare read of a run's metric points: the value at the last step of
// each metric, and the lowest value of one (the best validation loss) with its step; and what
// runs.metrics reads when asked for some metrics by name (the Runs page asks for four). Each
// answer is the one a read of every point gives (everyPoint below), on a run with many points
// stored out of step order, replaced, infinite, beside another run's; and each is found by seeks
// in the metrics table's primary key, never a scan of all the run's points. A series comes as
// columns (steps, values), as runs.metrics answers.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runConfigSchema } from '../../../src/shared/contract/runs';
import { openStore, type Store } from '../../../src/main/store/db';
import type { MetricColumns } from '../../../src/shared/contract/runs';
import { lastMetricsQuery, lowestMetricQuery } from '../../../src/main/store/runMetrics';
import { RunRepository } from '../../../src/main/store/runs';
import { addDatasetRow } from '../../support/storeRows';
import { tempDirs } from '../../support/tmp';

const tempDir = tempDirs('spanfill-store-run-metrics-');
const config = runConfigSchema.parse({ model: '/m', datasetId: 'ds-1', maxSteps: 10 });
/**
 * Names as a run has them, and some that sort apart (upper case, digits, beyond ASCII; an emoji
 * after 'ｚ' in SQLite's UTF-8 order but before it in UTF-16's), one with a quote.
 */
const NAMES = ['loss', 'lr', 'gradNorm', 'tokensPerSecond', 'eval.loss', 'eval.tokenAccuracy', 'Z', '9', 'ñ'].concat([
  "it's",
  '\u{1F600}',
  '\u{FF5A}',
]);

let store: Store;
let repo: RunRepository;
beforeEach(() => {
  store = openStore(tempDir());
  addDatasetRow(store.db);
  repo = new RunRepository(store.db);
  for (const id of ['r-1', 'r-2', 'r-empty']) repo.add({ id, name: id, config, totalSteps: 10, status: 'queued' });
});
afterEach(() => store.close());

/** A value of point `i` that goes up and down (a pseudo-random walk), so the lowest is anywhere. */
const wobble = (i: number, salt: number) => 2 + Math.sin(i * 12.9898 + salt) * 0.5 + 1 / (1 + i / 500);

/** `count` steps of every name, in batches of shuffled order, some replaced afterwards (a resumed step). */
function fill(id: string, count: number, salt: number): void {
  const points = NAMES.flatMap((name, n) =>
    Array.from({ length: count }, (_, i) => ({ step: (i * 7919) % count, name, value: wobble(i, salt + n) })),
  );
  for (let start = 0; start < points.length; start += 997) repo.addMetrics(id, points.slice(start, start + 997));
  repo.addMetrics(id, [
    { step: count - 1, name: 'loss', value: 0.5 + salt },
    { step: 3, name: 'eval.loss', value: -Infinity },
    { step: count + 10, name: 'gradNorm', value: Infinity },
  ]);
}

/** Every point of run `id` read at once (no seeks), as columns a name: in name then step order. */
function everyPoint(id: string): [string, MetricColumns][] {
  const rows = store.db
    .prepare('SELECT name, step, value FROM metrics WHERE run_id = ? ORDER BY name, step')
    .all(id) as { name: string; step: number; value: number }[];
  const series = new Map<string, { steps: number[]; values: number[] }>();
  for (const row of rows) {
    if (!series.has(row.name)) series.set(row.name, { steps: [], values: [] });
    series.get(row.name)?.steps.push(row.step);
    series.get(row.name)?.values.push(row.value);
  }
  return [...series];
}

/** The last value of each metric, in the order of a read of every point. */
function lastByFullRead(id: string): [string, number][] {
  return everyPoint(id).map(([name, { values }]) => [name, values[values.length - 1]]);
}

describe('a run’s metric summaries', () => {
  it("gives each metric's value at its last step, as a read of every point does, in the same order", () => {
    fill('r-1', 3000, 0);
    fill('r-2', 1000, 1);
    repo.addMetrics('r-1', [{ step: 1, name: 'only-one', value: 42 }]);
    for (const id of ['r-1', 'r-2', 'r-empty']) {
      const last = repo.lastMetrics(id);
      expect(Object.entries(last)).toEqual(lastByFullRead(id));
    }
    expect(repo.lastMetrics('r-1')).toMatchObject({ loss: 0.5, gradNorm: Infinity, 'only-one': 42 });
    expect(repo.lastMetrics('r-empty')).toEqual({});
    expect(repo.lastMetrics('r-missing')).toEqual({});
  });

  it('gives the lowest value of a metric with the first step it came at, as the minimum of every point', () => {
    fill('r-1', 3000, 0);
    fill('r-2', 1000, 1);
    for (const [id, name] of [
      ['r-1', 'loss'],
      ['r-1', 'eval.tokenAccuracy'],
      ['r-2', 'lr'],
    ]) {
      const { steps, values } = new Map(everyPoint(id)).get(name) ?? { steps: [], values: [] };
      const lowest = Math.min(...values);
      expect(repo.lowestMetric(id, name)).toEqual({ step: steps[values.indexOf(lowest)], value: lowest });
    }
    expect(repo.lowestMetric('r-1', 'eval.loss')).toEqual({ step: 3, value: -Infinity });
    expect(repo.lowestMetric('r-1', 'missing')).toBeUndefined();
    expect(repo.lowestMetric('r-empty', 'eval.loss')).toBeUndefined();
  });

  it('takes the earliest step of a lowest value reached more than once', () => {
    repo.addMetrics('r-1', [
      { step: 900, name: 'eval.loss', value: 1.25 },
      { step: 300, name: 'eval.loss', value: 1.25 },
      { step: 100, name: 'eval.loss', value: 2 },
      { step: 600, name: 'eval.loss', value: 1.5 },
    ]);
    expect(repo.lowestMetric('r-1', 'eval.loss')).toEqual({ step: 300, value: 1.25 });
  });

  it('finds both by seeks in the primary key, reading no other metric and no other run', () => {
    const plan = (sql: string, ...params: unknown[]) =>
      (store.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]).map((r) => r.detail);
    const reads = (details: string[]) => details.filter((detail) => /^(SCAN|SEARCH) (metrics|m)\b/.test(detail));
    const last = reads(plan(lastMetricsQuery, { id: 'r-1' }));
    const lowest = reads(plan(lowestMetricQuery, 'r-1', 'eval.loss'));
    expect(last).toHaveLength(3); // the first name, each next name, each name's last value
    expect(lowest).toEqual(['SEARCH metrics USING PRIMARY KEY (run_id=? AND name=?)']);
    for (const detail of last) expect(detail).toMatch(/^SEARCH (metrics|m) USING PRIMARY KEY \(run_id=\?/);
  });
});

/** What runs.metrics answered before it filtered in SQL: every point of the run, those of other names dropped. */
function filteredFullRead(id: string, names: readonly string[]): [string, MetricColumns][] {
  return everyPoint(id).filter(([name]) => names.includes(name));
}

describe('a run’s metric series by name', () => {
  it('gives what a read of every point filtered by name gives, in the same name and step order', () => {
    fill('r-1', 2000, 0);
    fill('r-2', 700, 1);
    const asked: string[][] = [
      ['loss', 'eval.loss', 'lr', 'tokensPerSecond'], // what the Runs page asks for
      ['tokensPerSecond', 'lr', 'eval.loss', 'loss'], // the same, asked in another order
      NAMES,
      ['ñ', 'Z', '9', "it's", '\u{1F600}', '\u{FF5A}'],
      ['gradNorm'],
    ];
    for (const id of ['r-1', 'r-2', 'r-empty', 'r-missing']) {
      for (const names of asked) expect([...repo.metrics(id, names)]).toEqual(filteredFullRead(id, names));
    }
    const byName = repo.metrics('r-1', ['tokensPerSecond', 'loss', 'eval.loss', 'gradNorm']);
    expect([...byName.keys()]).toEqual(['eval.loss', 'gradNorm', 'loss', 'tokensPerSecond']);
    for (const { steps, values } of byName.values()) expect(values).toHaveLength(steps.length);
    expect(byName.get('loss')?.steps).toEqual(Array.from({ length: 2000 }, (_, i) => i));
    expect(byName.get('loss')?.values.at(-1)).toBe(0.5);
    expect(byName.get('eval.loss')?.values[3]).toBe(-Infinity);
    expect(byName.get('gradNorm')?.steps.at(-1)).toBe(2010);
    expect(byName.get('gradNorm')?.values.at(-1)).toBe(Infinity);
    expect([...repo.metrics('r-2', ['\u{1F600}', '\u{FF5A}', 'Z']).keys()]).toEqual(['Z', '\u{FF5A}', '\u{1F600}']);
  });

  it('leaves out names the run does not have, counts a repeated name once, and gives none for no names', () => {
    fill('r-1', 200, 0);
    expect([...repo.metrics('r-1', ['missing', 'lr', 'LR', 'loss ', ''])]).toEqual(filteredFullRead('r-1', ['lr']));
    expect([...repo.metrics('r-1', ['missing'])]).toEqual([]);
    const twice = ['lr', 'loss', 'lr', 'loss', 'loss'];
    expect([...repo.metrics('r-1', twice)]).toEqual(filteredFullRead('r-1', ['loss', 'lr']));
    expect(repo.metrics('r-1', []).size).toBe(0); // an empty list asks for none, not for all
    expect(repo.metrics('r-1').size).toBe(NAMES.length); // no list asks for all
  });

  it('gives every series, with no names asked, as a read of every point gives them', () => {
    fill('r-1', 1500, 0);
    fill('r-2', 300, 1);
    repo.addMetrics('r-1', [{ step: 7, name: 'only-one', value: 42 }]);
    for (const id of ['r-1', 'r-2', 'r-empty', 'r-missing']) expect([...repo.metrics(id)]).toEqual(everyPoint(id));
    expect(repo.metrics('r-1').get('only-one')).toEqual({ steps: [7], values: [42] });
  });

  it('seeks each asked name in the primary key, reading no other metric and no other run', () => {
    fill('r-1', 200, 0);
    for (const sql of statementsOf(() => repo.metrics('r-1', ['loss', 'eval.loss', 'lr', 'tokensPerSecond', 'loss']))) {
      expect(planOf(sql)).toEqual(['SEARCH metrics USING PRIMARY KEY (run_id=? AND name=?)']); // no sort, no scan
    }
  });

  it('finds every name by seeks too when none are asked, never scanning the run', () => {
    fill('r-1', 200, 0);
    for (const sql of statementsOf(() => repo.metrics('r-1'))) {
      for (const detail of planOf(sql).filter((d) => /^(SCAN|SEARCH) (metrics|m)\b/.test(d)))
        expect(detail).toMatch(/^SEARCH (metrics|m) USING PRIMARY KEY \(run_id=\?/);
    }
  });
});

/** The SQL of each statement `read` prepares. */
function statementsOf(read: () => unknown): string[] {
  const prepare = vi.spyOn(store.db, 'prepare');
  read();
  const statements = prepare.mock.calls.map(([sql]) => sql);
  prepare.mockRestore();
  expect(statements.length).toBeGreaterThan(0);
  return statements;
}

/** What SQLite's EXPLAIN QUERY PLAN says of `sql` (? and @id left unbound). */
function planOf(sql: string): string[] {
  const unbound = sql.includes('@id') ? [{ id: null }] : Array.from({ length: sql.split('?').length - 1 }, () => null);
  const plan = store.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...unbound) as { detail: string }[];
  return plan.map((row) => row.detail);
}
