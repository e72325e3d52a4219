// Deterministic train/validation split by document hash: a document is held out when its
// hash-derived split key (documents.ts, uniform in [0, 1); a piece of a document cut for its
// size has its first piece's, import.ts) is below the fraction, so a document keeps its side
// when others are added. At least one validation document once
// there are two; a single document validates on itself, and the result says so.
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';

export interface SplitCandidate {
  readonly index: number;
  readonly splitKey: number;
}

export interface DatasetSplit {
  /** Indices of held-out documents, ascending. The rest train (all of them, when self-validating). */
  readonly validation: number[];
  readonly trainCount: number;
  readonly validationCount: number;
  /** One document: it trains and validates, so validation loss measures memorisation. */
  readonly isSelfValidation: boolean;
  readonly message: string | null;
}

export const DEFAULT_VALIDATION_FRACTION = 0.05;

/** Streams over the documents once; memory is O(validation documents). */
export function splitDocuments(
  docs: Iterable<SplitCandidate>,
  fraction: number = DEFAULT_VALIDATION_FRACTION,
): DatasetSplit {
  if (!(fraction > 0 && fraction <= 0.5))
    throw new RangeError(`Validation fraction must be in (0, 0.5], got ${fraction}`);
  const held: SplitCandidate[] = [];
  let lowest: SplitCandidate | null = null;
  let total = 0;
  for (const doc of docs) {
    total++;
    if (doc.splitKey < fraction) held.push(doc);
    if (lowest === null || doc.splitKey < lowest.splitKey) lowest = doc;
  }
  if (total === 0) throw new RangeError('Cannot split an empty dataset');
  if (total === 1 && lowest !== null) {
    return {
      validation: [lowest.index],
      trainCount: 1,
      validationCount: 1,
      isSelfValidation: true,
      message:
        'Only one document: it is used for both training and validation, so validation loss shows memorisation, not generalisation',
    };
  }
  let message: string | null = null;
  if (held.length === 0 && lowest !== null) {
    held.push(lowest);
    message = `No document fell in the ${fraction * 100}% validation share; holding out one document`;
  } else if (held.length === total) {
    held.sort((a, b) => a.splitKey - b.splitKey);
    held.pop(); // keep one document to train on
    message = 'Every document fell in the validation share; keeping one for training';
  }
  const validation = held.map((d) => d.index).sort((a, b) => a - b);
  return {
    validation,
    trainCount: total - validation.length,
    validationCount: validation.length,
    isSelfValidation: false,
    message,
  };
}

// The split file: which documents validate, saved with the dataset so nothing has to re-hash
// every document to find out. Little-endian: magic "SPFSPLT\0" · u32 version 1 · u32 flags
// (bit 0: self-validation) · u32 count · count × u32 validation ordinals (ascending).
const SPLIT_MAGIC = Buffer.from('SPFSPLT\0', 'latin1');
const SPLIT_VERSION = 1;

export interface StoredSplit {
  readonly validation: number[];
  readonly isSelfValidation: boolean;
}

/** Writes temp + fsync + rename, so a reader sees the old file or the whole new one. */
export function writeSplitFile(path: string, split: StoredSplit): void {
  const body = Buffer.alloc(20 + 4 * split.validation.length);
  SPLIT_MAGIC.copy(body, 0);
  body.writeUInt32LE(SPLIT_VERSION, 8);
  body.writeUInt32LE(split.isSelfValidation ? 1 : 0, 12);
  body.writeUInt32LE(split.validation.length, 16);
  split.validation.forEach((ordinal, i) => body.writeUInt32LE(ordinal, 20 + 4 * i));
  const temp = `${path}.tmp-${process.pid}`;
  const fd = openSync(temp, 'w');
  try {
    writeSync(fd, body);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, path);
}

/** The stored split, or null when the file is missing or not this version (recompute it then). */
export function readSplitFile(path: string): StoredSplit | null {
  if (!existsSync(path)) return null;
  const data = readFileSync(path);
  if (data.length < 20 || !data.subarray(0, 8).equals(SPLIT_MAGIC) || data.readUInt32LE(8) !== SPLIT_VERSION)
    return null;
  const count = data.readUInt32LE(16);
  if (data.length !== 20 + 4 * count) return null;
  const validation = Array.from({ length: count }, (_, i) => data.readUInt32LE(20 + 4 * i));
  return { validation, isSelfValidation: (data.readUInt32LE(12) & 1) === 1 };
}
