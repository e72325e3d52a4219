// What every training program answers to (compile() returns one: program.ts runs the update
// in the graph, hostProgram.ts on the host), and the checks and slicing they share.

import type { AnyTypedArray } from '../onnx/dtype';
import type { NodePlacement } from '../onnx/placement';
import type { OpProfile } from '../onnx/profile';
import type { Feed, HostTensor, Placement } from '../onnx/session';
import type { FusedMode, StateEntry } from './fused';
import { batchInputName } from './fused';
import type { HostFieldSource } from './spec';
import { checkStateTensor } from './validate';
import type { BatchInput } from './validate';

export interface StepResult {
  /** The loss of each of the K steps: the mean over all its M micro-batches' items (spec.ts, ModelLoss). */
  readonly losses: Float32Array;
  /** The global gradient norm of each step, before clipping. */
  readonly gradNorms: Float32Array;
  /** The learning rate each step used (Adafactor with relative steps: ρₜ). */
  readonly lr: Float32Array;
}

/** Everything needed to resume: parameters, optimizer slots (`opt.<slot>/<param>`) and steps done. */
export interface TrainingState {
  readonly step: number;
  readonly params: Readonly<Record<string, HostTensor>>;
  readonly optimizer: Readonly<Record<string, HostTensor>>;
}

export interface TrainingProgram {
  readonly k: number;
  readonly accumulation: number;
  readonly mode: FusedMode;
  /** Where the optimizer's update runs: graph nodes, or the host (hostProgram.ts). */
  readonly update: 'graph' | 'host';
  readonly placement: Placement;
  /** Runs K optimizer steps; each batch field is [K·M, ...shape] (or [K, M, ...shape]). */
  step(batches: Readonly<Record<string, BatchInput>>): Promise<StepResult>;
  /** Sets parameters and resets the optimizer: zero moments, step 0. */
  setParams(params: Readonly<Record<string, HostTensor | AnyTypedArray>>): void;
  /**
   * The state on the host. NOTE: they stay valid after later steps: host arrays are either
   * shared with the program, which never writes them (each step of a graph update returns new
   * ones), or copies (the host update changes its own in place); do not mutate them.
   */
  getState(): Promise<TrainingState>;
  /**
   * Lends the state to `use` and returns what it returns, without copying it where the program
   * would have to (the host update keeps its state in place): valid only until `use` settles,
   * and the program refuses to change it meanwhile. For reading it once (evaluation, checkpoints).
   */
  withState<T>(use: (state: TrainingState) => T | Promise<T>): Promise<T>;
  /** Where the step's nodes ran, by op type (compiled with recordPlacement, after one step). */
  nodePlacement(): NodePlacement;
  /**
   * Kernel time per op type and optimizer step over the calls after the first `skipCalls`
   * (compiled with recordPlacement; ask before nodePlacement, which ends the recording). In a
   * Loop the Loop node's own time holds its body's.
   */
  opProfile(skipCalls: number): OpProfile;
  setState(state: TrainingState): void;
  release(): Promise<void>;
}

/** The step counter is float32 in the graph (fused.ts): integers are exact up to 2²⁴. */
export const MAX_STEP = 2 ** 24;

/**
 * setParams()'s argument checked against the program's named state entries: every parameter,
 * as a host tensor of its entry's dtype and shape, and no unknown name.
 */
export function checkedParams(
  named: readonly StateEntry[],
  params: Readonly<Record<string, HostTensor | AnyTypedArray>>,
): Map<string, HostTensor> {
  const known = named.filter((e) => e.role === 'param').map((e) => e.name);
  for (const name of Object.keys(params)) {
    if (!known.includes(name))
      throw new Error(`setParams(): unknown parameter '${name}'; expected: ${known.join(', ')}`);
  }
  const checked = new Map<string, HostTensor>();
  for (const e of named) {
    if (e.role !== 'param') continue;
    const given = params[e.name];
    const value = given === undefined || 'dims' in given ? given : { dtype: e.dtype, dims: [...e.shape], data: given };
    checked.set(e.name, checkStateTensor(e, value, 'setParams()'));
  }
  return checked;
}

/** How a TrainingStateError's message begins (it crosses the engine host as text only). */
export const SET_STATE_ERROR_PREFIX = 'setState():';

/**
 * A state that setState() refuses (a slot missing or of another shape): on a resume, its
 * checkpoint's fault, which the runs service words as a checkpoint that does not load.
 */
export class TrainingStateError extends Error {
  override name = 'TrainingStateError';
}

/** setState()'s argument checked: its step, and every parameter and optimizer slot by name. */
export function checkedState(named: readonly StateEntry[], state: TrainingState): Map<string, HostTensor> {
  if (!(Number.isInteger(state.step) && state.step >= 0 && state.step <= MAX_STEP))
    throw new TrainingStateError(
      `${SET_STATE_ERROR_PREFIX} step must be an integer in [0, ${MAX_STEP}], got ${state.step}`,
    );
  const checked = new Map<string, HostTensor>();
  for (const e of named) {
    if (e.role === 'step') continue;
    const given = (e.role === 'param' ? state.params : state.optimizer)[e.name];
    try {
      checked.set(e.name, checkStateTensor(e, given, 'setState()'));
    } catch (error) {
      throw new TrainingStateError((error as Error).message);
    }
  }
  return checked;
}

/** The c-th of `parts` equal slices along the leading axis, without copying. */
export function sliceLeading(t: HostTensor, c: number, parts: number): HostTensor {
  if (parts === 1) return t;
  const rows = t.dims[0] / parts;
  const per = t.data.length / t.dims[0];
  const data = t.data.subarray(c * rows * per, (c + 1) * rows * per) as AnyTypedArray;
  return { dtype: t.dtype, dims: [rows, ...t.dims.slice(1)], data };
}

/** A step's host fields (HostFields) as its `batch/<name>` feeds, by the steps done before it (`done`). */
export function hostFieldFeeds(source: HostFieldSource | null, done: Feed | undefined): Record<string, HostTensor> {
  if (!source) return {};
  const fields = Object.entries(source(hostNumbers(done)[0]));
  return Object.fromEntries(fields.map(([name, value]) => [batchInputName(name), value]));
}

/** A [K]-shaped result (losses, norms, rates) as float32 numbers on the host. */
export function hostNumbers(feed: Feed | undefined): Float32Array {
  if (!feed || 'kind' in feed) throw new Error('fused step: losses, grad norms and rates must come back on the host');
  return Float32Array.from(feed.data as Float32Array | Float64Array);
}
