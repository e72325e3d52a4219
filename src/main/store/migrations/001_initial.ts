// Schema version 1: the tables of DESIGN §6. Large binary data (checkpoints, tokenized
// token streams) lives in files under the data directory; rows here point at them with
// paths relative to the data directory.

export const initialSchema = `
CREATE TABLE datasets (
  id            TEXT PRIMARY KEY,
  name          TEXT NOT NULL,
  source_path   TEXT NOT NULL,
  source_hash   TEXT NOT NULL,
  format        TEXT NOT NULL,
  status        TEXT NOT NULL DEFAULT 'importing' CHECK (status IN ('importing', 'ready', 'failed')),
  stats_json    TEXT NOT NULL DEFAULT '{}',
  error         TEXT,
  created_at    TEXT NOT NULL
);

CREATE TABLE documents (
  id            INTEGER PRIMARY KEY,
  dataset_id    TEXT NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
  ordinal       INTEGER NOT NULL,
  text          TEXT NOT NULL,
  char_count    INTEGER NOT NULL,
  UNIQUE (dataset_id, ordinal)
);

CREATE TABLE tokenized_caches (
  id            INTEGER PRIMARY KEY,
  dataset_id    TEXT NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
  tokenizer_key TEXT NOT NULL,
  path          TEXT NOT NULL,
  token_count   INTEGER NOT NULL,
  created_at    TEXT NOT NULL,
  UNIQUE (dataset_id, tokenizer_key)
);

CREATE TABLE models (
  id            TEXT PRIMARY KEY,
  name          TEXT NOT NULL,
  kind          TEXT NOT NULL CHECK (kind IN ('base', 'finetuned')),
  path          TEXT NOT NULL,
  source        TEXT,
  config_json   TEXT NOT NULL DEFAULT '{}',
  -- A fine-tuned model remembers the run it came from (SQLite allows the forward reference).
  run_id        TEXT REFERENCES runs(id) ON DELETE SET NULL,
  created_at    TEXT NOT NULL
);

CREATE TABLE runs (
  id            TEXT PRIMARY KEY,
  name          TEXT NOT NULL,
  dataset_id    TEXT REFERENCES datasets(id) ON DELETE SET NULL,
  base_model_id TEXT REFERENCES models(id) ON DELETE SET NULL,
  config_json   TEXT NOT NULL,
  status        TEXT NOT NULL CHECK (status IN ('queued', 'running', 'paused', 'completed', 'failed', 'cancelled')),
  step          INTEGER NOT NULL DEFAULT 0,
  total_steps   INTEGER,
  created_at    TEXT NOT NULL,
  started_at    TEXT,
  finished_at   TEXT,
  elapsed_ms    INTEGER NOT NULL DEFAULT 0,
  error         TEXT
);

CREATE TABLE metrics (
  run_id        TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  step          INTEGER NOT NULL,
  name          TEXT NOT NULL,
  value         REAL NOT NULL,
  recorded_at   TEXT NOT NULL,
  PRIMARY KEY (run_id, name, step)
) WITHOUT ROWID;

CREATE TABLE checkpoints (
  id            INTEGER PRIMARY KEY,
  run_id        TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  step          INTEGER NOT NULL,
  path          TEXT NOT NULL,
  eval_json     TEXT NOT NULL DEFAULT '{}',
  created_at    TEXT NOT NULL,
  UNIQUE (run_id, step)
);

CREATE TABLE playground_history (
  id            INTEGER PRIMARY KEY,
  prompt        TEXT NOT NULL,
  model_ids_json TEXT NOT NULL,
  outputs_json  TEXT NOT NULL,
  settings_json TEXT NOT NULL DEFAULT '{}',
  created_at    TEXT NOT NULL
);

CREATE TABLE settings (
  key           TEXT PRIMARY KEY,
  value_json    TEXT NOT NULL,
  updated_at    TEXT NOT NULL
);

CREATE INDEX runs_by_status ON runs(status);
CREATE INDEX documents_by_dataset ON documents(dataset_id);
`;
