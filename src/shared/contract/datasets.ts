// Datasets domain: importing text into the store, listing, inspecting and removing
// datasets, and tokenizing one for a model. Plain JSON types shared by main, the CLI and
// the renderer; the work is in src/main/services/datasets.ts over engine/data.

import { displayNameSchema } from './displayName';
import { z } from 'zod';
import { call } from './define';
import { idText, keyText, pathText } from './bounded';
import type { RunStatusName } from './runResults';

export type DatasetSplitMode = 'whole' | 'blank-line' | 'line';

export interface DatasetFileStats {
  readonly path: string;
  readonly format: 'text' | 'jsonl' | 'csv' | 'tsv';
  readonly encoding: string;
  readonly bytes: number;
  readonly documents: number;
}

export interface DatasetStats {
  readonly documents: number;
  readonly characters: number;
  readonly bytes: number;
  readonly duplicatesDropped: number;
  readonly emptyDropped: number;
  readonly oversizedSplits: number;
  readonly files: readonly DatasetFileStats[];
  readonly warnings: readonly string[];
  readonly split: {
    readonly validationFraction: number;
    readonly trainDocuments: number;
    readonly validationDocuments: number;
    readonly isSelfValidation: boolean;
    readonly message: string | null;
  };
  /**
   * Per tokenizer fingerprint: the tokens counted when it was tokenized, literal special tokens
   * dropped, and tokens that became <unk> with a few characters that did (UnknownTokenCount;
   * absent from counts recorded before Spanfill kept them, and for a tokenizer with no <unk>).
   */
  readonly tokens?: Readonly<
    Record<
      string,
      {
        readonly tokenizer: string;
        readonly tokens: number;
        readonly droppedSpecialTokens?: number;
        readonly unknownTokens?: number;
        readonly unknownCharacters?: readonly string[];
      }
    >
  >;
}

/** Tokens that became the tokenizer's <unk>: text its vocabulary cannot represent. */
export interface UnknownTokenCount {
  readonly count: number;
  /**
   * A few characters that did, each once, in the order first met (at most
   * UNKNOWN_CHARACTERS_SHOWN); empty when none was found alone (a literal "<unk>" in the text).
   */
  readonly characters: readonly string[];
}

export interface DatasetSummary {
  readonly id: string;
  readonly name: string;
  readonly sourcePath: string;
  readonly format: string;
  readonly status: 'importing' | 'ready' | 'failed';
  readonly createdAt: string;
  readonly stats: DatasetStats | null;
  /**
   * Why the import failed (status 'failed'): kept, in a row with no documents, for an import whose
   * page or window went before it failed (a reload), so that the next page can say so, until it
   * is removed or an import under its name replaces it.
   */
  readonly error?: string;
}

export interface DatasetDocument {
  readonly ordinal: number;
  readonly text: string;
  readonly chars: number;
}

export interface DatasetDetail extends DatasetSummary {
  /** The first few documents (texts cut at 2,000 characters). */
  readonly sample: readonly DatasetDocument[];
}

export interface TokenizeResult {
  readonly datasetId: string;
  readonly tokenizer: string;
  readonly documents: number;
  readonly tokens: number;
  readonly droppedSpecialTokens: number;
  /** null: the tokenizer has no <unk> (a byte-level one represents every text). */
  readonly unknownTokens: UnknownTokenCount | null;
  readonly isCached: boolean;
  /** Training examples per epoch (training side of the split) at `inputLength`, 0.15 / 3. */
  readonly estimate?: {
    readonly inputLength: number;
    readonly tokensLength: number;
    readonly targetLength: number;
    readonly mode: 'packed' | 'per-document';
    readonly packedExamples: number;
    readonly perDocumentExamples: number;
    readonly messages: readonly string[];
  };
}

export interface DatasetRemoved {
  readonly id: string;
  readonly removed: boolean;
  readonly name: string;
  readonly documents: number;
  /** Token cache files deleted with it (one per tokenizer it was tokenized for). */
  readonly tokenCaches: number;
  /**
   * Bytes the database file gave back to the disk. 0 when it keeps the freed space for the next
   * import: under 32 MiB freed, or a run or import was going on (its writes come first).
   */
  readonly freedBytes: number;
  /**
   * The runs on it that could have been resumed (runResults.ts canResume; one whose process died
   * mid-run counts as the interrupted run it is) and no longer can: resuming needs the data.
   */
  readonly unresumableRuns: readonly RunOnRemovedDataset[];
}

/** A run that trained on a removed dataset, as DatasetRemoved names it. */
export interface RunOnRemovedDataset {
  readonly id: string;
  readonly name: string;
  readonly status: RunStatusName;
  readonly step: number;
}

/**
 * What became of DatasetRemoved.unresumableRuns, in the words the CLI and the Datasets screen
 * share (its Remove question says the same before); undefined when there are none.
 */
export function unresumableRunsNote(runs: readonly RunOnRemovedDataset[]): string | undefined {
  if (runs.length === 0) return undefined;
  const named = runs.map((run) => `${run.id} ("${run.name}", ${run.status} at step ${run.step})`).join(', ');
  const [them, their] = runs.length === 1 ? ['Run', 'its'] : ['Runs', 'their'];
  return (
    `${them} ${named} trained on it and can no longer be resumed (resuming needs its data); ${their} curves and ` +
    'checkpoints are kept, and a checkpoint can start a new run on another dataset (Train → Base model; in a ' +
    'terminal, `spanfill train --model FOLDER --dataset ID`)'
  );
}

/** The name that means the byte-level (ByT5-layout) tokenizer wherever a tokenizer is named. */
export const BYTE_TOKENIZER_NAME = 'bytes';

/**
 * `model`: BYTE_TOKENIZER_NAME for the byte-level tokenizer, a model folder with tokenizer.json,
 * or a model id or name the models service knows (services/modelReference.ts).
 */
const model = pathText();

/** Files and folders one import names; a folder brings all of its files under one path. */
export const MAX_IMPORT_PATHS = 100_000;

export const datasetCalls = {
  import: call<DatasetSummary>()(
    z.strictObject({
      paths: z
        .array(pathText())
        .min(1)
        .max(
          MAX_IMPORT_PATHS,
          `at most ${MAX_IMPORT_PATHS.toLocaleString('en-US')} paths at once; import their folder instead`,
        ),
      name: displayNameSchema.optional(),
      field: keyText.optional(),
      column: keyText.optional(),
      split: z.enum(['whole', 'blank-line', 'line']).optional(),
      nfkc: z.boolean().optional(),
      collapseWhitespace: z.boolean().optional(),
      validationFraction: z.number().gt(0).max(0.5).optional(),
    }),
  ),
  /**
   * Imports the bundled public-domain sample text (resources/sample/sample.txt), or returns the
   * dataset already imported from it: what the empty Datasets screen and `spanfill demo` offer.
   */
  importSample: call<DatasetSummary>()(z.strictObject({})),
  list: call<readonly DatasetSummary[]>()(z.strictObject({})),
  get: call<DatasetDetail>()(z.strictObject({ id: idText(), sample: z.number().int().min(0).max(100).optional() })),
  /** Deletes the dataset, its documents and token caches; says what went so nothing goes unnoticed. */
  remove: call<DatasetRemoved>()(z.strictObject({ id: idText() })),
  /** A new display name (the id stays); refused while the dataset is importing. */
  rename: call<DatasetSummary>()(z.strictObject({ id: idText(), name: displayNameSchema })),
  /** Stops a running import (the id arrives with its progress events); it then leaves no trace. */
  cancelImport: call<{ readonly id: string; readonly cancelled: boolean }>()(z.strictObject({ id: idText() })),
  tokenize: call<TokenizeResult>()(
    z.strictObject({ id: idText(), model, inputLength: z.number().int().min(4).max(65_536).optional() }),
  ),
};
