// Schema version 4: the Playground's prompt history, kept in the store instead of the browser
// profile (a `spanfill serve` on another port is another origin, whose localStorage starts
// empty). 001's playground_history (prompt, models, outputs, settings) was never written; the
// history is a list of prompts, newest first, one row per distinct prompt, in rowid order (the newest
// has the highest).

export const playgroundSchema = `
DROP TABLE playground_history;

CREATE TABLE playground_prompts (
  prompt        TEXT PRIMARY KEY,
  used_at       TEXT NOT NULL
);
`;
