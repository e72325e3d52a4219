// Schema version 8: each document keeps the split key its import gave it (engine/data/import.ts:
// its hash's, or for a piece of a document cut for its size, its first piece's), so a split
// worked out again when the split file is gone equals the one the import wrote, and reads no
// text to do it. Rows written before keep NULL: their key is their own text's hash, which is
// what their import used unless it cut documents (services/datasetSplit.ts says so then).

export const splitKeysSchema = `
ALTER TABLE documents ADD COLUMN split_key REAL;
`;
