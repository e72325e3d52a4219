// Training checkpoints: one folder per step, `<root>/step-00000100/`, holding an HF model
// folder that Python transformers loads as it is (config.json, model.safetensors, the base
// model's tokenizer files, generation_config.json) plus optimizer.safetensors (the optimizer
// slots `opt.<slot>/<param>`) and trainer_state.json (step, data position, RNG seeds; format
// versioned). Written whole or not at all (checkpointWrite.ts; folders set aside and removed
// whole, checkpointFolders.ts). Listing tells whole checkpoints from unreadable ones (a file
// missing, corrupt, or shorter than its header says), which are reported with what is wrong and
// never deleted; loading one also refuses NaN or infinite values. Retention: the last K whole ones plus the best by validation,
// and any the caller keeps.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { isMissingPathError } from '../../../shared/fileErrors';
import type { HostTensor } from '../onnx/session';
import type { T5Config } from '../t5/config';
import { nonFiniteProblem } from '../formats/nonFinite';
import { readAllTensors, safetensorsSizeProblem } from '../formats/safetensors';
import { t5ParamShapes } from '../t5/params';
import { loadT5Weights, SINGLE_FILE } from '../t5/weights';
import { removeLeftover, removeWhole } from './checkpointFolders';
import type { ExampleSchemes } from '../data/examples';
import type { DataPosition, MaskSchedule } from './batchStream';
import type { EvaluationMetrics } from './evaluate';

export const TRAINER_STATE_FORMAT = 'spanfill-trainer-state';
export const TRAINER_STATE_VERSION = 1;
export const TRAINER_STATE_FILE = 'trainer_state.json';
export const OPTIMIZER_FILE = 'optimizer.safetensors';

/** The settings a resumed run must share with the checkpoint for identical losses. */
export interface DeterminismSettings {
  /** Dropout's seed (the run seed). */
  readonly seed: number;
  /** The span masks' and shuffle's seed (the data plan's). */
  readonly dataSeed: number;
  readonly batchSize: number;
  readonly accumulation: number;
  readonly mask: MaskSchedule;
  readonly dropoutRate: number;
  readonly inputLength: number;
  readonly targetLength: number;
}

export interface TrainerState {
  readonly format: typeof TRAINER_STATE_FORMAT;
  readonly version: number;
  /** Optimizer steps completed. */
  readonly step: number;
  /** The next training example's place in the data order. */
  readonly data: DataPosition;
  /**
   * Every random stream, all counter-based (no generator state to save): span masks are
   * functions of (seed, epoch, example) (fixed masks: epoch 0), the shuffle of (seed, epoch),
   * dropout of (seed, step, micro-batch, site, position).
   */
  readonly rng: { readonly dataSeed: number; readonly dropoutSeed: number; readonly mask: MaskSchedule };
  readonly settings: DeterminismSettings;
  /** Training time so far, across resumes (ms), and real tokens trained on. */
  readonly elapsedMs: number;
  readonly tokensSeen: number;
  /** The validation metrics at this step, when an evaluation ran at it. */
  readonly validation: EvaluationMetrics | null;
  /**
   * The schemes its examples were made by (examples.ts EXAMPLE_SCHEMES); absent in a checkpoint
   * of a Spanfill from before 207452bb (UNRECORDED_EXAMPLE_SCHEMES). A resume from one made
   * otherwise goes on and says so (exampleSchemes.ts).
   */
  readonly examples?: ExampleSchemes;
}

export interface CheckpointContent {
  readonly config: T5Config;
  /** The base folder's config.json, to keep keys Spanfill does not model. */
  readonly baseConfigJson?: Record<string, unknown>;
  /** Folder to copy tokenizer files and generation_config.json from. */
  readonly tokenizerDir?: string;
  readonly params: Readonly<Record<string, HostTensor>>;
  readonly optimizer: Readonly<Record<string, HostTensor>>;
  readonly state: TrainerState;
}

export interface CheckpointInfo {
  readonly step: number;
  readonly dir: string;
  readonly validationLoss: number | null;
}

/** A checkpoint folder that cannot be resumed from: the first of its files found wrong, and what is wrong. */
export interface UnreadableCheckpoint {
  readonly step: number;
  readonly dir: string;
  /** The file's name in the folder (trainer_state.json, model.safetensors, …). */
  readonly file: string;
  /** In words that follow the file's name: "is truncated (100,000 of 3,600,000 bytes)". */
  readonly problem: string;
}

/** A checkpoints folder: its whole checkpoints and its unreadable ones, each oldest first. */
export interface CheckpointScan {
  readonly whole: CheckpointInfo[];
  readonly unreadable: UnreadableCheckpoint[];
}

export class CheckpointError extends Error {
  override name = 'CheckpointError';
}

/** What a checkpoint's error says when its files passed the quick checks but did not load (readCheckpoint). */
export const UNLOADABLE_CHECKPOINT_WORDS = 'could not be loaded';

/** "step 200's model.safetensors is truncated (100,000 of 3,600,000 bytes)". */
export const unreadableWords = (c: UnreadableCheckpoint): string => `step ${c.step}'s ${c.file} ${c.problem}`;

const STEP_DIR = /^step-(\d+)$/;
export const checkpointDirName = (step: number): string => `step-${String(step).padStart(8, '0')}`;

/** The step a checkpoint folder (…/step-00000100) holds, by its name; null for another folder. */
export function checkpointStepOf(dir: string): number | null {
  const match = STEP_DIR.exec(basename(dir));
  return match ? Number(match[1]) : null;
}

/** HF GenerationConfig for a T5 without one of its own. */
export function generationConfig(config: T5Config): Record<string, unknown> {
  return {
    decoder_start_token_id: config.decoderStartTokenId,
    // A list where config.json has one: generation stops on any of them (t5/config.ts).
    eos_token_id: config.eosTokenIds.length > 1 ? [...config.eosTokenIds] : config.eosTokenId,
    pad_token_id: config.padTokenId,
  };
}

/** Parses and checks trainer_state.json; the message says which file and what is wrong. */
export function readTrainerState(dir: string): TrainerState {
  const file = join(dir, TRAINER_STATE_FILE);
  try {
    return parseTrainerState(file);
  } catch (error) {
    if (error instanceof CheckpointError) throw new CheckpointError(`${file} ${error.message}`);
    throw error;
  }
}

/** A checkpoint's JSON file parsed; a CheckpointError says what is wrong in words that follow the file's name. */
function readJsonFile(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    if (isMissingPathError(e)) throw new CheckpointError('is missing');
    if (e instanceof SyntaxError) throw new CheckpointError(`is not valid JSON (${e.message})`);
    throw new CheckpointError(`cannot be read (${(e as Error).message})`);
  }
}

/** trainer_state.json checked; a CheckpointError says what is wrong in words that follow the file's name. */
function parseTrainerState(file: string): TrainerState {
  const state = readJsonFile(file) as Partial<TrainerState> | null;
  if (state?.format !== TRAINER_STATE_FORMAT) {
    const format = state?.format === undefined ? 'it has no "format" field' : `format '${String(state.format)}'`;
    throw new CheckpointError(`is not a Spanfill trainer state (${format})`);
  }
  if (state.version !== TRAINER_STATE_VERSION)
    throw new CheckpointError(
      `has trainer-state version ${String(state.version)}; this Spanfill reads version ${TRAINER_STATE_VERSION}`,
    );
  if (!Number.isInteger(state.step) || !state.data || !state.rng || !state.settings)
    throw new CheckpointError('is incomplete: step, data, rng and settings are required');
  const { examples } = state;
  const isScheme = (v: unknown): boolean => typeof v === 'string';
  if (
    examples !== undefined &&
    !(isScheme(examples?.train) && (examples.validation === null || isScheme(examples.validation)))
  )
    throw new CheckpointError('has "examples" that are not the schemes of its training and validation examples');
  return state as TrainerState;
}

/**
 * Checkpoint folder `dir` checked without loading its tensors: config.json parsed, its trainer
 * state parsed, and each safetensors file as long as its header says. Its trainer state,
 * or the first file found wrong and what is wrong with it (a file deleted as it was looked at is
 * missing: scanCheckpoints leaves out a folder deleted so).
 */
function inspectCheckpoint(dir: string): { state: TrainerState } | { file: string; problem: string } {
  // What a read of the model meets first (a fill or an export reads only config.json and the
  // weights), then what only a resume reads: a folder wrong in both is named for the model's file.
  try {
    readJsonFile(join(dir, 'config.json'));
  } catch (error) {
    if (error instanceof CheckpointError) return { file: 'config.json', problem: error.message };
    throw error;
  }
  const modelProblem = sizeProblem(join(dir, SINGLE_FILE));
  if (modelProblem !== null) return { file: SINGLE_FILE, problem: modelProblem };
  let state: TrainerState;
  try {
    state = parseTrainerState(join(dir, TRAINER_STATE_FILE));
  } catch (error) {
    if (error instanceof CheckpointError) return { file: TRAINER_STATE_FILE, problem: error.message };
    throw error;
  }
  const optimizerProblem = sizeProblem(join(dir, OPTIMIZER_FILE));
  return optimizerProblem === null ? { state } : { file: OPTIMIZER_FILE, problem: optimizerProblem };
}

/** safetensorsSizeProblem; "is missing" when the file is not there (or went just before it was opened). */
function sizeProblem(file: string): string | null {
  try {
    return safetensorsSizeProblem(file);
  } catch (error) {
    if (isMissingPathError(error)) return 'is missing';
    throw error;
  }
}

export interface LoadedCheckpoint {
  readonly state: TrainerState;
  readonly params: Record<string, HostTensor>;
  readonly optimizer: Record<string, HostTensor>;
}

/**
 * Reads a checkpoint folder written by writeCheckpoint (the config says which weights to
 * expect); a folder that does not load, or whose weights or optimizer slots are not all finite,
 * throws a CheckpointError naming it (UNLOADABLE_CHECKPOINT_WORDS) with the cause.
 */
export function readCheckpoint(dir: string, config: T5Config): LoadedCheckpoint {
  try {
    return loadCheckpoint(dir, config);
  } catch (error) {
    throw new CheckpointError(`The checkpoint ${dir} ${UNLOADABLE_CHECKPOINT_WORDS}: ${(error as Error).message}`);
  }
}

function loadCheckpoint(dir: string, config: T5Config): LoadedCheckpoint {
  const state = readTrainerState(dir);
  const weights = loadT5Weights(dir, config).params;
  const slots = readAllTensors(join(dir, OPTIMIZER_FILE));
  // NaN or infinite values (bytes damaged in place) would fail the first step as if it diverged.
  const damage =
    nonFiniteProblem(SINGLE_FILE, weights) ??
    nonFiniteProblem(
      OPTIMIZER_FILE,
      [...slots].map(([name, t]) => [name, t.data] as const),
    );
  if (damage !== null) throw new CheckpointError(damage);
  const params: Record<string, HostTensor> = {};
  const shapes = t5ParamShapes(config);
  for (const [name, data] of weights)
    params[name] = { dtype: 'float32', dims: [...(shapes.get(name) ?? [data.length])], data };
  const optimizer: Record<string, HostTensor> = {};
  for (const [name, t] of slots) optimizer[name] = { dtype: 'float32', dims: [...t.shape], data: t.data };
  return { state, params, optimizer };
}

/** Whole checkpoints under `root`, oldest first (temporary and unreadable folders are not listed). */
export function listCheckpoints(root: string): CheckpointInfo[] {
  return scanCheckpoints(root).whole;
}

/**
 * The checkpoint folders under `root` (step-N), whole and unreadable (inspectCheckpoint), each
 * oldest first; temporary folders are not listed, nor a folder deleted while it was looked at
 * (nor any when `root` is not there, or is deleted as it is listed: its run removed).
 */
export function scanCheckpoints(root: string): CheckpointScan {
  const scan = { whole: [] as CheckpointInfo[], unreadable: [] as UnreadableCheckpoint[] };
  for (const entry of namesIn(root)) {
    const match = STEP_DIR.exec(entry);
    if (!match) continue;
    const [dir, step] = [join(root, entry), Number(match[1])];
    const found = inspectCheckpoint(dir);
    if ('state' in found) scan.whole.push({ step, dir, validationLoss: found.state.validation?.loss ?? null });
    else if (existsSync(dir)) scan.unreadable.push({ step, dir, ...found }); // (else pruned meanwhile)
  }
  scan.whole.sort((a, b) => a.step - b.step);
  scan.unreadable.sort((a, b) => a.step - b.step);
  return scan;
}

/** The names in folder `root`; none when it is not there (nor when it is deleted as it is listed). */
function namesIn(root: string): string[] {
  try {
    return readdirSync(root);
  } catch (error) {
    if (isMissingPathError(error)) return [];
    throw error;
  }
}

/** The checkpoint with the lowest validation loss (ties: the later one), or null. */
export function bestCheckpoint(checkpoints: readonly CheckpointInfo[]): CheckpointInfo | null {
  let best: CheckpointInfo | null = null;
  for (const c of checkpoints) {
    if (c.validationLoss === null || !Number.isFinite(c.validationLoss)) continue;
    if (!best || c.validationLoss <= (best.validationLoss as number)) best = c;
  }
  return best;
}

/**
 * Deletes all but the last `keepLast` whole checkpoints, the best and those `keep` says to keep
 * (the caller's: a model registered on one lives in its folder); also stale temporary folders.
 * Unreadable checkpoints are kept: what is wrong with them is for a person to see.
 */
export function pruneCheckpoints(
  root: string,
  keepLast: number,
  options: { readonly keep?: (checkpoint: CheckpointInfo) => boolean } = {},
): string[] {
  const all = listCheckpoints(root);
  const keep = new Set(all.slice(Math.max(0, all.length - keepLast)).map((c) => c.dir));
  const best = bestCheckpoint(all);
  if (best) keep.add(best.dir);
  const removed: string[] = [];
  for (const c of all) {
    if (keep.has(c.dir) || options.keep?.(c) === true) continue;
    removeWhole(c.dir);
    removed.push(c.dir);
  }
  for (const entry of namesIn(root)) {
    if (entry.startsWith('.step-') && entry.endsWith('.tmp')) removeLeftover(join(root, entry));
  }
  return removed;
}
