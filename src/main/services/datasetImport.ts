// Importing files as a dataset: engine/data reads and splits the documents (streaming),
// this file writes them to the store in batched inserts, emits progress events, writes the
// validation split and marks the dataset ready. A failed or cancelled import deletes its
// documents (in batches on a disk short of room), files and row, leaving the store as it was,
// but for one that failed after the page or window that asked for it went (reloaded or closed:
// the import goes on without it), which keeps its row as 'failed' with why, for the page that
// comes next to say. One whose row goes leaves a note of how it ended (failed, and why; or
// cancelled: store/importEndings.ts) for another process on the data directory whose screen
// listed it as importing. Where even that finds no room, the row stays 'importing' until a later
// removeAbandonedImports, which also clears imports abandoned by a process that died.

import { optionalDisplayName } from '../../shared/contract/displayName';
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { DatasetStats } from '../../shared/contract/datasets';
import type { SplitMode } from '../engine/data/documents';
import { importDocuments, type ImportedDocument, type ImportSummary } from '../engine/data/import';
import { DEFAULT_VALIDATION_FRACTION, splitDocuments, writeSplitFile, type DatasetSplit } from '../engine/data/split';
import type { DatasetRepository, DatasetRow } from '../store/datasets';
import type { ImportEnding } from '../store/importEndings';
import { isRecordedProcessAlive, recordOfThisProcess } from '../processIdentity';
import { datasetSplitPath, datasetTokenDir, removeDatasetFiles } from './datasetFiles';
import { announceImportEnded } from './datasetsImportEnded';
import { toApiError } from './errors';
import { numberedName, numberedNote, refuseOthersId } from './idOrName';
import type { EventBus } from './events';
import { defaultImportName, nameAfterDocuments, RENAME_EITHER } from './datasetsImportName';
import { ApiError, errorMessage } from '../../shared/errors';
import { uploadIdPattern, uploadsFolder } from '../../shared/upload';

export interface DatasetImportRequest {
  readonly paths: readonly string[];
  readonly name?: string;
  readonly field?: string;
  readonly column?: string;
  readonly split?: SplitMode;
  readonly nfkc?: boolean;
  readonly collapseWhitespace?: boolean;
  readonly validationFraction?: number;
  /**
   * Paths the dataset and its messages call by another name: the temp file `spanfill import -`
   * saved standard input to, as "standard input" (cli/commands/datasets-stdin.ts). Not in the
   * contract: a call from a window cannot give it.
   */
  readonly namedAs?: ReadonlyMap<string, string>;
  /**
   * Whether the page or window that asked for the import has gone (its connection closed:
   * CallContext.signal): a failure is then kept as a 'failed' row with why, since nobody got the
   * answer; otherwise the caller is told and the row goes. Not in the contract.
   */
  readonly isCallerGone?: () => boolean;
}

export interface DatasetImportDeps {
  readonly repo: DatasetRepository;
  readonly events: EventBus;
  readonly dataDir: string;
}

const INSERT_BATCH = 2000;

/** Ids of imports running in this process, whichever DatasetService instance runs them. */
const importsInThisProcess = new Set<string>();

/** Who imports a dataset still 'importing': this process, another live one (its pid), or none any more. */
export type ImportOwner =
  { readonly is: 'here' } | { readonly is: 'elsewhere'; readonly pid: number } | { readonly is: 'gone' };

/**
 * The importer an 'importing' row records, as it stands now: a process that died (killed,
 * crashed, a second Ctrl-C that skipped cleanup, a reboot; its pid possibly taken by another
 * process since: processIdentity.ts) is gone.
 */
export function importOwner(row: DatasetRow): ImportOwner {
  const pid = row.importingPid;
  if (pid === null) return { is: 'gone' };
  // Our own pid: live if any service in this process is importing it (else the pid was
  // reused after the process that wrote the row died).
  if (pid === process.pid) return importsInThisProcess.has(row.id) ? { is: 'here' } : { is: 'gone' };
  const importing = {
    pid,
    ranAt: row.importingStartedAt,
    bootId: row.importingBootId,
    startTicks: row.importingStartTicks,
  };
  return isRecordedProcessAlive(importing) ? { is: 'elsewhere', pid } : { is: 'gone' };
}

/**
 * Why a dataset another live process imports cannot be removed or cancelled from here: only
 * that process can stop its import (`action`: what was asked, and what to do instead).
 */
export function importedElsewhereMessage(row: DatasetRow, pid: number, action: 'remove' | 'cancel'): string {
  const whose =
    `Dataset ${row.id} ("${row.name}") is being imported by another process (pid ${pid}: a \`spanfill import\` ` +
    'in a terminal, or another Spanfill app or `spanfill serve` on this data directory)';
  const there = 'Ctrl-C in its terminal, or the Cancel button beside its progress in the window that started it';
  return action === 'remove'
    ? `${whose}; it can be removed once that import ends: cancel it there (${there}) or wait for it to finish`
    : `${whose}; only that process can cancel it: ${there}`;
}

/**
 * Deletes 'importing' datasets whose importing process is gone (importOwner), with their files.
 * A live process's import is left alone: the CLI and the app may share a data directory. Run
 * when a service opens the store and, in the app, at each look for other processes' changes
 * (datasetsWatch.ts), so a killed `spanfill import` does not stay "importing" on its screen.
 */
export function removeAbandonedImports(deps: Pick<DatasetImportDeps, 'repo' | 'dataDir'>): string[] {
  return deps.repo
    .importing()
    .filter((row) => importOwner(row).is === 'gone' && removeLeftovers(deps, row.id))
    .map((row) => row.id);
}

/**
 * Deletes what an import that failed or was abandoned stored: its files first (room the delete
 * may need), then its documents in batches and its row (as deleteGradually), noting how it
 * ended (`ending`, for an import this process ran) before the row goes, so that a process that
 * sees the row go finds the note. False, with the row kept 'importing', when that cannot be done yet,
 * as on a disk the import filled: its importer is gone once the import has ended, so
 * removeAbandonedImports tries again at the next open of the store (every command's) and, in
 * the app, at each look for other processes' changes. It never throws: a store that cannot be
 * cleared yet must still open, so that `runs rm` and `datasets rm` can free space.
 */
function removeLeftovers(
  deps: Pick<DatasetImportDeps, 'repo' | 'dataDir'>,
  id: string,
  ending?: ImportEnding,
): boolean {
  // A folder that stays once its row is gone is an orphan, which the next open deletes.
  attempt(() => removeDatasetFiles(deps.dataDir, id));
  // (the documents first: on a disk the import filled, they make the room for the note)
  const isEmptied = attempt(() => deps.repo.deleteDocuments(id));
  if (ending !== undefined) deps.repo.endings?.note(id, ending);
  return isEmptied && attempt(() => deps.repo.delete(id));
}

/**
 * A failed import's documents and files go; its row stays as 'failed' with `reason`. Where its
 * documents cannot be deleted yet (a full disk), the row stays 'importing' for
 * removeAbandonedImports, as removeLeftovers leaves it; never throws.
 */
function keepFailure(deps: Pick<DatasetImportDeps, 'repo' | 'dataDir'>, id: string, reason: string): void {
  attempt(() => removeDatasetFiles(deps.dataDir, id));
  attempt(() => {
    deps.repo.deleteDocuments(id);
    deps.repo.markFailed(id, reason);
  });
}

/** Whether `work` ran without throwing. */
function attempt(work: () => unknown): boolean {
  try {
    work();
    return true;
  } catch {
    return false;
  }
}

/** This process as the importer a dataset's row records (removeAbandonedImports reads it back). */
function importingByThisProcess(): Pick<
  Parameters<DatasetRepository['create']>[0],
  'importingPid' | 'importingStartedAt' | 'importingBootId' | 'importingStartTicks'
> {
  const { pid, ranAt, bootId, startTicks } = recordOfThisProcess();
  return { importingPid: pid, importingStartedAt: ranAt, importingBootId: bootId, importingStartTicks: startTicks };
}

/**
 * The importing dataset's row, under the name given or made from its paths; a name another
 * dataset has is numbered rather than refused (the import's work is not lost over it), and the
 * note says so.
 */
function createImportRow(
  deps: DatasetImportDeps,
  id: string,
  request: DatasetImportRequest,
  given: string | undefined,
  shown: (text: string) => string,
): { name: string; nameNote: string | undefined } {
  const asked = given ?? defaultImportName(request.paths);
  // As `datasets rename` refuses it: an id wins over a name, so that name could never find it.
  // (datasets.ts's DATASET_KIND in words; that module imports this one.)
  refuseOthersId(id, asked, deps.repo.states(), { one: 'dataset', many: 'datasets', command: 'spanfill datasets' });
  const row = {
    id,
    name: asked,
    sourcePath: shown(distinctPaths(request.paths).join(', ')),
    ...importingByThisProcess(),
  };
  const name = deps.repo.createUnderFreeName(row, (n) => numberedName(asked, n));
  return {
    name,
    nameNote: name === asked ? undefined : numberedNote(name, asked, deps.repo.states(), 'dataset', RENAME_EITHER),
  };
}

/** Imports `request.paths` as dataset `id`; resolves when it is ready, rejects with an ApiError-mapped error. */
export async function importDataset(
  deps: DatasetImportDeps,
  id: string,
  request: DatasetImportRequest,
  signal: AbortSignal,
): Promise<void> {
  const fraction = request.validationFraction ?? DEFAULT_VALIDATION_FRACTION;
  const shown = shownNames(deps.dataDir, request.namedAs);
  const given = optionalDisplayName(request.name);
  const named = createImportRow(deps, id, request, given, shown);
  importsInThisProcess.add(id);
  deps.events.emit('datasets.statusChanged', { datasetId: id, status: 'importing' });
  try {
    const { summary, sourceHash, splitKeys } = await storeDocuments(deps, id, request, signal);
    // Not after a first file that was skipped (datasetsImportName.ts).
    const { nameNote } =
      given === undefined ? nameAfterDocuments(deps.repo, id, request.paths, summary.files, named) : named;
    const split = splitDocuments(
      (function* () {
        for (let i = 0; i < summary.documents; i++) yield { index: i, splitKey: splitKeys[i] };
      })(),
      fraction,
    );
    mkdirSync(datasetTokenDir(deps.dataDir, id), { recursive: true });
    writeSplitFile(datasetSplitPath(deps.dataDir, id), split);
    const format = [...new Set(summary.files.map((f) => f.format))].join('+');
    const stats = importStats(summary, split, fraction, shown);
    const twin = deps.repo.readyWithHash(sourceHash);
    const notes = [nameNote, twin && sameDocumentsNote(twin)].filter((note) => typeof note === 'string');
    deps.repo.markReady(id, { format, sourceHash, stats: { ...stats, warnings: [...stats.warnings, ...notes] } });
    deps.events.emit('datasets.importProgress', {
      datasetId: id,
      phase: 'done',
      done: summary.bytes,
      total: summary.bytes,
    });
    deps.events.emit('datasets.statusChanged', { datasetId: id, status: 'ready' });
  } catch (error) {
    // The import's own error is what is said, whether or not its leftovers could go now.
    const raw = toApiError(error);
    const mapped = raw instanceof ApiError ? new ApiError(raw.code, shown(raw.message)) : raw;
    const ending: ImportEnding = signal.aborted
      ? { outcome: 'cancelled' }
      : { outcome: 'failed', reason: errorMessage(mapped) };
    if (ending.outcome === 'failed' && request.isCallerGone?.() === true) keepFailure(deps, id, ending.reason);
    else removeLeftovers(deps, id, ending);
    announceImportEnded(deps.events, id, ending);
    throw mapped;
  } finally {
    importsInThisProcess.delete(id);
  }
}

/** `paths` without repeats (a path given twice is imported once: engine/data/sourceRepeats.ts), in order. */
function distinctPaths(paths: readonly string[]): string[] {
  const seen = new Set<string>();
  return paths.filter((given) => {
    const key = path.resolve(given);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * Importing the same file again (same documents, in the same order) keeps both datasets, since
 * the second may be meant to replace the first; the note says which one it repeats.
 */
function sameDocumentsNote(twin: DatasetRow): string {
  return `The same documents as dataset ${twin.id} ("${twin.name}"), imported before; both are kept: remove one if this import replaces it`;
}

/** Reads the files and inserts their documents in batches; returns what the split needs. */
async function storeDocuments(
  deps: DatasetImportDeps,
  id: string,
  request: DatasetImportRequest,
  signal: AbortSignal,
): Promise<{ summary: ImportSummary; sourceHash: string; splitKeys: Float64Array }> {
  const pending: { ordinal: number; text: string; splitKey: number }[] = [];
  const datasetHash = documentsHasher();
  let splitKeys: Float64Array = new Float64Array(1024);
  const sink = (doc: ImportedDocument): void => {
    // Backstop: whatever the reader does with the signal, no document lands after an abort.
    if (signal.aborted) throw signal.reason;
    // Stored with its key, so that a split worked out again from the documents (when the split
    // file is gone) keeps a cut document's pieces on its first piece's side, as this one does.
    pending.push({ ordinal: doc.index, text: doc.text, splitKey: doc.splitKey });
    datasetHash.add(doc);
    if (doc.index >= splitKeys.length) splitKeys = grow(splitKeys);
    splitKeys[doc.index] = doc.splitKey;
    if (pending.length >= INSERT_BATCH) deps.repo.addDocuments(id, pending.splice(0));
  };
  const summary = await importDocuments(request.paths, sink, {
    field: request.field,
    column: request.column,
    split: request.split,
    nfkc: request.nfkc,
    collapseWhitespace: request.collapseWhitespace,
    signal,
    onProgress: (p) =>
      deps.events.emit('datasets.importProgress', {
        datasetId: id,
        phase: 'reading',
        done: p.bytesRead,
        total: p.totalBytes,
      }),
  });
  deps.repo.addDocuments(id, pending.splice(0));
  return { summary, sourceHash: datasetHash.digest(), splitKeys };
}

/** A dataset's source hash: over its kept documents' hashes, in order (so the same documents hash alike). */
function documentsHasher(): { add(doc: ImportedDocument): void; digest(): string } {
  const hash = createHash('sha256');
  return { add: (doc) => void hash.update(doc.hash), digest: () => hash.digest('hex') };
}

/**
 * The source hash an import of `paths` with the default options stores, found without storing
 * anything (the bundled sample is recognised by it wherever the app that imported it was installed).
 */
export async function documentsHash(paths: readonly string[], signal?: AbortSignal): Promise<string> {
  const hasher = documentsHasher();
  await importDocuments(paths, (doc) => hasher.add(doc), { signal });
  return hasher.digest();
}

/** Paths as a dataset keeps and says them: uploaded files by their names, then `namedAs`'s by theirs. */
function shownNames(dataDir: string, namedAs: ReadonlyMap<string, string> = new Map()): (text: string) => string {
  const uploaded = uploadedNames(dataDir);
  return (text) => [...namedAs].reduce((said, [file, name]) => said.replaceAll(file, name), uploaded(text));
}

/**
 * Paths as a dataset keeps and says them: a file uploaded to `spanfill serve` by the name it was
 * dropped with, not by its place under <dataDir>/uploads/<uploadId>/, which goes once imported.
 */
function uploadedNames(dataDir: string): (text: string) => string {
  const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const root = escape(path.join(dataDir, uploadsFolder) + path.sep);
  const upload = new RegExp(`${root}${uploadIdPattern.source.replace(/^\^|\$$/g, '')}${escape(path.sep)}`, 'g');
  return (text) => text.replace(upload, '');
}

function importStats(
  summary: ImportSummary,
  split: DatasetSplit,
  fraction: number,
  shown: (text: string) => string,
): DatasetStats {
  return {
    documents: summary.documents,
    characters: summary.characters,
    bytes: summary.bytes,
    duplicatesDropped: summary.duplicatesDropped,
    emptyDropped: summary.emptyDropped,
    oversizedSplits: summary.oversizedSplits,
    files: summary.files.map((f) => ({
      path: shown(f.path),
      format: f.format,
      encoding: f.encoding,
      bytes: f.bytes,
      documents: f.documents,
    })),
    warnings: summary.warnings.map(shown),
    split: {
      validationFraction: fraction,
      trainDocuments: split.trainCount,
      validationDocuments: split.validationCount,
      isSelfValidation: split.isSelfValidation,
      message: split.message,
    },
  };
}

function grow(a: Float64Array): Float64Array {
  const b = new Float64Array(a.length * 2);
  b.set(a);
  return b;
}
