// models.show: one model in full, named as --model names it (ModelLookup.locate, which writes
// nothing: a built-in model not used yet is described from its definition, not written out).
// Where it came from, its folder and size on disk now, its shape from config.json (a registered
// model's as registered, so one whose folder has gone still shows it), the kind of tokenizer in
// its folder (engine/data/tokenizerKind.ts) and the runs started from it. Its problem is the
// folder's damage (modelFolderHealth.ts), else a tokenizer it lacks (only score and export run).

import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { ModelArchitecture, ModelDetails, ModelProblem, ModelSummary } from '../../shared/contract/models';
import { byteTokenizerConfigFiles, byteTokenizerJson } from '../engine/data/byteTokenizerFiles';
import { missingTokenizer } from '../engine/data/missingTokenizer';
import { tokenizerKindIn, tokenizerKindOf } from '../engine/data/tokenizerKind';
import { directoryBytes } from '../engine/hub/cache';
import { builtinModelConfig, builtinModelDir, isBuiltinModelName } from '../engine/t5/builtin';
import type { T5Config } from '../engine/t5/config';
import { loadT5Config, parseT5Config, toHfConfigJson } from '../engine/t5/config';
import { countParams, t5ParamShapes } from '../engine/t5/params';
import type { ModelRow } from '../store/models';
import type { RunRepository } from '../store/runs';
import { modelProblem } from './modelFolderHealth';
import { checkModelWork } from './modelsErrors';
import type { Located, ModelLookup } from './modelsResolve';

export interface ModelShowDeps {
  readonly dataDir: string;
  readonly lookup: ModelLookup;
  /** Read only: the runs started from the model. */
  readonly runs: RunRepository;
  /** A registered model as models.list shows it. */
  readonly summary: (row: ModelRow) => ModelSummary;
}

type Described = Omit<ModelDetails, 'runs' | 'problem'>;

/** What a run's base model must be to count as this one: the built-in name, or the same id or folder. */
interface Target {
  readonly builtin?: string;
  readonly id: string | null;
  readonly path: string;
}

/** `model` in full; not_found (as every command says it) when it names nothing. */
export function modelDetails(deps: ModelShowDeps, model: string): ModelDetails {
  const found = deps.lookup.locate(model);
  const described = checkModelWork(() => describe(deps, model, found));
  const problem = modelProblem(described) ?? tokenizerProblem(described);
  const target: Target = { builtin: found.kind === 'builtin' ? model : undefined, ...described };
  const runs = deps.runs
    .list()
    .filter((run) => isTarget(deps.lookup, run.baseModel, target))
    .map((run) => ({ id: run.id, name: run.name, status: run.status }));
  return { ...described, problem, runs };
}

/**
 * A folder that reads but holds no tokenizer Spanfill loads (no tokenizer.json, not ByT5): the
 * commands that need none (score, export) use it; the rest refuse it, as its loader says.
 */
function tokenizerProblem(model: Described): ModelProblem | null {
  if (!model.isAvailable || model.tokenizer !== null) return null;
  const { lack, remedy, hasSentencePiece } = missingTokenizer(model.path);
  const sentence = `${remedy.charAt(0).toUpperCase()}${remedy.slice(1)}`;
  return {
    kind: 'limited',
    message: `${lack}: only score and export can use it; fill, mask, training and models import need tokenizer.json`,
    // The conversion ends with its Python, which takes no full stop.
    action: hasSentencePiece ? sentence : `${sentence}.`,
  };
}

function architectureOf(config: T5Config, rawConfig: unknown): ModelArchitecture {
  const modelType = (rawConfig as { model_type?: unknown } | null)?.model_type;
  return {
    modelType: typeof modelType === 'string' ? modelType : 't5', // the loader's default
    dModel: config.dModel,
    dFf: config.dFf,
    dKv: config.dKv,
    numHeads: config.numHeads,
    numLayers: config.numLayers,
    numDecoderLayers: config.numDecoderLayers,
    vocabSize: config.vocabSize,
    feedForward: config.feedForwardProj,
    tiedEmbeddings: config.tieWordEmbeddings,
    parameterCount: countParams(t5ParamShapes(config)),
  };
}

function isFolder(dir: string): boolean {
  return existsSync(dir) && statSync(dir).isDirectory();
}

/** A built-in model: its definition's shape and the byte tokenizer it is written with. */
function builtinDetails(dataDir: string, model: string): Described {
  const config = builtinModelConfig(model);
  const dir = builtinModelDir(dataDir, model);
  const isAvailable = isFolder(dir);
  return {
    id: null,
    name: model,
    source: { kind: 'builtin', name: model },
    path: dir,
    isAvailable,
    sizeBytes: isAvailable ? directoryBytes(dir) : null,
    createdAt: null,
    architecture: architectureOf(config, toHfConfigJson(config)),
    tokenizer: isAvailable
      ? tokenizerKindIn(dir)
      : tokenizerKindOf(byteTokenizerJson(), byteTokenizerConfigFiles().tokenizerConfig),
  };
}

/** What `found` is: a built-in model, a registered one, or a folder or download no row names. */
function describe(deps: ModelShowDeps, model: string, found: Located): Described {
  switch (found.kind) {
    case 'builtin':
      return builtinDetails(deps.dataDir, model);
    case 'row':
      return registeredDetails(deps, found.row);
    default:
      return found.row ? registeredDetails(deps, found.row) : unregisteredDetails(model, found);
  }
}

/** A registered model: its row's config, so one whose folder has gone still shows its shape. */
function registeredDetails(deps: ModelShowDeps, row: ModelRow): Described {
  const summary = deps.summary(row);
  const raw: unknown = JSON.parse(row.config_json);
  return {
    id: summary.id,
    name: summary.name,
    source: summary.source,
    path: summary.path,
    isAvailable: summary.isAvailable,
    sizeBytes: summary.isAvailable ? directoryBytes(summary.path) : null,
    createdAt: summary.createdAt,
    architecture: architectureOf(parseT5Config(raw), raw),
    tokenizer: summary.isAvailable ? tokenizerKindIn(summary.path) : null,
  };
}

/** A folder, or a download in the Hub cache, that no model is registered from. */
function unregisteredDetails(model: string, found: Extract<Located, { kind: 'folder' | 'cached' }>): Described {
  const dir = found.path;
  const config = loadT5Config(dir); // its own message when the folder is no model
  const raw: unknown = JSON.parse(readFileSync(path.join(dir, 'config.json'), 'utf8'));
  return {
    id: null,
    name: model,
    source:
      found.kind === 'cached'
        ? { kind: 'hub', repoId: found.repoId, revision: found.revision, commit: found.commit }
        : { kind: 'folder', path: dir },
    path: dir,
    isAvailable: true,
    sizeBytes: directoryBytes(dir),
    createdAt: null,
    architecture: architectureOf(config, raw),
    tokenizer: tokenizerKindIn(dir),
  };
}

/** Whether a run's base model (as it was given) is `target`; one that no longer names anything is not. */
function isTarget(lookup: ModelLookup, baseModel: string, target: Target): boolean {
  // Compared by name: telling whether a built-in model is another would write it out.
  if (isBuiltinModelName(baseModel) || target.builtin !== undefined) return baseModel === target.builtin;
  let found: Located;
  try {
    found = lookup.locate(baseModel);
  } catch {
    return false;
  }
  if (found.kind === 'builtin') return false;
  if (target.id !== null && found.row?.id === target.id) return true;
  return (found.kind === 'row' ? lookup.pathOf(found.row) : found.path) === target.path;
}
