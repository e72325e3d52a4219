// Schema version 7: on Linux a run keeps, beside owner_pid and owner_started_at, the boot id and
// the owner's start in clock ticks since boot (processIdentity.ts), which tell its owner from a
// later process with the same pid without reading the wall clock, so a clock stepped while it
// trains (NTP after a virtual machine resumed, WSL after its host slept) does not make a live
// owner look gone. Rows written before, and on other systems, keep NULL: their start time says.

export const ownerIdentitySchema = `
ALTER TABLE runs ADD COLUMN owner_boot_id TEXT;
ALTER TABLE runs ADD COLUMN owner_start_ticks INTEGER;
`;
