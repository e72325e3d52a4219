// Training checkpoints: one folder per step, `<root>/step-00000100/`, holding an HF model
// folder that Python transformers loads as it is (config.json, model.safetensors, the base
// model's tokenizer files, generation_config.json) plus optimizer.safetensors (the optimizer
// slots `opt.<slot>/<param>`) and trainer_state.json (step, data position, RNG seeds; format
// versioned). Written in a hidden temporary folder, every file fsynced, then renamed into
// place: a checkpoint is whole or absent. Retention: the last K plus the best by validation.

import {
  copyFileSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  closeSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { HostTensor } from '../onnx/session';
import { tokenizerFilesOf } from '../data/tokenizerFiles';
import type { T5Config } from '../t5/config';
import { encodeSafetensors, readAllTensors, writeFileAtomic } from '../formats/safetensors';
import { t5ParamShapes } from '../t5/params';
import { loadT5Weights, saveT5Model, weightsFromParams } from '../t5/weights';
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

export class CheckpointError extends Error {
  override name = 'CheckpointError';
}

const STEP_DIR = /^step-(\d+)$/;
export const checkpointDirName = (step: number): string => `step-${String(step).padStart(8, '0')}`;

/** The step a checkpoint folder (…/step-00000100) holds, by its name; null for another folder. */
export function checkpointStepOf(dir: string): number | null {
  const match = STEP_DIR.exec(basename(dir));
  return match ? Number(match[1]) : null;
}

function fsyncPath(path: string): void {
  try {
    const fd = openSync(path, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // NOTE: directories cannot be fsynced on every platform (Windows); the data files were.
  }
}

function jsonBytes(value: unknown): Uint8Array[] {
  return [Buffer.from(JSON.stringify(value, null, 2) + '\n', 'utf8')];
}

/** Writes a checkpoint for `content.state.step` under `root`; returns its folder. */
export function writeCheckpoint(root: string, content: CheckpointContent): string {
  mkdirSync(root, { recursive: true });
  const name = checkpointDirName(content.state.step);
  const final = join(root, name);
  const temp = join(root, `.${name}.${process.pid}.tmp`);
  rmSync(temp, { recursive: true, force: true });
  mkdirSync(temp);
  try {
    const weights = weightsFromParams(content.config, content.params);
    saveT5Model(temp, content.config, weights, { baseConfig: content.baseConfigJson });
    const generation = content.tokenizerDir ? join(content.tokenizerDir, 'generation_config.json') : null;
    if (generation && existsSync(generation)) copyDurably(generation, join(temp, 'generation_config.json'));
    else writeFileAtomic(join(temp, 'generation_config.json'), jsonBytes(generationConfig(content.config)));
    for (const file of content.tokenizerDir ? tokenizerFilesOf(content.tokenizerDir) : []) {
      if ('from' in file) copyDurably(file.from, join(temp, file.name));
      else writeFileAtomic(join(temp, file.name), [file.bytes]);
    }
    const optimizer = Object.entries(content.optimizer).map(([tensorName, t]) => ({
      name: tensorName,
      shape: t.dims,
      data: t.data as Float32Array,
    }));
    const metadata = { format: 'spanfill-optimizer', step: String(content.state.step) };
    writeFileAtomic(join(temp, OPTIMIZER_FILE), encodeSafetensors(optimizer, 'F32', metadata));
    writeFileAtomic(join(temp, TRAINER_STATE_FILE), jsonBytes(content.state));
    fsyncPath(temp);
    removeWhole(final); // a checkpoint of the same step (a re-run) is replaced
    renameSync(temp, final);
    fsyncPath(root);
  } catch (error) {
    rmSync(temp, { recursive: true, force: true });
    throw error;
  }
  return final;
}

/**
 * Deletes a checkpoint folder by first renaming it to a temporary name (cleared by the next
 * prune): a crash in the middle of deleting its files must not leave part of a checkpoint
 * under a step name, where resume would find it.
 */
function removeWhole(dir: string): void {
  if (!existsSync(dir)) return;
  const doomed = join(dirname(dir), `.${basename(dir)}.${process.pid}.del.tmp`);
  rmSync(doomed, { recursive: true, force: true });
  renameSync(dir, doomed);
  fsyncPath(dirname(dir));
  rmSync(doomed, { recursive: true, force: true });
}

function copyDurably(from: string, to: string): void {
  copyFileSync(from, to);
  fsyncPath(to);
}

/** HF GenerationConfig for a T5 without one of its own. */
export function generationConfig(config: T5Config): Record<string, unknown> {
  return {
    decoder_start_token_id: config.decoderStartTokenId,
    eos_token_id: config.eosTokenId,
    pad_token_id: config.padTokenId,
  };
}

/** Parses and checks trainer_state.json; the message says which file and what is wrong. */
export function readTrainerState(dir: string): TrainerState {
  const file = join(dir, TRAINER_STATE_FILE);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new CheckpointError(`Cannot read ${file}: ${(e as Error).message}`);
  }
  const state = raw as Partial<TrainerState> | null;
  if (state?.format !== TRAINER_STATE_FORMAT)
    throw new CheckpointError(`${file} is not a Spanfill trainer state (format '${String(state?.format)}')`);
  if (state.version !== TRAINER_STATE_VERSION)
    throw new CheckpointError(
      `${file} has trainer-state version ${String(state.version)}; this Spanfill reads version ${TRAINER_STATE_VERSION}`,
    );
  if (!Number.isInteger(state.step) || !state.data || !state.rng || !state.settings)
    throw new CheckpointError(`${file} is incomplete: step, data, rng and settings are required`);
  return state as TrainerState;
}

export interface LoadedCheckpoint {
  readonly state: TrainerState;
  readonly params: Record<string, HostTensor>;
  readonly optimizer: Record<string, HostTensor>;
}

/** Reads a checkpoint folder written by writeCheckpoint (the config says which weights to expect). */
export function readCheckpoint(dir: string, config: T5Config): LoadedCheckpoint {
  const state = readTrainerState(dir);
  const params: Record<string, HostTensor> = {};
  const shapes = t5ParamShapes(config);
  for (const [name, data] of loadT5Weights(dir, config).params) {
    params[name] = { dtype: 'float32', dims: [...(shapes.get(name) ?? [data.length])], data };
  }
  const optimizer: Record<string, HostTensor> = {};
  for (const [name, t] of readAllTensors(join(dir, OPTIMIZER_FILE)))
    optimizer[name] = { dtype: 'float32', dims: [...t.shape], data: t.data };
  return { state, params, optimizer };
}

/** Whole checkpoints under `root`, oldest first (temporary folders are not listed). */
export function listCheckpoints(root: string): CheckpointInfo[] {
  if (!existsSync(root)) return [];
  const out: CheckpointInfo[] = [];
  for (const entry of readdirSync(root)) {
    const match = STEP_DIR.exec(entry);
    if (!match) continue;
    const dir = join(root, entry);
    let validationLoss: number | null = null;
    try {
      validationLoss = readTrainerState(dir).validation?.loss ?? null;
    } catch {
      continue; // not a readable checkpoint
    }
    out.push({ step: Number(match[1]), dir, validationLoss });
  }
  return out.sort((a, b) => a.step - b.step);
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

/** Deletes all but the last `keepLast` checkpoints and the best; also stale temporary folders. */
export function pruneCheckpoints(root: string, keepLast: number): string[] {
  const all = listCheckpoints(root);
  const keep = new Set(all.slice(Math.max(0, all.length - keepLast)).map((c) => c.dir));
  const best = bestCheckpoint(all);
  if (best) keep.add(best.dir);
  const removed: string[] = [];
  for (const c of all) {
    if (keep.has(c.dir)) continue;
    removeWhole(c.dir);
    removed.push(c.dir);
  }
  for (const entry of existsSync(root) ? readdirSync(root) : []) {
    if (entry.startsWith('.step-') && entry.endsWith('.tmp'))
      rmSync(join(root, entry), { recursive: true, force: true });
  }
  return removed;
}
