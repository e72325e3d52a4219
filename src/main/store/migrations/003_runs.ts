// Schema version 3: training runs (issue #10). The runs table of 001 could not say 'stopped'
// or 'interrupted', nor which provider ran and which processes own a run; SQLite cannot alter
// a CHECK, so runs, metrics and checkpoints are created again. No release wrote a run before
// this version, so nothing is lost. Metrics are read as series (run, name, step ordered); the
// primary key serves those reads. Checkpoint files live under <data>/runs/<id>/checkpoints.

export const runsSchema = `
DROP TABLE checkpoints;
DROP TABLE metrics;
DROP INDEX IF EXISTS runs_by_status;
DROP TABLE runs;

CREATE TABLE runs (
  id            TEXT PRIMARY KEY,
  name          TEXT NOT NULL,
  dataset_id    TEXT REFERENCES datasets(id) ON DELETE SET NULL,
  base_model    TEXT NOT NULL,
  config_json   TEXT NOT NULL,
  status        TEXT NOT NULL CHECK (status IN ('queued', 'running', 'paused', 'completed', 'stopped', 'interrupted', 'failed')),
  step          INTEGER NOT NULL DEFAULT 0,
  total_steps   INTEGER NOT NULL,
  created_at    TEXT NOT NULL,
  started_at    TEXT,
  finished_at   TEXT,
  elapsed_ms    INTEGER NOT NULL DEFAULT 0,
  error         TEXT,
  provider      TEXT,
  owner_pid     INTEGER,
  host_pid      INTEGER
);

CREATE TABLE metrics (
  run_id        TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  name          TEXT NOT NULL,
  step          INTEGER NOT NULL,
  value         REAL NOT NULL,
  PRIMARY KEY (run_id, name, step)
) WITHOUT ROWID;

CREATE TABLE checkpoints (
  run_id        TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  step          INTEGER NOT NULL,
  path          TEXT NOT NULL,
  eval_json     TEXT,
  is_best       INTEGER NOT NULL DEFAULT 0,
  created_at    TEXT NOT NULL,
  PRIMARY KEY (run_id, step)
) WITHOUT ROWID;

CREATE INDEX runs_by_status ON runs(status);
`;
