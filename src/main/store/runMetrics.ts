// What runs.get, runs.compare and runs.metrics need of a run's metric points without reading
// them all: the value at the last step of each metric, the lowest value of one with its step
// (the best validation loss), and the series of some named metrics, as columns. A run of 25,000
// steps holds ~100,000 points; reading them all took 470 ms per run, the summaries take well
// under 1 ms. All seek in the metrics table's primary key (run_id, name, step), schema 003: no
// index of their own.

import type { MetricColumns } from '../../shared/contract/runs';
import type { Db } from './db';

/**
 * The run's metric names, each found by one seek past the one before (a recursive CTE: SQLite
 * has no skip-scan without ANALYZE's statistics; https://sqlite.org/lang_with.html). Parameter: @id.
 */
const metricNames = `
WITH RECURSIVE names(name) AS (
  SELECT (SELECT MIN(name) FROM metrics WHERE run_id = @id)
  UNION ALL
  SELECT (SELECT MIN(m.name) FROM metrics m WHERE m.run_id = @id AND m.name > names.name)
  FROM names WHERE names.name IS NOT NULL
)`;

/**
 * The run's metric names (metricNames), then each one's value at its highest step by a seek from
 * the end. In name order, as RunRepository.metrics lists them. Parameter: @id.
 */
export const lastMetricsQuery = `${metricNames}
SELECT name,
  (SELECT value FROM metrics m WHERE m.run_id = @id AND m.name = names.name ORDER BY m.step DESC LIMIT 1) AS value
FROM names WHERE name IS NOT NULL ORDER BY name`;

/** The run's metric names (metricNames), in name order. Parameter: @id. */
export const metricNamesQuery = `${metricNames}
SELECT name FROM names WHERE name IS NOT NULL ORDER BY name`;

/** The lowest value of a metric and the earliest step it came at (the metric's points only). Parameters: run, name. */
export const lowestMetricQuery =
  'SELECT step, value FROM metrics WHERE run_id = ? AND name = ? ORDER BY value, step LIMIT 1';

/** The value at its last stored step of each metric run `id` has, by name (in name order). */
export function lastMetricValues(db: Db, id: string): Record<string, number> {
  const rows = db.prepare(lastMetricsQuery).all({ id }) as { name: string; value: number }[];
  return Object.fromEntries(rows.map((row) => [row.name, row.value]));
}

/** The lowest value of metric `name` of run `id` and the earliest step it came at; undefined without points. */
export function lowestMetricPoint(db: Db, id: string, name: string): { step: number; value: number } | undefined {
  return db.prepare(lowestMetricQuery).get(id, name) as { step: number; value: number } | undefined;
}

/** One metric's steps, and its values, in step order: a seek in the primary key each. Parameters: run, name. */
export const metricStepsQuery = 'SELECT step FROM metrics WHERE run_id = ? AND name = ? ORDER BY step';
export const metricValuesQuery = 'SELECT value FROM metrics WHERE run_id = ? AND name = ? ORDER BY step';

/**
 * The series of run `id` as columns: those of `names` it has, or with no `names` all it has
 * (metricNamesQuery), keyed in name order (SQLite's, as a read of every point gives them)
 * whatever order `names` is in; a repeated name counts once and an empty list gives none.
 * NOTE: each column is read on its own with pluck, so SQLite's rows become the two arrays with
 * no object or array a point (12 runs × 4 metrics of 25,000 steps: ~0.4 s against ~0.8 s as
 * {step, value} rows); both in one read transaction, so that a trainer in another process that
 * adds points meanwhile cannot make the two columns of a series of different points.
 */
export function metricColumns(db: Db, id: string, names?: readonly string[]): Map<string, MetricColumns> {
  const steps = db.prepare(metricStepsQuery).pluck();
  const values = db.prepare(metricValuesQuery).pluck();
  const read = (): Map<string, MetricColumns> => {
    const asked = names ?? (db.prepare(metricNamesQuery).pluck().all({ id }) as string[]);
    const series = new Map<string, MetricColumns>();
    for (const name of [...new Set(asked)].sort(byStoredOrder)) {
      const column = steps.all(id, name) as number[];
      if (column.length > 0) series.set(name, { steps: column, values: values.all(id, name) as number[] });
    }
    return series;
  };
  return db.transaction(read)();
}

/**
 * SQLite's BINARY order of text: its UTF-8 bytes, that is code points. NOTE: not JavaScript's
 * default sort, which compares UTF-16 units and puts an emoji before 'ｚ' (U+FF5A).
 */
function byStoredOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}
