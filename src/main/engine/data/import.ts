// Streaming import of text into documents: files and folders → (sniff) decode → per-format reader
// → normalise → drop exact duplicates → `sink`. Memory stays bounded by the chunk size,
// the document cap and 8–16 bytes per distinct document (the duplicate set); nothing is
// written here — the caller's sink (the store, in one transaction) decides what persists,
// so a failed or cancelled import leaves no trace if the sink rolls back. The AbortSignal
// is honoured between documents and during every read (a read in flight is abandoned).
import { oddUtf16ByteNote, StreamingTextDecoder, type TextEncoding } from './decode';
import {
  addCuts,
  describeCuts,
  HashSet64,
  hashDocument,
  newCutCounts,
  normalizeDocument,
  totalCuts,
  type CutCounts,
  type SplitMode,
} from './documents';
import { DataError, type DataErrorCode } from './errors';
import type { FrontMatterFence } from './frontMatter';
import { createReader, DEFAULT_MAX_RECORD_CHARS, type RawDocumentSink, type TextConsumer } from './records';
import { sniffFile } from './encodingSniff';
import { readTwice } from './fileChunks';
import { fileWarnings, noTextIn } from './importNotes';
import { resolveSources, skipWarning, type SourceFile, type SourceFormat } from './sources';
import { plural } from '../../../shared/format';

export interface ImportOptions {
  /** JSONL field holding the text: a key spelled so, else a dotted path ("meta.body"). Default "text". */
  readonly field?: string;
  /** CSV/TSV column holding the text (header name). Default "text". */
  readonly column?: string;
  /** Default: blank-line for plain text, one document per record for JSONL/CSV/TSV. */
  readonly split?: SplitMode;
  readonly nfkc?: boolean;
  readonly collapseWhitespace?: boolean;
  /** Documents longer than this are cut (at a line break or space where one is near). Default 1,000,000 characters. */
  readonly maxDocumentChars?: number;
  /** A JSONL line or CSV/TSV field longer than this fails (memory stays bounded). Default 64 M characters. */
  readonly maxRecordChars?: number;
  /** Extensions picked up inside folders. Default: every supported one. */
  readonly extensions?: readonly string[];
  /** Read size. Default 1 MiB. */
  readonly chunkBytes?: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: ImportProgress) => void;
}

export interface ImportProgress {
  readonly file: string;
  readonly fileIndex: number;
  readonly fileCount: number;
  readonly bytesRead: number;
  readonly totalBytes: number;
  readonly documents: number;
  readonly duplicates: number;
}

export interface ImportedDocument {
  /** 0-based among the documents kept, in import order. */
  readonly index: number;
  readonly text: string;
  /** SHA-1 hex of `text`. */
  readonly hash: string;
  /**
   * In [0, 1): what split.ts compares with the validation fraction. The hash's (documents.ts
   * hashDocument), or for a piece of a document cut for its size, its first piece's.
   */
  readonly splitKey: number;
  readonly source: string;
  /** 1-based line of the record (JSONL/CSV/TSV); null for plain text. */
  readonly line: number | null;
}

export interface ImportedFileSummary {
  readonly path: string;
  readonly format: SourceFormat;
  readonly encoding: TextEncoding;
  readonly bytes: number;
  readonly documents: number;
  readonly invalidUtf8Replaced: number;
}

export interface ImportSummary {
  readonly files: ImportedFileSummary[];
  readonly documents: number;
  readonly characters: number;
  readonly bytes: number;
  readonly duplicatesDropped: number;
  readonly emptyDropped: number;
  readonly oversizedSplits: number;
  /** Things a person should know (files skipped, bytes replaced, documents cut, CSV fields spanning lines). */
  readonly warnings: string[];
}

export type DocumentSink = (doc: ImportedDocument) => void | Promise<void>;

interface Totals {
  documents: number;
  characters: number;
  duplicates: number;
  empty: number;
  cuts: CutCounts;
  bytesBefore: number;
  /** Markdown files whose front matter was left out. */
  frontMatter: number;
}

/** Imports `paths` (files or folders); each kept document goes to `sink` in order. */
export async function importDocuments(
  paths: readonly string[],
  sink: DocumentSink,
  options: ImportOptions = {},
): Promise<ImportSummary> {
  const warnings: string[] = [];
  const sources = await resolveSources(paths, {
    extensions: options.extensions,
    onSkip: (w) => warnings.push(w),
    signal: options.signal,
  });
  const run: Run = {
    options,
    sink,
    seen: new HashSet64(),
    totals: {
      documents: 0,
      characters: 0,
      duplicates: 0,
      empty: 0,
      cuts: newCutCounts(),
      bytesBefore: 0,
      frontMatter: 0,
    },
    warnings,
    fileCount: sources.length,
    totalBytes: sources.reduce((a, s) => a + s.bytes, 0),
    frontMatterFences: new Set(),
  };
  const { totals } = run;
  const files: ImportedFileSummary[] = [];
  for (let i = 0; i < sources.length; i++) {
    options.signal?.throwIfAborted();
    const source = sources[i];
    const file = await importOrSkip(run, source, i, source.isFromFolder || sources.length > 1);
    if (file === null) continue;
    files.push(file);
    warnings.push(...fileWarnings(source, file));
    totals.bytesBefore += file.bytes;
  }
  return summarize(run, files, paths);
}

/** Files that give no text and are skipped, not fatal, when among others (a folder, several files). */
const SKIPPED_AMONG_OTHERS: ReadonlySet<DataErrorCode> = new Set(['empty-file', 'binary-file']);

/**
 * Imports one file; one among others (`isAmongOthers`) that is empty or binary is skipped with a
 * note instead, while none of its documents has reached the sink. The sniff finds a NUL byte
 * anywhere before any text is kept; one found past kept text (the file changed after the sniff)
 * still fails the import: what was kept cannot be taken back.
 */
async function importOrSkip(
  run: Run,
  source: SourceFile,
  fileIndex: number,
  isAmongOthers: boolean,
): Promise<ImportedFileSummary | null> {
  const before: Totals = { ...run.totals, cuts: { ...run.totals.cuts } };
  try {
    return await importFile(run, source, fileIndex, isAmongOthers);
  } catch (e) {
    const isSkipped = e instanceof DataError && SKIPPED_AMONG_OTHERS.has(e.code);
    if (!isSkipped || !isAmongOthers || run.totals.documents !== before.documents) throw e;
    Object.assign(run.totals, before); // empty and duplicate documents of the file counted no more
    run.warnings.push(
      e.code === 'empty-file' ? `Skipped ${source.path}: it is empty` : skipWarning(source.path, e.message),
    );
    return null;
  }
}

/** The import's summary; no document at all is an error that names the paths and the files skipped. */
function summarize(run: Run, files: ImportedFileSummary[], paths: readonly string[]): ImportSummary {
  const { totals, warnings, options } = run;
  if (totals.documents === 0) {
    const skipped = warnings.filter((w) => w.startsWith('Skipped '));
    const why = [
      ...(totals.duplicates > 0 ? ['every document was a duplicate'] : []),
      ...skipped.slice(0, 3),
      ...(skipped.length > 3 ? [`${skipped.length - 3} more skipped`] : []),
    ];
    throw new DataError(
      'no-documents',
      `No text to import in ${paths.join(', ')}${why.length > 0 ? ` (${why.join('; ')})` : ''}`,
    );
  }
  const cutWarning = describeCuts(totals.cuts, options.maxDocumentChars ?? 1_000_000);
  if (cutWarning !== null) warnings.push(cutWarning);
  if (totals.frontMatter > 0)
    warnings.push(
      `Left out the front matter (the ${[...run.frontMatterFences].join(' or ')} block of title, date, tags) at the top of ${plural(totals.frontMatter, 'Markdown file')}`,
    );
  return {
    files,
    documents: totals.documents,
    characters: totals.characters,
    bytes: files.reduce((sum, file) => sum + file.bytes, 0), // as read, not as listed (sizeChangeNote)
    duplicatesDropped: totals.duplicates,
    emptyDropped: totals.empty,
    oversizedSplits: totalCuts(totals.cuts),
    warnings,
  };
}

/** What every file of one import shares. */
interface Run {
  readonly options: ImportOptions;
  readonly sink: DocumentSink;
  readonly seen: HashSet64;
  readonly totals: Totals;
  readonly warnings: string[];
  readonly fileCount: number;
  readonly totalBytes: number;
  /** The fences of the front matter left out ('---', '+++'), for the note that says so. */
  readonly frontMatterFences: Set<FrontMatterFence>;
}

interface FileCounts {
  documents: number;
  duplicates: number;
}

/** The readers' callback for one file: normalise, drop empty and duplicate documents, queue the rest. */
function documentKeeper(
  run: Run,
  source: SourceFile,
  pending: ImportedDocument[],
  counts: FileCounts,
): RawDocumentSink {
  const { totals, seen, options } = run;
  const normalize = { nfkc: options.nfkc ?? false, collapseWhitespace: options.collapseWhitespace ?? false };
  // The pieces of a document cut for its size share its first piece's split key, so that one
  // text never lands on both sides of the train/validation split.
  let documentSplitKey: number | null = null;
  return (raw, line, isContinued) => {
    if (!isContinued) documentSplitKey = null;
    const text = normalizeDocument(raw, normalize);
    if (text.length === 0) return void totals.empty++;
    const hash = hashDocument(text);
    documentSplitKey ??= hash.splitKey;
    if (!seen.add(hash.lo, hash.hi)) {
      counts.duplicates++;
      return void totals.duplicates++;
    }
    const index = totals.documents++;
    totals.characters += text.length;
    counts.documents++;
    pending.push({ index, text, hash: hash.hex, splitKey: documentSplitKey, source: source.path, line });
  };
}

/**
 * A file that gave no document: an error when given on its own, a note when among others
 * (`lacks` from noTextIn says why), or when every document in it was a duplicate.
 */
function noTextCheck(run: Run, source: SourceFile, counts: FileCounts, isAmongOthers: boolean, lacks: string): void {
  if (counts.documents > 0) return;
  if (counts.duplicates > 0)
    return void run.warnings.push(
      `${source.path} has no new text (every document in it is a duplicate of one imported before)`,
    );
  if (!isAmongOthers) throw new DataError('no-text', `${source.path} ${lacks}`, source.path);
  run.warnings.push(`${source.path} ${lacks}`);
}

async function importFile(
  run: Run,
  source: SourceFile,
  fileIndex: number,
  isAmongOthers: boolean,
): Promise<ImportedFileSummary> {
  const { options, totals } = run;
  const pending: ImportedDocument[] = [];
  const counts: FileCounts = { documents: 0, duplicates: 0 };
  const readerOptions = {
    field: options.field ?? 'text',
    column: options.column ?? 'text',
    split: options.split,
    maxDocumentChars: options.maxDocumentChars ?? 1_000_000,
    maxRecordChars: options.maxRecordChars ?? DEFAULT_MAX_RECORD_CHARS,
  };
  const reader = createReader(source.path, source.format, readerOptions, documentKeeper(run, source, pending, counts));
  const chunkBytes = options.chunkBytes ?? 1 << 20;
  // A file of up to one chunk is read once: the sniff's chunks are the import's.
  const reads = readTwice(source, chunkBytes, options.signal);
  const { isLegacy } = await sniffFile(source.path, reads.first);
  const decoder = new StreamingTextDecoder(source.path, source.bytes, isLegacy);
  const drain = async (): Promise<void> => {
    for (const doc of pending) {
      options.signal?.throwIfAborted();
      const r = run.sink(doc);
      if (r !== undefined) await r;
    }
    pending.length = 0;
  };
  let bytesRead = 0;
  for await (const chunk of reads.second()) {
    bytesRead += chunk.length;
    reader.push(decoder.push(chunk));
    await drain();
    options.onProgress?.({
      file: source.path,
      fileIndex,
      fileCount: run.fileCount,
      bytesRead: totals.bytesBefore + bytesRead,
      totalBytes: run.totalBytes,
      documents: totals.documents,
      duplicates: totals.duplicates,
    });
  }
  reader.push(decoder.end());
  reader.end();
  await drain();
  const lacks = noTextIn(source.format, readerOptions, reader.frontMatterFence);
  return settleFile(run, { source, reader, decoder, counts, isAmongOthers, lacks });
}

/**
 * A file read to its end, accounted for in the run: the cuts, notes and front matter its reader
 * met, a file that gave no document (noTextCheck), odd UTF-16; what the import says of it.
 */
function settleFile(
  run: Run,
  file: {
    readonly source: SourceFile;
    readonly reader: TextConsumer;
    readonly decoder: StreamingTextDecoder;
    readonly counts: FileCounts;
    readonly isAmongOthers: boolean;
    /** What the file lacks when it gave no document (noTextIn). */
    readonly lacks: string;
  },
): ImportedFileSummary {
  const { source, reader, decoder, counts } = file;
  addCuts(run.totals.cuts, reader.cuts);
  run.warnings.push(...reader.warnings);
  noTextCheck(run, source, counts, file.isAmongOthers, file.lacks);
  const fence = reader.frontMatterFence ?? null;
  if (fence !== null) {
    run.totals.frontMatter += 1;
    run.frontMatterFences.add(fence);
  }
  const report = decoder.report;
  if (report.hasOddUtf16Byte) run.warnings.push(oddUtf16ByteNote(source.path));
  return {
    path: source.path,
    format: source.format,
    encoding: report.encoding,
    bytes: report.bytes,
    documents: counts.documents,
    invalidUtf8Replaced: report.invalidSequences,
  };
}
