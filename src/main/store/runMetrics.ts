// What runs.get and runs.compare need of a run's metric points without reading them all: the
// value at the last step of each metric, and the lowest value of one with its step (the best
// validation loss). A run of 25,000 steps holds ~100,000 points; reading them all took 470 ms
// per run, these take well under 1 ms. Both seek in the metrics table's primary key
// (run_id, name, step), schema 003: no index of their own.

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
