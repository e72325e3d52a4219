// Schema version 2: what a registered model is (issue #13). Rows of `models` now say where
// the model came from (a Hub repository at a pinned commit, a folder the person imported, or
// a training run), how big it is and what it is, so the UI and `spanfill models` can list
// them without opening the files. `source` holds the repository id or the folder path; one
// row per (source kind, source, commit).

export const modelsSchema = `
ALTER TABLE models ADD COLUMN source_kind TEXT NOT NULL DEFAULT 'folder' CHECK (source_kind IN ('hub', 'folder', 'run'));
ALTER TABLE models ADD COLUMN revision TEXT;
ALTER TABLE models ADD COLUMN commit_sha TEXT;
ALTER TABLE models ADD COLUMN size_bytes INTEGER NOT NULL DEFAULT 0;
ALTER TABLE models ADD COLUMN model_type TEXT;
ALTER TABLE models ADD COLUMN parameter_count INTEGER;
CREATE UNIQUE INDEX models_by_source ON models (source_kind, source, IFNULL(commit_sha, ''));
`;
