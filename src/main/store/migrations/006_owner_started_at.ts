// Schema version 6: a run keeps when the process that owns it started (epoch ms, beside
// owner_pid), so that a pid another process has since taken (after a reboot, or once pids wrap)
// is not taken for its owner (processIdentity.ts). Rows written before keep NULL: for them the
// pid alone says whether their owner lives, as it did.

export const ownerStartedAtSchema = `
ALTER TABLE runs ADD COLUMN owner_started_at INTEGER;
`;
