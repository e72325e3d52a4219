// What runs.get, runs.compare and runs.metrics need of a run's metric points without reading
// them all: the value at the last step of each metric, the lowest value of one with its step
// (the best validation loss), and the series of some named metrics. A run of 25,000 steps holds
// ~100,000 points; reading them all took 470 ms per run, the summaries take well under 1 ms.
// All seek in the metrics table's primary key (run_id, name, step), schema 003: no index of
// their own.

import type { Db } from './db';

/**
 * The run's metric names, each found by one seek past the one before (a recursive CTE: SQLite
 * has no skip-scan without ANALYZE's statistics; https://sqlite.org/lang_with.html), then each
 * one's value at its highest step by a seek from the end. In name order, as RunRepository.metrics
 * lists them. Parameter: @id.
 */
export const lastMetricsQuery = `
WITH RECURSIVE names(name) AS (
  SELECT (SELECT MIN(name) FROM metrics WHERE run_id = @id)
  UNION ALL
  SELECT (SELECT MIN(m.name) FROM metrics m WHERE m.run_id = @id AND m.name > names.name)
  FROM names WHERE names.name IS NOT NULL
)
SELECT name,
  (SELECT value FROM metrics m WHERE m.run_id = @id AND m.name = names.name ORDER BY m.step DESC LIMIT 1) AS value
FROM names WHERE name IS NOT NULL ORDER BY name`;

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

/** A metric's points, in step order. */
export type MetricSeries = { step: number; value: number }[];

/** One metric's points in step order, by a seek in the primary key. Parameters: run, name. */
export const metricSeriesQuery = 'SELECT step, value FROM metrics WHERE run_id = ? AND name = ? ORDER BY step';

/**
 * The series of those of `names` that run `id` has, keyed in name order (SQLite's, as a read of
 * every point gives them) whatever order `names` is in; a repeated name counts once and no names
 * give none. A query a name: its rows are the points as they are, where one query for all the
 * names would repeat each point's name and need regrouping (75 ms against 41 ms for 75,000).
 */
export function namedMetricSeries(db: Db, id: string, names: readonly string[]): Map<string, MetricSeries> {
  const query = db.prepare(metricSeriesQuery);
  const series = new Map<string, MetricSeries>();
  for (const name of [...new Set(names)].sort(byStoredOrder)) {
    const points = query.all(id, name) as MetricSeries;
    if (points.length > 0) series.set(name, points);
  }
  return series;
}

/**
 * SQLite's BINARY order of text: its UTF-8 bytes, that is code points. NOTE: not JavaScript's
 * default sort, which compares UTF-16 units and puts an emoji before 'ｚ' (U+FF5A).
 */
function byStoredOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** Rows in name then step order, one list a name, in that order. */
export function groupByName(rows: readonly { name: string; step: number; value: number }[]): Map<string, MetricSeries> {
  const series = new Map<string, MetricSeries>();
  for (const row of rows) {
    let list = series.get(row.name);
    if (!list) series.set(row.name, (list = []));
    list.push({ step: row.step, value: row.value });
  }
  return series;
}
