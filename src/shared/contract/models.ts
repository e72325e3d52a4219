// Models domain: base models from the Hugging Face Hub (a catalog of suggestions, pulls with
// progress, cancel and an offline mode), folders imported from disk, the registered models
// and the download cache. Plain JSON shared by main, the CLI and the renderer; the work is
// in src/main/services/models.ts over src/main/engine/hub.

import { z } from 'zod';
import { displayNameSchema } from './displayName';
import { call } from './define';
import { idText, pathText } from './bounded';
import type { RunStatusName } from './runResults';

/**
 * "owner/name@revision" → its parts; the first "@" splits them (a repository id holds none).
 * One reading for --model (modelsResolve.ts) and for pulls, through hubAddress.ts
 * readRepoReference, which also takes a pasted Hub address.
 */
export function splitModelReference(reference: string): { repoId: string; revision: string | undefined } {
  const at = reference.indexOf('@');
  return at > 0
    ? { repoId: reference.slice(0, at), revision: reference.slice(at + 1) }
    : { repoId: reference, revision: undefined };
}

export type ModelSource =
  | {
      readonly kind: 'hub';
      readonly repoId: string;
      /** The branch or tag asked for; `commit` is what it pointed at when pulled. */
      readonly revision: string;
      readonly commit: string;
    }
  | { readonly kind: 'folder'; readonly path: string }
  | { readonly kind: 'run'; readonly runId: string | null };

/**
 * What is wrong with a model's folder that using it would meet, read from its cheap parts only
 * (config.json and the weights files' headers; services/modelFolderHealth.ts), and what to do.
 */
export interface ModelProblem {
  /**
   * damaged: its files do not read (a truncated weights file, a config.json of another shape):
   * using it fails until they are mended or replaced. limited: a whole folder that lacks a part
   * some uses need (models.show: no tokenizer Spanfill loads, so only score and export use it).
   * models.list gives only damaged ones.
   */
  readonly kind: 'damaged' | 'limited';
  /** What loading it would meet, in the loader's words. */
  readonly message: string;
  /** What to do about it, in a sentence (commands in backticks). */
  readonly action: string;
}

export interface ModelSummary {
  readonly id: string;
  readonly name: string;
  readonly kind: 'base' | 'finetuned';
  readonly source: ModelSource;
  /** Absolute path of the model folder. */
  readonly path: string;
  readonly sizeBytes: number;
  /** config.json model_type (t5, mt5). */
  readonly modelType: string | null;
  readonly parameterCount: number | null;
  readonly createdAt: string;
  /** False when the folder has gone (moved or deleted outside Spanfill). */
  readonly isAvailable: boolean;
  /** Set when the folder is there but damaged since it was registered; null when it reads, or has gone. */
  readonly problem: ModelProblem | null;
}

/** A model's shape, from its config.json (a registered model's as it was registered). */
export interface ModelArchitecture {
  /** config.json model_type, "t5" when absent (the loader's default). */
  readonly modelType: string;
  readonly dModel: number;
  readonly dFf: number;
  readonly dKv: number;
  readonly numHeads: number;
  readonly numLayers: number;
  readonly numDecoderLayers: number;
  readonly vocabSize: number;
  readonly feedForward: 'relu' | 'gated-gelu';
  /** T5 v1.0: the output layer shares the input embeddings. */
  readonly tiedEmbeddings: boolean;
  /** Counted from the shapes the config gives, tied weights once. */
  readonly parameterCount: number;
}

/** The tokenizer a model folder holds, read from its files without loading it. */
export interface ModelTokenizer {
  /** tokenizer.json's model type (Unigram, BPE, WordPiece, …); null for a ByT5 folder, which has none. */
  readonly model: string | null;
  /** The class tokenizer_config.json names, if any. */
  readonly className: string | null;
  /** Every UTF-8 byte is one token (ByT5's vocabulary). */
  readonly isByteLevel: boolean;
}

/** One model in full (models.show): what `models list` says of it, its shape, tokenizer and runs. */
export interface ModelDetails {
  /** The registered model's id; null for a built-in model, or a folder or download no model is registered from. */
  readonly id: string | null;
  /** Its registered name; else the name it was asked by. */
  readonly name: string;
  readonly source: ModelSource | { readonly kind: 'builtin'; readonly name: string };
  /** Absolute path of the model folder (a built-in model's once written out). */
  readonly path: string;
  /** False when the folder is not there: moved or deleted, or a built-in model not yet used. */
  readonly isAvailable: boolean;
  /** Bytes of the folder on disk now; null when it is not there. */
  readonly sizeBytes: number | null;
  /** When it was registered; null when it is not. */
  readonly createdAt: string | null;
  readonly architecture: ModelArchitecture;
  /** null when its folder is not there to read, or holds no tokenizer. */
  readonly tokenizer: ModelTokenizer | null;
  /** Set when the folder is there but does not read (ModelSummary.problem); null when it reads, or is not there. */
  readonly problem: ModelProblem | null;
  /** Training runs started from it, oldest first. */
  readonly runs: readonly { readonly id: string; readonly name: string; readonly status: RunStatusName }[];
}

export interface CatalogModel {
  readonly repoId: string;
  readonly title: string;
  readonly description: string;
  readonly license: string;
  readonly parameters: number;
  readonly approximateBytes: number;
  readonly caveat: string | null;
  /** The registered model pulled from this repository, if any. */
  readonly modelId: string | null;
}

/**
 * A model just registered (models.import, models.pull): its summary and, when another model had
 * the name asked for so that it was numbered ("NAME (2)"), a note saying so. An import of a
 * folder already registered answers with that model, `isAlreadyRegistered` set and the note
 * saying there was nothing to do (so no "Imported" is said of it).
 */
export type ModelRegistered = ModelSummary & { readonly nameNote?: string; readonly isAlreadyRegistered?: true };

export interface ModelPulled {
  readonly model: ModelRegistered;
  readonly downloadedBytes: number;
  readonly resumedBytes: number;
  /** True when nothing was downloaded (the snapshot was complete in the cache). */
  readonly isFromCache: boolean;
  /** Time spent asking the Hub and downloading; the loader's check of the folder comes after. */
  readonly elapsedMs: number;
  /**
   * Set when the Hub could not be reached and the revision's snapshot already in the cache was
   * used instead (as huggingface_hub falls back to its cache): why, in words.
   */
  readonly offlineReason?: string;
}

export interface ModelRemoved {
  readonly id: string;
  readonly name: string;
  /** Bytes deleted from the Hub cache (0 for imported folders, which are never deleted). */
  readonly freedBytes: number;
  readonly deletedPath: string | null;
}

/** What models.removeCached did: the repository deleted from the download cache, and the models registered from it, unregistered with it. */
export interface CachedRepoRemoved {
  readonly repoId: string;
  readonly freedBytes: number;
  /** The models that were registered from it, by id and name; empty when there were none. */
  readonly unregistered: readonly { readonly id: string; readonly name: string }[];
}

export interface ModelCacheUsage {
  readonly root: string;
  readonly bytes: number;
  readonly repos: readonly {
    readonly repoId: string;
    readonly bytes: number;
    readonly partialBytes: number;
    readonly snapshots: readonly string[];
  }[];
  /**
   * From-scratch starting points (runs of preset:NAME): a seeded random model per preset,
   * tokenizer and seed, and the weights-free shapes estimates read. Rebuilt when a run needs one.
   */
  readonly scratch: { readonly root: string; readonly bytes: number; readonly folders: number };
}

export interface HubTokenStatus {
  /** Where the token in use comes from; `stored` is the app's saved token. */
  readonly source: 'env' | 'stored' | 'none';
  readonly endpoint: string;
  readonly isOffline: boolean;
}

const repoId = z.string().min(1).max(200);
const revision = z.string().min(1).max(200);

export const modelCalls = {
  list: call<readonly ModelSummary[]>()(z.strictObject({})),
  catalog: call<readonly CatalogModel[]>()(z.strictObject({})),
  /** Downloads (or finds in the cache) and registers; progress arrives as models.pullProgress. */
  pull: call<ModelPulled>()(
    z.strictObject({ repoId, revision: revision.optional(), isOffline: z.boolean().optional() }),
  ),
  /** Stops a running pull of `repoId`; its partial files stay and the next pull resumes them. */
  cancelPull: call<{ readonly repoId: string; readonly cancelled: boolean }>()(z.strictObject({ repoId })),
  /** Registers a T5 folder after the loader has checked its config, weights and tokenizer. */
  import: call<ModelRegistered>()(z.strictObject({ path: pathText(), name: displayNameSchema.optional() })),
  /** Unregisters; a Hub model's snapshot is deleted from the cache when no other model uses it. */
  remove: call<ModelRemoved>()(z.strictObject({ id: idText() })),
  /** A model id, a pulled repository id (owner/name or owner/name@revision) or a folder → its folder; offline. */
  resolve: call<{ readonly path: string; readonly modelId: string | null }>()(z.strictObject({ model: pathText() })),
  /** A model named as --model names it (id, name, folder, builtin:…, owner/name[@revision]) in full; offline. */
  show: call<ModelDetails>()(z.strictObject({ model: pathText() })),
  cacheUsage: call<ModelCacheUsage>()(z.strictObject({})),
  /** Deletes a repository from the download cache (snapshots and partial downloads) and the models registered from it. */
  removeCached: call<CachedRepoRemoved>()(z.strictObject({ repoId })),
  /** Deletes the from-scratch starting points (ModelCacheUsage.scratch); refused while a run trains from one. */
  removeScratch: call<{ readonly folders: number; readonly freedBytes: number }>()(z.strictObject({})),
  tokenStatus: call<HubTokenStatus>()(z.strictObject({})),
  /** Stores a Hub access token (null forgets it); HF_TOKEN in the environment still wins. */
  setToken: call<HubTokenStatus>()(z.strictObject({ token: z.string().min(1).max(500).nullable() })),
};
